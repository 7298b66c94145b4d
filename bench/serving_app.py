"""The app as gunicorn serves it, plus one bench-only route: a static copy of a GPX file."""

from __future__ import annotations

import os

from flask import send_from_directory

from webmap import create_app


def create():
    """``webmap.create_app()`` with ``/_bench/static.gpx`` served from BENCH_STATIC_DIR."""
    app = create_app()
    folder = os.environ["BENCH_STATIC_DIR"]
    app.add_url_rule(
        "/_bench/static.gpx",
        "bench_static_gpx",
        lambda: send_from_directory(folder, "track.gpx", mimetype="application/gpx+xml"),
    )
    return app
