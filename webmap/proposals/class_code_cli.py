"""``ecomap proposals class-code create|list``: the class codes that let students vote."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webmap.proposals.classes_store import NAME_MAX, SIZE_MAX, create_class, list_classes
from webmap.proposals.db import get_db

CLI_MODERATOR = "cli"

class_code_group = AppGroup("class-code", help="Create and list the class codes students join to vote.")


def register(proposals_group: click.Group) -> None:
    """Add ``class-code`` under ``ecomap proposals``."""
    proposals_group.add_command(class_code_group)


@class_code_group.command("create")
@click.option(
    "--name", required=True, help=f"The class, as students know it, such as 5Б (1 to {NAME_MAX} characters)."
)
@click.option(
    "--size",
    required=True,
    type=click.IntRange(1, SIZE_MAX),
    help="How many students may join with the code.",
)
def create_command(name: str, size: int) -> None:
    """Create a class code and print it; only its hash is kept, so it cannot be shown again."""
    if not name.strip() or len(name.strip()) > NAME_MAX:
        raise click.BadParameter(f"must have 1 to {NAME_MAX} characters", param_hint="--name")
    try:
        with get_db().write() as session:
            group, code = create_class(session, name, size, CLI_MODERATOR)
            shown = group.name
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--name") from None
    click.echo(f"class {shown!r}, up to {size} students: code {code}", err=True)
    click.echo(code)


@class_code_group.command("list")
def list_command() -> None:
    """List the classes: id, name, students joined / size, who created it."""
    with get_db().read() as session:
        classes = list_classes(session)
    for group in classes:
        click.echo(f"{group.id}\t{group.name}\t{group.joined}/{group.size}\t{group.created_by}")
    click.echo(f"{len(classes)} class(es)", err=True)
