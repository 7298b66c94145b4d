"""``ecomap serve``: the app under gunicorn, each worker with its own app and database engine."""

from __future__ import annotations

import click
from gunicorn.app.base import BaseApplication

from webmap import gunicorn_config

DEFAULT_BIND = "127.0.0.1:8000"
DEFAULT_WORKERS = gunicorn_config.workers
DEFAULT_CONNECTIONS = gunicorn_config.worker_connections
DEFAULT_TIMEOUT_S = gunicorn_config.timeout
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


def gunicorn_options(
    workers: int, bind: str, timeout_s: int, connections: int = DEFAULT_CONNECTIONS
) -> dict[str, object]:
    """The gunicorn settings of ``ecomap serve``: those of webmap/gunicorn_config.py (gevent workers,
    bounded request reads, keep-alive and requests, no preloading), logs to stderr, no control socket.

    >>> options = gunicorn_options(2, "127.0.0.1:8000", 30, connections=500)
    >>> options["worker_class"], options["worker_connections"], options["keepalive"], options["preload_app"]
    ('gevent', 500, 5, False)
    """
    return {
        "bind": [bind],
        "workers": workers,
        "worker_class": gunicorn_config.worker_class,
        "worker_connections": connections,
        "keepalive": gunicorn_config.keepalive,
        "timeout": timeout_s,
        "graceful_timeout": timeout_s,
        "limit_request_line": gunicorn_config.limit_request_line,
        "limit_request_fields": gunicorn_config.limit_request_fields,
        "limit_request_field_size": gunicorn_config.limit_request_field_size,
        "preload_app": gunicorn_config.preload_app,
        "errorlog": "-",
        "proc_name": "ecomap",
        "control_socket_disable": True,
        # a broken pack: one message and exit 1 from the master, one line from a restarted worker
        "on_starting": gunicorn_config.on_starting,
        "post_fork": gunicorn_config.post_fork,
    }


def _no_threads(_context: click.Context, parameter: click.Parameter, value: int | None) -> None:
    """``--threads`` set gunicorn's gthread workers, which slow clients could hold: name what replaced it."""
    if value is not None:
        raise click.BadParameter(
            "no longer applies: the workers are gevent's, each serving up to --connections clients "
            f"at once (default {DEFAULT_CONNECTIONS}).",
            param=parameter,
        )


def register(cli: click.Group) -> None:
    """Add the ``serve`` command to the ``ecomap`` command group."""

    @cli.command("serve", with_appcontext=False)
    @click.option("--workers", default=DEFAULT_WORKERS, show_default=True, type=click.IntRange(min=1))
    @click.option(
        "--bind", default=DEFAULT_BIND, show_default=True, help="HOST:PORT or unix:PATH to listen on."
    )
    @click.option(
        "--connections",
        default=DEFAULT_CONNECTIONS,
        show_default=True,
        type=click.IntRange(min=1),
        help="Clients each worker serves at once (gevent greenlets); more wait to be accepted.",
    )
    @click.option(
        "--threads",
        type=int,
        hidden=True,
        expose_value=False,
        callback=_no_threads,
        help="Gone: workers are gevent's; see --connections.",
    )
    @click.option(
        "--timeout",
        "timeout_s",
        default=DEFAULT_TIMEOUT_S,
        show_default=True,
        type=click.IntRange(min=1),
        help="Seconds a worker may go silent before gunicorn restarts it, and a stopping worker "
        "has to finish its requests.",
    )
    def serve(workers: int, bind: str, connections: int, timeout_s: int) -> None:
        """Serve the app under gunicorn with WORKERS gevent processes of up to CONNECTIONS clients each
        (stateless: any number of machines can serve one city with one PostgreSQL database)."""
        EcomapServer(gunicorn_options(workers, bind, timeout_s, connections)).run()
