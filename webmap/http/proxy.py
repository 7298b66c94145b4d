"""Behind a reverse proxy: take the client's address and scheme from PROXY_HOPS trusted proxies."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def proxy_hops(value: object) -> int:
    """The number of trusted proxies in ECOMAP_PROXY_HOPS; ValueError naming the setting if it is not one.

    >>> proxy_hops(" 1 ")
    1
    >>> proxy_hops("yes")
    Traceback (most recent call last):
    ...
    ValueError: ECOMAP_PROXY_HOPS must be a whole number of proxies (0 for none), not 'yes'
    """
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"ECOMAP_PROXY_HOPS must be a whole number of proxies (0 for none), not {text!r}")
    return int(text)


def init_app(app: Flask) -> None:
    """Trust the last PROXY_HOPS entries of ``X-Forwarded-For`` and ``X-Forwarded-Proto`` (none by default).

    With a proxy trusted, ``request.remote_addr`` (which the rate limits count by) is the client's
    address that the proxy saw, and ``request.scheme`` is the one the client used.
    """
    hops = proxy_hops(app.config.get("PROXY_HOPS", "0"))
    if hops:
        # Flask's documented idiom for WSGI middleware; mypy does not allow assigning to a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
