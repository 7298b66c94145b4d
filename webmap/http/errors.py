"""One JSON error shape for every API error, and the handlers that produce it."""

from __future__ import annotations

from flask import Flask, Response, abort, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from webmap.http.logs import request_id
from webmap.http.params import control_character

RETRY_AFTER_S = 10  # what a 503 asks clients to wait before trying again


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
