"""The app as gunicorn serves it, plus bench-only routes: static copies of pages' HTML."""

from __future__ import annotations

import os

from flask import send_from_directory

from webmap import create_app


def create():
    """``webmap.create_app()`` with ``/_bench/<name>.html`` served as files from BENCH_STATIC_DIR."""
    app = create_app()
    folder = os.environ["BENCH_STATIC_DIR"]
    app.add_url_rule(
        "/_bench/<name>.html",
        "bench_static_html",
        lambda name: send_from_directory(folder, f"{name}.html", mimetype="text/html"),
    )
    return app
