"""HTTP caching: static files under content-versioned URLs, ETags with 304 answers for the API, and
``Cache-Control: private, no-store`` with ``Vary: Cookie`` on every answer that is someone's own."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, g, request
from flask.globals import request_ctx
from werkzeug.security import safe_join

VERSION_ARG = "v"
VERSION_LENGTH = 12
IMMUTABLE_MAX_AGE_S = 365 * 24 * 3600
UNVERSIONED_MAX_AGE_S = 3600
PRIVATE = "private, no-store"
# Answers that are someone's own whatever they hold: a private link's, the moderators' pages, the
# sign-in forms, and pages that read the voter cookie. Any other answer that touches the session
# (its CSRF token or the signed-in moderator) is private too.
PRIVATE_ENDPOINTS = frozenset(
    {
        "auth.login",
        "auth.logout",
        "moderation.queue",
        "moderation.approve",
        "moderation.reject",
        "moderation.reopen_decision",
        "moderation.add_class",
        "moderation.remove_participant_view",
        "moderation.comment",
        "moderation.ballot_closing",
        "proposals_pages.private",
        "proposals_pages.approved",
        "proposals_pages.vote",
        "proposals_pages.join",
        "proposals_pages.join_form",
        "proposals_pages.private_board",
        "proposals_revisions.by_token",
        "proposals_revisions.add_revision",
        "proposals_revisions.moderation_history",
        "proposals_revisions.comment",
        "ballots.get_ballot",
        "ballots.put_ballot",
        "ballots.put_closing",
        "ballots.ballot_page",
        "ballots.ballot_submit",
    }
)

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
    app.after_request(_private_cache_control)


def mark_private() -> None:
    """Make this request's answer private (``no-store``, ``Vary: Cookie``): call it from a view whose
    answer depends on who asks (a cookie, a token) without touching the session."""
    g.private_answer = True


def is_private() -> bool:
    """Whether this request's answer belongs to whoever asked: see PRIVATE_ENDPOINTS and mark_private."""
    return request.endpoint in PRIVATE_ENDPOINTS or _session_used() or g.get("private_answer", False)


def _session_used() -> bool:
    """Whether the view read or wrote the session; asked without touching the ``session`` proxy, which
    would mark it accessed itself (Flask 3.1.3 and later)."""
    opened = getattr(request_ctx, "_session", None)
    return bool(opened is not None and opened.accessed)


def _private_cache_control(response: Response) -> Response:
    """No cache, shared or the browser's, may keep a private answer, whatever its status."""
    if is_private():
        response.headers["Cache-Control"] = PRIVATE
        response.headers.pop("Expires", None)
        response.vary.add("Cookie")
    return response


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
    response.make_conditional(request)  # in place: it returns the same response, typed as werkzeug's
    return response
