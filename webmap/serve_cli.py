"""``ecomap serve``: the app under gunicorn, each worker with its own app and database engine."""

from __future__ import annotations

import ipaddress
import os

import click
from gunicorn.app.base import BaseApplication

from webmap import gunicorn_config
from webmap.http.proxy import proxy_hops
from webmap.settings import read_settings

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


def bind_host(bind: str) -> str | None:
    """The host part of a gunicorn ``--bind``; None for a unix socket.

    >>> bind_host("127.0.0.1:8000"), bind_host("[::1]:8000"), bind_host("unix:/run/e.sock"), bind_host(":80")
    ('127.0.0.1', '::1', None, '')
    """
    if bind.startswith(("unix:", "fd://")):
        return None
    host = bind.rsplit(":", 1)[0] if ":" in bind else bind
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def is_loopback(bind: str) -> bool:
    """Whether only this machine can reach ``bind``: a loopback address, localhost or a unix socket.

    >>> [is_loopback(b) for b in ("127.0.0.1:8000", "localhost:80", "[::1]:80", "unix:/x")]
    [True, True, True, True]
    >>> [is_loopback(b) for b in ("0.0.0.0:80", ":80", "[::]:80", "example.org:80")]
    [False, False, False, False]
    """
    host = bind_host(bind)
    if host is None or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name other than localhost, or all interfaces (empty)


def trust_line(hops: int) -> str:
    """What ``ecomap serve`` says at start about the forwarded headers it trusts.

    >>> trust_line(0)
    "trusting no forwarded headers: each client is the connection's peer (ECOMAP_PROXY_HOPS=0)"
    """
    if not hops:
        return "trusting no forwarded headers: each client is the connection's peer (ECOMAP_PROXY_HOPS=0)"
    return (
        f"trusting X-Forwarded-For and X-Forwarded-Proto from {hops} "
        f"reverse prox{'y' if hops == 1 else 'ies'} in front (ECOMAP_PROXY_HOPS={hops}): "
        "the client's address and scheme come from them"
    )


def check_bind(bind: str, hops: int, any_address: bool) -> None:
    """Behind trusted proxies only they may reach the app: a bind that others can reach is refused
    unless ``--any-address`` says the network in between is closed; anyone reaching the app directly
    could write X-Forwarded-For and pass for any address (and past the per-address limits)."""
    if hops and not any_address and not is_loopback(bind):
        raise click.BadParameter(
            f"{bind!r} can be reached from other machines, and ECOMAP_PROXY_HOPS={hops} trusts the "
            "X-Forwarded-For of whoever connects: bind a loopback address (127.0.0.1:8000) or a unix "
            "socket behind the proxy, or add --any-address if only the proxy can reach this address.",
            param_hint="--bind",
        )


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
    @click.option(
        "--any-address",
        is_flag=True,
        help="With ECOMAP_PROXY_HOPS > 0, listen on an address other machines can reach (only do so "
        "when nothing but the proxy can reach it).",
    )
    def serve(workers: int, bind: str, connections: int, timeout_s: int, any_address: bool) -> None:
        """Serve the app under gunicorn with WORKERS gevent processes of up to CONNECTIONS clients each
        (stateless: any number of machines can serve one city with one PostgreSQL database).

        With ECOMAP_PROXY_HOPS > 0 it listens on loopback only (or a unix socket) unless --any-address."""
        try:
            hops = proxy_hops(read_settings(os.environ)["PROXY_HOPS"])
        except ValueError as error:
            raise click.UsageError(str(error)) from None
        check_bind(bind, hops, any_address)
        click.echo(f"ecomap serve on {bind}: {trust_line(hops)}", err=True)
        EcomapServer(gunicorn_options(workers, bind, timeout_s, connections)).run()
