"""One JSON error shape for every API error, and the one place that turns errors into HTTP answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from webmap.http.logs import request_id
from webmap.http.params import control_character

RETRY_AFTER_S = 10  # what a 503 asks clients to wait before trying again
DOMAIN_ERRORS = "ecomap.domain_errors"

# How a domain error is answered: its HTTP status, and what a feature says for it: the message in
# the reader's language and more members of the error object (such as a proposal's "problems").
# Without words the error's own English is said.
Status = Callable[[Any], int]
Words = Callable[[Any], tuple[str, dict[str, Any]]]


def _own_status(error: Any) -> int:
    return error.status


def _own_words(error: Exception) -> tuple[str, dict[str, Any]]:
    return str(error), {}


class ApiError(Exception):
    """An error answered to the client with a 4xx status and a message naming the culprit."""

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def error_body(status: int, message: str, field: str | None = None) -> dict:
    """The project's one JSON error shape.

    >>> error_body(404, "no layer 'x'")
    {'error': {'status': 404, 'message': "no layer 'x'", 'field': None}}
    """
    return {"error": {"status": status, "message": message, "field": field}}


def add_domain_error(
    app: Flask, kind: type[Exception], words: Words | None = None, status: Status | None = None
) -> None:
    """Let a feature's domain error rise from its views: answered with ``status`` (default: the error's
    own ``status``) and said in people's words (default: the error's own English).

    Views let domain errors rise; no view turns one into an HTTP answer by hand. Each feature
    registers its errors at start, so that ``http/`` knows no feature and no domain module.
    """
    app.extensions.setdefault(DOMAIN_ERRORS, {})[kind] = (status or _own_status, words or _own_words)
    app.register_error_handler(kind, domain_answer)


def _answer_of(error: Exception) -> tuple[Status, Words]:
    known = current_app.extensions.get(DOMAIN_ERRORS, {})
    for kind in type(error).__mro__:
        if kind in known:
            return known[kind]
    raise TypeError(f"{type(error).__name__} is not a registered domain error (add_domain_error)")


def domain_answer(error: Exception):
    """A domain error as the JSON shape (its status, field and words) or as an error page."""
    status_of, words = _answer_of(error)
    status = status_of(error)
    message, more = words(error)
    if wants_json():
        body = error_body(status, message, getattr(error, "field", None))
        body["error"].update(more)
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


def wants_json() -> bool:
    """API paths always answer JSON; other pages answer JSON only when asked for it."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _json_error(status: int, message: str, field: str | None = None) -> tuple[Response, int]:
    return jsonify(error_body(status, message, field)), status


def service_unavailable(field: str):
    """A 503 with Retry-After: the JSON shape naming ``field`` (such as "database"), or an error page."""
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    if wants_json():
        response, status = _json_error(503, f"the {field} is unavailable; try again shortly", field)
        return response, status, headers
    message = _("This page is unavailable right now. Please try again in a minute.")
    return render_template("error.html", status=503, message=message), 503, headers


def refuse_control_characters() -> None:
    """A 400 naming the query argument whose name or value holds a control character (CR, LF, NUL, ...)."""
    for name, value in request.args.items(multi=True):
        found = control_character(name + value)
        if found:
            message = f"the query argument {name[:40]!r} holds a control character {found}"
            if wants_json():
                raise ApiError(400, message, field=name[:40])
            abort(400, message)


def init_app(app: Flask) -> None:
    """Register the handlers that turn every error into the JSON shape or an HTML page."""
    app.before_request(refuse_control_characters)

    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError):
        return _json_error(error.status, error.message, error.field)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        status = error.code or 500
        # keep the headers that tell the client what to do: when to retry (429), which methods (405)
        headers = [item for item in error.get_headers() if item[0] in ("Retry-After", "Allow")]
        if wants_json():
            response, status = _json_error(status, error.description or error.name)
            return response, status, headers
        return render_template("error.html", status=status, message=error.description), status, headers

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("unhandled error on %s, request_id=%s", request.path, request_id())
        message = f"internal error; it has been logged as request {request_id()}"
        if wants_json():
            return _json_error(500, message)
        return render_template("error.html", status=500, message=message), 500
