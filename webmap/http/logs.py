"""One log line per request (method, path, status, duration, request id), and the request id itself."""

from __future__ import annotations

import logging
import re
import time
import uuid
from urllib.parse import quote

from flask import Flask, Response, g, has_request_context, request

HEADER = "X-Request-ID"
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
SECRET_VIEW_ARGS = ("token",)  # private links: never written to the log
PATH_SAFE = "/:@!$&'()*+,;=-._~"


def request_id() -> str | None:
    """The current request's id: the client's ``X-Request-ID`` if well-formed, else a new one."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        given = request.headers.get(HEADER, "")
        g.request_id = given if WELL_FORMED_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


def logged_path(path: str, view_args: dict | None) -> str:
    """``path`` percent-encoded (no line breaks in the log), with secret view arguments hidden.

    >>> logged_path("/proposals/p/s3cret", {"token": "s3cret"})
    '/proposals/p/...'
    >>> logged_path("/tracks/a b\\n", None)
    '/tracks/a%20b%0A'
    """
    for name in SECRET_VIEW_ARGS:
        secret = str((view_args or {}).get(name) or "")
        if secret:
            path = path.replace(secret, "...")
    return quote(path, safe=PATH_SAFE)


def init_app(app: Flask) -> None:
    """Time every request, log it on the ``<app>.requests`` logger at INFO, echo its id back."""
    logger = app.logger.getChild("requests")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)

    @app.before_request
    def start_timer() -> None:
        g.request_start_s = time.perf_counter()
        request_id()

    @app.after_request
    def log_request(response: Response) -> Response:
        duration_ms = (time.perf_counter() - g.get("request_start_s", time.perf_counter())) * 1000
        response.headers[HEADER] = request_id()
        logger.info(
            "method=%s path=%s status=%d duration_ms=%.1f request_id=%s",
            request.method,
            logged_path(request.path, request.view_args),
            response.status_code,
            duration_ms,
            request_id(),
        )
        return response
