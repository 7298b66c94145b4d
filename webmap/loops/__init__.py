"""Step-goal loops and routes on the walking network: the page, the API, the place search and the
track suggestions command."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Serve the loops (``views.init_app``) and describe their API.

    The modules are imported here, not on import of the package, so that the commands stay light.
    """
    from webmap.http.openapi import add_api_part
    from webmap.loops import api_description, views

    views.init_app(app)
    add_api_part(app, "loops", api_description.describe)
