"""Step-goal loops and routes on the walking network: the page, the API, the place search and the
track suggestions command."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from flask import Flask

if TYPE_CHECKING:
    from geo.pack import CityPack


def init_app(app: Flask) -> None:
    """Serve the loops (``views.init_app``) and describe their API.

    The modules are imported here, not on import of the package, so that the commands stay light.
    """
    from webmap.http.openapi import add_api_part
    from webmap.loops import api_description, views

    views.init_app(app)
    add_api_part(app, "loops", api_description.describe)


def register_commands(cli_group: click.Group) -> None:
    """Add this feature's ``ecomap`` commands: suggest-tracks."""
    from webmap.loops import cli

    cli.register(cli_group)


def check_pack(pack: CityPack) -> None:
    """Nothing at start: the walking network is built from the pack's layers on first use."""
