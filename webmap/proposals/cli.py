"""Command-line moderation: ``ecomap create-moderator``, ``ecomap proposals list|approve|reject|reopen``,
and ``ecomap proposals ballot-close`` for budget ballots."""

from __future__ import annotations

import datetime as dt
import sys

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webmap.proposals.db import get_db
from webmap.proposals.errors import AlreadyDecided, InvalidName, NotDecided
from webmap.proposals.models import STATUSES, Moderator
from webmap.proposals.moderation_store import reopen
from webmap.proposals.moderator_names import confusable_with, normalise_name
from webmap.proposals.service import get_sites
from webmap.proposals.store import (
    Filters,
    create_moderator,
    decide,
    find_proposals,
    get_proposal,
)
from webmap.proposals.text_rules import TEXT_AREA, describe, refused_character

MIN_PASSWORD = 8
CLI_MODERATOR = "cli"


def register(cli_group: click.Group) -> None:
    """Add ``create-moderator`` and the ``proposals`` group to the ``ecomap`` command."""
    cli_group.add_command(create_moderator_command)
    cli_group.add_command(proposals_group)


@click.command("create-moderator")
@click.argument("username")
@click.option(
    "--site", "sites", multiple=True, help="A site this moderator may moderate (repeat); none: all."
)
@with_appcontext
def create_moderator_command(username: str, sites: tuple[str, ...]) -> None:
    """Create moderator USERNAME; the password comes from a prompt, or the first line of stdin.

    The name is stored normalised (NFKC, case-folded, trimmed, inner spaces collapsed) and refused
    when it looks like an existing moderator's name (a Cyrillic о for an o, a 0 for an o, ...).
    """
    unknown = [site for site in sites if site not in get_sites()]
    if unknown:
        raise click.BadParameter(
            f"unknown site {unknown[0]!r}; sites: {', '.join(get_sites())}", param_hint="--site"
        )
    try:
        name = normalise_name(username)
    except InvalidName as error:
        raise click.BadParameter(f"{error}: {username!r}", param_hint="USERNAME") from None
    with get_db().read() as session:
        twin = confusable_with(name, session.scalars(select(Moderator.username)))
    if twin == name:
        raise click.ClickException(f"moderator {name!r} already exists")
    if twin is not None:
        raise click.ClickException(f"moderator name {name!r} is too like the existing moderator {twin!r}")
    password = _read_password()
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"the password must have at least {MIN_PASSWORD} characters")
    try:
        with get_db().write() as session:
            create_moderator(session, name, password, sites)
    except IntegrityError:
        raise click.ClickException(f"moderator {name!r} already exists") from None
    click.echo(f"created moderator {name!r} for {', '.join(sites) or 'every site'}")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


proposals_group = AppGroup("proposals", help="List, approve, reject students' proposals, or undo a decision.")


@proposals_group.command("list")
@click.option("--status", type=click.Choice([*STATUSES, "all"]), default="pending", show_default=True)
@click.option("--site", default=None, help="Only this site's proposals.")
def list_command(status: str, site: str | None) -> None:
    """List proposals: id, status, site, category, title and author, one per line."""
    statuses = STATUSES if status == "all" else (status,)
    with get_db().read() as session:
        proposals = find_proposals(session, Filters(statuses, (site,) if site else None))
    for proposal in proposals:
        title = proposal.title.replace("\n", " ")
        click.echo(
            f"{proposal.id}\t{proposal.status}\t{proposal.site}\t{proposal.category}\t{title}\t{proposal.author}"
        )
    click.echo(f"{len(proposals)} proposal(s)", err=True)


@proposals_group.command("approve")
@click.argument("proposal_id", type=int)
def approve_command(proposal_id: int) -> None:
    """Approve proposal PROPOSAL_ID: it becomes public."""
    _decide(proposal_id, "approved", None)


@proposals_group.command("reject")
@click.argument("proposal_id", type=int)
@click.option("--reason", required=True, help="Why; the author sees it at their private link.")
def reject_command(proposal_id: int, reason: str) -> None:
    """Reject proposal PROPOSAL_ID with a reason."""
    if not reason.strip():
        raise click.BadParameter("must not be empty", param_hint="--reason")
    char = refused_character(reason, TEXT_AREA)
    if char is not None:
        raise click.BadParameter(f"contains {describe(char)}", param_hint="--reason")
    _decide(proposal_id, "rejected", reason.strip())


def _decide(proposal_id: int, status: str, reason: str | None) -> None:
    try:
        with get_db().write() as session:
            proposal = get_proposal(session, proposal_id)
            if proposal is None:
                raise click.ClickException(f"no proposal {proposal_id}")
            decide(session, proposal, status, CLI_MODERATOR, reason)
    except AlreadyDecided as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"proposal {proposal_id} {status}")


@proposals_group.command("reopen")
@click.argument("proposal_id", type=int)
def reopen_command(proposal_id: int) -> None:
    """Undo proposal PROPOSAL_ID's decision: it is pending again (the moderation log keeps both)."""
    try:
        with get_db().write() as session:
            proposal = get_proposal(session, proposal_id)
            if proposal is None:
                raise click.ClickException(f"no proposal {proposal_id}")
            reopen(session, proposal, CLI_MODERATOR)
    except NotDecided as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"proposal {proposal_id} is pending again")


@proposals_group.command("ballot-close")
@click.argument("site")
@click.argument("closes_at")
def ballot_close_command(site: str, closes_at: str) -> None:
    """Open SITE's budget ballot until CLOSES_AT (ISO 8601 with its offset, such as
    2026-12-20T18:00+05:00); a moment past closes it now."""
    from webmap.proposals.ballots import set_closing

    sites = get_sites()
    if site not in sites or sites[site].budget_rub is None:
        raise click.ClickException(f"site {site!r} has no budget ballot (no budget_rub in sites.toml)")
    try:
        moment = dt.datetime.fromisoformat(closes_at)
    except ValueError:
        raise click.ClickException(f"{closes_at!r} is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise click.ClickException(f"{closes_at!r} needs its UTC offset, such as +05:00")
    with get_db().write() as session:
        set_closing(session, site, moment.astimezone(dt.UTC), CLI_MODERATOR)
    click.echo(f"the ballot of {site} closes at {moment.astimezone(dt.UTC).isoformat(timespec='minutes')}")
