"""Health tracks for residents: their pages, map, GPX files, API and commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from flask import Flask

if TYPE_CHECKING:
    from geo.pack import CityPack


def init_app(app: Flask) -> None:
    """Serve the tracks (``views.init_app``) and describe their API.

    The modules are imported here, not on import of the package, so that the commands stay light.
    """
    from webmap.http.openapi import add_api_part
    from webmap.tracks import api_description, views

    views.init_app(app)
    add_api_part(app, "tracks", api_description.describe)


def register_commands(cli_group: click.Group) -> None:
    """Add this feature's ``ecomap`` commands: export-gpx and import-gpx."""
    from webmap.tracks import cli

    cli.register(cli_group)


def check_pack(pack: CityPack) -> None:
    """Load and measure the pack's tracks and audiences as the app will; TrackError if they are broken."""
    from routes.catalog import load_catalog

    load_catalog(pack)
