"""One JSON error shape for every API error, and the one place that turns errors into HTTP answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from routes.errors import RoutingError
from webmap.errors import AlreadyDecided, InvalidProposal, JoinRefused, NotDecided
from webmap.http.logs import request_id
from webmap.http.params import control_character

RETRY_AFTER_S = 10  # what a 503 asks clients to wait before trying again
WORDS = "ecomap.error_words"

# Every domain error (geo/, routes/, webmap/errors.py) that a request can meet, and the status it is
# answered with. Views let these errors rise; no view turns one into an HTTP answer by hand.
STATUS: dict[type[Exception], Callable[[Any], int]] = {
    RoutingError: lambda error: 404 if error.reason == "no_network" else 422,
    InvalidProposal: lambda error: error.status,
    AlreadyDecided: lambda error: 409,
    NotDecided: lambda error: 409,
    JoinRefused: lambda error: 409 if error.reason in ("full", "nickname") else 400,
}
# What a feature says for one of them: the message in the reader's language, and more members of
# the error object (such as a proposal's "problems"). Without words the error's own English is said.
Words = Callable[[Any], tuple[str, dict[str, Any]]]


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


def status_of(error: Exception) -> int:
    """The HTTP status a domain error is answered with (STATUS).

    >>> status_of(NotDecided(7)), status_of(RoutingError("far", "start", "far"))
    (409, 422)
    """
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind](error)
    raise TypeError(f"{type(error).__name__} is not a domain error with a status in STATUS")


def add_error_words(app: Flask, kind: type[Exception], words: Words) -> None:
    """Let a feature say a domain error in people's words (its message and more members of the error)."""
    app.extensions.setdefault(WORDS, {})[kind] = words


def _words(error: Exception) -> tuple[str, dict[str, Any]]:
    known = current_app.extensions.get(WORDS, {})
    for kind in type(error).__mro__:
        if kind in known:
            return known[kind](error)
    return str(error), {}


def domain_answer(error: Exception):
    """A domain error as the JSON shape (its status, field and words) or as an error page."""
    status = status_of(error)
    message, more = _words(error)
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
    for kind in STATUS:
        app.register_error_handler(kind, domain_answer)

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
