"""Compressed responses (Brotli or gzip, as the client accepts) for pages, GeoJSON, GPX, CSV, JS and CSS."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_compress import Compress

MIMETYPES = (
    "text/html",
    "text/css",
    "text/csv",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "application/gpx+xml",
    "application/xml",
    "image/svg+xml",
)
ALGORITHMS = ("br", "gzip")
PARTIAL_CONTENT = 206


def init_app(app: Flask) -> None:
    """Compress every compressible answer; Flask-Compress adds ``Vary: Accept-Encoding``, gives a
    compressed answer its own ETag (``"<etag>:br"``) and answers 304 to it."""
    app.config.setdefault("COMPRESS_MIMETYPES", list(MIMETYPES))
    app.config.setdefault("COMPRESS_ALGORITHM", list(ALGORITHMS))
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", list(ALGORITHMS))
    app.config.setdefault("COMPRESS_REGISTER", False)
    compress = Compress(app)

    @app.after_request
    def compress_response(response: Response) -> Response:
        # a byte range of the file cannot be compressed on its own
        if response.status_code == PARTIAL_CONTENT:
            return response
        if request.endpoint == "static" and response.is_streamed and response.status_code == 200:
            # a static file: read it whole (closing it), so that it is compressed once with a length
            response.direct_passthrough = False
            response.make_sequence()
        return compress.after_request(response)
