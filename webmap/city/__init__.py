"""The officials' city map, the health check, the layers API and the OpenStreetMap import command."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from flask import Flask

if TYPE_CHECKING:
    from geo.pack import CityPack


def init_app(app: Flask) -> None:
    """Serve the city map, the health check and the layers API, and describe that API.

    The modules are imported here, not on import of the package, so that ``webmap.city.cli`` stays light.
    """
    from webmap.city import api, api_description, views
    from webmap.http.openapi import add_api_part

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    add_api_part(app, "city", api_description.describe)


def register_commands(cli_group: click.Group) -> None:
    """Add this feature's ``ecomap`` commands: import-osm."""
    from webmap.city import cli

    cli.register(cli_group)


def check_pack(pack: CityPack) -> None:
    """Nothing beyond what ``load_pack`` checks: the city's layers are the pack itself."""
