"""Gunicorn settings for ecomap (``gunicorn -c python:webmap.gunicorn_config``): gevent, bounds, pack check.

Workers are gunicorn's ``gevent`` kind: each serves up to ``worker_connections`` clients at once,
each in a greenlet (a few kB), not a thread, and gevent's monkey-patching, done by the worker
before it loads the app, makes sockets, locks, the database drivers' waits and Redis cooperative.
Reading a request, the first on a connection as every later one, must end within ``keepalive``
seconds or the connection is closed: a client that connects and says nothing, or sends its header
a line at a time, costs one greenlet for at most that long. So gunicorn alone keeps answering
under slow clients (tests/test_slow_clients.py); nginx in front (deploy/nginx/ecomap.conf) is still
the deployment for the open internet (TLS, many more sockets). CPU-bound work (a page render, a
loop search) holds its worker's only OS thread until it is done, as the GIL did with threads. The
request line, the number of header fields and their size are bounded. psycopg 3 sees the patched
``select`` and waits through gevent (``psycopg.waiting``; tests/test_serving_gevent.py); sqlite3
calls block the worker, and a write waiting for another process's SQLite lock blocks it that long.

Without the hooks an error in the app factory makes every worker log a traceback and the master stop
with "Worker failed to boot". With them the master checks the city pack (layers, tracks and
proposal sites) before it listens or forks: a broken pack prints ``ecomap: <the problems>`` and
exits with 1. A pack that breaks later, when a worker restarts, is one line from that worker and
gunicorn's "App failed to load" exit (4). Options given on the command line apply on top.
"""

from __future__ import annotations

import os
import sys

from gunicorn.errors import AppImportError

from geo.errors import PackError, SitesError
from geo.pack import load_pack
from webmap import features
from webmap.settings import read_settings

wsgi_app = "webmap:create_app()"
workers = 2
worker_class = "gevent"
worker_connections = 1000  # clients each worker serves at once; more wait in the listen queue
keepalive = 5  # seconds to read a request's line and header, and a kept-alive connection may stay idle
timeout = 30  # seconds a worker may go without a heartbeat before the master restarts it
graceful_timeout = 30  # seconds a stopping worker has to finish its requests
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
preload_app = False  # every worker builds its own app: no database connection crosses a fork
START_UP_ERRORS = (PackError, SitesError)  # TrackError is a PackError


def check_pack(path: str) -> None:
    """Load the pack as the app will (layers, and each feature's part: tracks, sites); PackError or
    SitesError if it is broken."""
    pack = load_pack(path)
    for feature in features():
        feature.check_pack(pack)


def on_starting(server) -> None:
    """In the master, before it listens: stop with the pack's problems instead of failing in every worker."""
    try:
        check_pack(read_settings(os.environ)["PACK"])
    except START_UP_ERRORS as error:
        print(f"ecomap: {error}", file=sys.stderr, flush=True)
        if server.pidfile is not None:
            server.pidfile.unlink()
        raise SystemExit(1) from None


def post_fork(_server, worker) -> None:
    """Make a worker report a pack broken since start-up as an app load error: one line, no traceback."""
    load = worker.load_wsgi

    def load_wsgi() -> None:
        try:
            load()
        except START_UP_ERRORS as error:
            raise AppImportError(f"ecomap: {error}") from None

    worker.load_wsgi = load_wsgi
