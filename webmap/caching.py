"""HTTP caching: static files under content-versioned URLs, and ETags with 304 answers for the API."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

VERSION_ARG = "v"
VERSION_LENGTH = 12
IMMUTABLE_MAX_AGE_S = 365 * 24 * 3600
UNVERSIONED_MAX_AGE_S = 3600

_versions: dict[Path, tuple[int, int, str]] = {}


def file_version(path: Path | str) -> str | None:
    """The first hex digits of the SHA-256 of the file at ``path``; None if there is no such file.

    Kept per file until its size or modification time changes.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return None
    cached = _versions.get(path)
    if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
        return cached[2]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:VERSION_LENGTH]
    _versions[path] = (stat.st_mtime_ns, stat.st_size, digest)
    return digest


def static_version(filename: str) -> str | None:
    """The version of a file in the app's static folder (None outside it or if missing)."""
    path = safe_join(current_app.static_folder or "", filename)
    return file_version(path) if path else None


def init_app(app: Flask) -> None:
    """``url_for('static', ...)`` adds ``?v=<content hash>``; static answers get their Cache-Control."""
    app.url_defaults(_add_static_version)
    app.after_request(_static_cache_control)


def _add_static_version(endpoint: str, values: dict) -> None:
    if endpoint == "static" and VERSION_ARG not in values and "filename" in values:
        version = static_version(values["filename"])
        if version:
            values[VERSION_ARG] = version


def _static_cache_control(response: Response) -> Response:
    """A year and ``immutable`` when ``?v=`` is the file's current version; an hour otherwise."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    version = request.args.get(VERSION_ARG)
    filename = (request.view_args or {}).get("filename", "")
    if version and version == static_version(filename):
        response.headers["Cache-Control"] = f"public, max-age={IMMUTABLE_MAX_AGE_S}, immutable"
    else:
        response.headers["Cache-Control"] = f"public, max-age={UNVERSIONED_MAX_AGE_S}"
    response.headers.pop("Expires", None)
    return response


def conditional(response: Response) -> Response:
    """Tag ``response`` with a strong ETag of its body, make clients revalidate, and answer 304 to
    an ``If-None-Match`` that matches."""
    response.add_etag()
    response.cache_control.no_cache = True
    return response.make_conditional(request)
