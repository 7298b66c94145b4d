"""Health tracks for residents: their pages, map, GPX files, API and commands."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Serve the tracks (``views.init_app``) and describe their API.

    The modules are imported here, not on import of the package, so that the commands stay light.
    """
    from webmap.http.openapi import add_api_part
    from webmap.tracks import api_description, views

    views.init_app(app)
    add_api_part(app, "tracks", api_description.describe)
