"""One JSON error shape for every API error, and the handlers that produce it."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from webmap.logs import request_id


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


def init_app(app: Flask) -> None:
    """Register the handlers that turn every error into the JSON shape or an HTML page."""

    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError):
        return _json_error(error.status, error.message, error.field)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        status = error.code or 500
        # 429: keep the Retry-After that says when the client may try again
        headers = [item for item in error.get_headers() if item[0] == "Retry-After"] if status == 429 else []
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
