"""The proposals' services on an app: settings, secure cookies, sites, database and rate limits."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response, current_app
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import parse_many
from limits.errors import ConfigurationError
from werkzeug.exceptions import TooManyRequests

from geo.kit import Kit, load_kit
from geo.sites import Site, load_sites
from webmap.pack_access import get_pack
from webmap.proposals import db

SESSION_LIFETIME = dt.timedelta(
    hours=8
)  # a moderator's sign-in; the cookie and its signature expire together
# A Redis storage that does not answer within a second is taken as down (counted in memory meanwhile).
REDIS_SCHEMES = ("redis", "rediss", "redis+unix")
STORAGE_TIMEOUTS: dict[str, str | int] = {"socket_connect_timeout": 1, "socket_timeout": 1}
SITES = "ecomap.proposal_sites"
KIT = "ecomap.kit"
LIMITER = "ecomap.proposal_limiter"


def init_app(app: Flask) -> None:
    """Set up the proposals' cookies, sites, database and rate limiter on ``app``.

    Their settings (DATABASE_URL, RATE_LIMIT, RATE_LIMIT_STORAGE, SECURE_COOKIES) are in
    ``app.config`` already: create_app reads every setting of webmap/settings.py.
    """
    _secure_cookies(app)
    with app.app_context():
        pack = get_pack()
        app.extensions[KIT] = load_kit(pack.path)
        app.extensions[SITES] = load_sites(pack, app.extensions[KIT])
    db.init_app(app)
    rate = str(app.config["RATE_LIMIT"]).strip()
    if rate != "0":
        parse_many(rate)  # a malformed ECOMAP_RATE_LIMIT fails at start, not on the first request
    login = str(app.config["LOGIN_LIMIT"]).strip()
    if login != "0":
        try:
            parse_many(login)
        except ValueError as error:
            raise ValueError(f"ECOMAP_LOGIN_LIMIT: {error}") from None
    app.extensions[LIMITER] = _limiter(app)


def _limiter(app: Flask) -> Limiter:
    """The rate limiter, counting in RATE_LIMIT_STORAGE (shared by every worker and machine) or in
    this worker's memory when it is empty.

    While the storage is unreachable Flask-Limiter counts in memory, logs a warning, and goes
    back to the storage once it answers again: sign-ins and submissions never fail for it.
    A malformed URL stops the app at start with a message that names the setting.
    """
    uri = str(app.config["RATE_LIMIT_STORAGE"]).strip() or "memory://"
    options = STORAGE_TIMEOUTS if uri.split("://", 1)[0] in REDIS_SCHEMES else {}
    try:
        return Limiter(
            get_remote_address,
            app=app,
            storage_uri=uri,
            storage_options=options,
            in_memory_fallback_enabled=uri != "memory://",
        )
    except ConfigurationError as error:
        raise ValueError(f"ECOMAP_RATE_LIMIT_STORAGE: {error}") from None


def _secure_cookies(app: Flask) -> None:
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["PERMANENT_SESSION_LIFETIME"] = SESSION_LIFETIME
    app.config["SESSION_COOKIE_SECURE"] = str(app.config["SECURE_COOKIES"]).lower() in ("1", "true", "yes")


def get_sites() -> dict[str, Site]:
    return current_app.extensions[SITES]


def get_kit() -> Kit | None:
    """The pack's kit of parts (``kit.toml``); None for a pack without one."""
    return current_app.extensions[KIT]


@contextmanager
def rate_limited(
    scope: str, deduct_when: Callable[[Response], bool] | None = None, account: str | None = None
) -> Iterator[None]:
    """Count this request against the client's RATE_LIMIT in ``scope``; 429 once it is spent.

    With ``deduct_when`` the request is counted only if that says yes to its answer (such as
    ``accepted_only``): the limit is still checked on entry, so once it is spent the request is
    refused, but an answer that does not count leaves the count as it was.
    With ``account`` (a normalised sign-in name) the count is that account's, from every address,
    against LOGIN_LIMIT instead, in the same storage (RATE_LIMIT_STORAGE).
    The 429 says which limit was hit and for what, and carries ``Retry-After`` in seconds.
    """
    rate = str(current_app.config["LOGIN_LIMIT" if account is not None else "RATE_LIMIT"]).strip()
    limiter: Limiter = current_app.extensions[LIMITER]
    if rate != "0":
        key_func = (lambda: f"account:{account}") if account is not None else None
        try:
            with limiter.limit(rate, scope=scope, deduct_when=deduct_when, key_func=key_func):
                pass  # entering counts the hit (or tests it, with deduct_when), or raises once spent
        except RateLimitExceeded as error:
            raise _too_many(limiter, scope, str(error.limit.limit), account is not None) from None
    yield


def failed_sign_in(response: Response) -> bool:
    """Count a sign-in against its account only when it failed (401): a right password costs nothing."""
    return response.status_code == 401


def accepted_only(response: Response) -> bool:
    """Count a submission only once it is accepted (201): refused drafts, corrected and sent again,
    must not use up a class's limit behind one school address."""
    return response.status_code == 201


RATE_SCOPES = {
    "submit": "proposal submissions",
    "vote": "votes",
    "login": "sign-in attempts",
    "join": "attempts to join a class",
}


def _too_many(limiter: Limiter, scope: str, limit: str, account: bool = False) -> TooManyRequests:
    from webmap.http.errors import wants_json

    hit = limiter.current_limit
    wait = max(1, math.ceil(hit.reset_at - time.time())) if hit is not None else 60
    if account:
        if wants_json():
            message = f"too many failed sign-ins to this account: the limit is {limit}; try again in {wait} s"
        else:
            message = _(
                "Too many failed sign-ins to this account: the limit is %(limit)s. "
                "Try again in %(seconds)s s.",
                limit=limit,
                seconds=wait,
            )
        return TooManyRequests(message, retry_after=wait)
    if wants_json():
        message = (
            f"too many {RATE_SCOPES.get(scope, scope)} from this address: the limit is {limit}; "
            f"try again in {wait} s"
        )
    else:
        what = {"submit": _("proposal submissions"), "vote": _("votes"), "login": _("sign-in attempts")}
        what["join"] = _("attempts to join a class")
        message = _(
            "Too many %(what)s from this address: the limit is %(limit)s. Try again in %(seconds)s s.",
            what=what.get(scope, scope),
            limit=limit,
            seconds=wait,
        )
    return TooManyRequests(message, retry_after=wait)
