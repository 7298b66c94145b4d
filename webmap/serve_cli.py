"""``ecomap serve``: the app under gunicorn, each worker with its own app and database engine."""

from __future__ import annotations

import click
from gunicorn.app.base import BaseApplication

from webmap import gunicorn_config

DEFAULT_BIND = "127.0.0.1:8000"
DEFAULT_WORKERS = 2
DEFAULT_TIMEOUT_S = 30
# Settings of newer gunicorn versions only: the control socket (gunicorn 24+) is one fixed path per
# user, which two servers on one machine would share.
OPTIONAL_SETTINGS = ("control_socket_disable",)


class EcomapServer(BaseApplication):
    """gunicorn running ``webmap.create_app()`` in every worker: no app is built in the master."""

    def __init__(self, options: dict[str, object]):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            if name in self.cfg.settings or name not in OPTIONAL_SETTINGS:
                self.cfg.set(name, value)

    def load(self):
        from webmap import create_app

        return create_app()


def gunicorn_options(workers: int, bind: str, timeout_s: int) -> dict[str, object]:
    """The gunicorn settings of ``ecomap serve``: sync workers, no preloading, logs to stderr, no
    control socket.

    >>> gunicorn_options(2, "127.0.0.1:8000", 30)["preload_app"]
    False
    """
    return {
        "bind": [bind],
        "workers": workers,
        "timeout": timeout_s,
        "graceful_timeout": timeout_s,
        "preload_app": False,
        "worker_class": "sync",
        "errorlog": "-",
        "proc_name": "ecomap",
        "control_socket_disable": True,
        # a broken pack: one message and exit 1 from the master, one line from a restarted worker
        "on_starting": gunicorn_config.on_starting,
        "post_fork": gunicorn_config.post_fork,
    }


def register(cli: click.Group) -> None:
    """Add the ``serve`` command to the ``ecomap`` command group."""

    @cli.command("serve", with_appcontext=False)
    @click.option("--workers", default=DEFAULT_WORKERS, show_default=True, type=click.IntRange(min=1))
    @click.option(
        "--bind", default=DEFAULT_BIND, show_default=True, help="HOST:PORT or unix:PATH to listen on."
    )
    @click.option(
        "--timeout",
        "timeout_s",
        default=DEFAULT_TIMEOUT_S,
        show_default=True,
        type=click.IntRange(min=1),
        help="Seconds a worker may spend on a request before gunicorn restarts it.",
    )
    def serve(workers: int, bind: str, timeout_s: int) -> None:
        """Serve the app under gunicorn with WORKERS processes (stateless: any number of machines
        can serve one city with one PostgreSQL database)."""
        EcomapServer(gunicorn_options(workers, bind, timeout_s)).run()
