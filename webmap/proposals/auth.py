"""Moderator sign-in: /login and /logout, the signed-in moderator, and guards for views."""

from __future__ import annotations

import functools
import sys
import unicodedata
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from webmap.http.errors import ApiError
from webmap.proposals.db import get_db
from webmap.proposals.errors import InvalidName
from webmap.proposals.models import Moderator
from webmap.proposals.moderator_names import normalise_name
from webmap.proposals.service import failed_sign_in, rate_limited
from webmap.proposals.store import DUMMY_HASH, find_moderator

bp = Blueprint("auth", __name__)
SESSION_KEY = "moderator_id"
DEFAULT_NEXT = "/moderation"
MAX_DECODINGS = 3  # percent-decodings of a ``next`` target checked, for %25-encoded spellings
GENERATION_KEY = "moderator_generation"
T = TypeVar("T")


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=200)])


class LogoutForm(FlaskForm):
    """A form with nothing but the CSRF token."""


def current_moderator() -> Moderator | None:
    """The moderator signed in on this session, if any: a session from before their last sign-out is none."""
    if "moderator" not in g:
        moderator_id = session.get(SESSION_KEY)
        moderator = None
        if moderator_id is not None:
            with get_db().read() as db_session:
                moderator = db_session.get(Moderator, moderator_id)
            if moderator is not None and session.get(GENERATION_KEY) != moderator.session_generation:
                moderator = None
        g.moderator = moderator
    return g.moderator


def off_the_loop(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` on a thread of gevent's pool in a gevent worker, so that a password hash
    (tens of milliseconds of CPU) holds only its own request, not the worker's event loop; a direct
    call elsewhere (the development server, tests, commands)."""
    if "gevent" in sys.modules:
        import gevent
        from gevent import monkey

        if monkey.is_module_patched("threading"):
            return gevent.get_hub().threadpool.apply(function, args)
    return function(*args)


def moderator_page(view: Callable) -> Callable:
    """Pages for moderators: anonymous GETs go to /login, other anonymous requests get 401."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if current_moderator() is None:
            if request.method == "GET":
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            abort(401)
        return view(*args, **kwargs)

    return guarded


def api_moderator(what: str) -> Moderator:
    """The signed-in moderator, or a 401 naming what needs signing in."""
    moderator = current_moderator()
    if moderator is None:
        raise ApiError(401, f"sign in as a moderator (POST /login) to see {what}", field="status")
    return moderator


def safe_next(target: str | None) -> str:
    """A path of this site to return to after signing in; anything else goes to the moderation queue.

    >>> safe_next("/moderation?site=a"), safe_next("//evil.example/x"), safe_next("/\\t/evil.example")
    ('/moderation?site=a', '/moderation', '/moderation')
    """
    return target if target and is_local_path(target) else DEFAULT_NEXT


def is_local_path(target: str) -> bool:
    """Whether ``target`` is a path on this site, however a browser would read it.

    The text itself must be printable ASCII without spaces or backslashes (browsers drop tabs and
    line breaks and read a backslash as a slash); it, its percent-decoding (repeated, for
    ``%252F``) and the decoding's NFKC form (``／`` is ``/``) must all be a path with one leading
    slash, no scheme and no host, and the decoded forms must hold no control, format or space
    characters.

    >>> [is_local_path(t) for t in ("/a?b=c", "/%2F/evil", "https:evil", "/\uff0fevil", "/a%0d%0ab")]
    [True, False, False, False, False]
    """
    if not target.isascii() or not target.isprintable() or " " in target:
        return False
    decoded = target
    for _ in range(MAX_DECODINGS):
        decoded = unquote(decoded)
    variants = (target, decoded, unicodedata.normalize("NFKC", decoded))
    return all(_plain_path(text) for text in variants) and not any(
        unicodedata.category(char)[0] in "CZ" for char in variants[1] + variants[2]
    )


def _plain_path(text: str) -> bool:
    parts = urlsplit(text)
    rooted = text.startswith("/") and not text.startswith("//")
    return rooted and "\\" not in text and not parts.scheme and not parts.netloc


def stored_username(db_session: Session, typed: str) -> str:
    """The stored name of the moderator whose name is ``typed`` once both are normalised, else ``typed``.

    Names are stored normalised since create-moderator normalises them; older ones are compared the same way.
    """
    try:
        wanted = normalise_name(typed)
    except InvalidName:
        return typed
    for username in db_session.scalars(select(Moderator.username)):
        if username == wanted or _normalised_or_none(username) == wanted:
            return username
    return wanted


def _normalised_or_none(username: str) -> str | None:
    try:
        return normalise_name(username)
    except InvalidName:
        return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; a right name and password start a fresh session."""
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        assert form.username.data is not None and form.password.data is not None, "DataRequired checked them"
        account = _normalised_or_none(form.username.data) or form.username.data.strip().casefold()
        with rate_limited("login"), rate_limited("login-account", failed_sign_in, account=account):
            with get_db().read() as db_session:
                username = stored_username(db_session, form.username.data)
                moderator = find_moderator(db_session, username)
            stored_hash = moderator.password_hash if moderator is not None else DUMMY_HASH
            if not off_the_loop(check_password_hash, stored_hash, form.password.data):
                moderator = None  # an unknown name takes as long as a wrong password
        if moderator is not None:
            session.clear()
            session.permanent = True  # the cookie lasts PERMANENT_SESSION_LIFETIME, as its signature does
            session[SESSION_KEY] = moderator.id
            session[GENERATION_KEY] = moderator.session_generation
            return redirect(safe_next(request.args.get("next")))
        failed = True
    status = 401 if failed else 400 if request.method == "POST" else 200
    return render_template("login.html", form=form, failed=failed), status


@bp.post("/logout")
def logout():
    """End the session (a POST with the CSRF token), and every other session of this moderator.

    The moderator's session generation is bumped in the database, so a copy of the session cookie
    taken before signing out no longer signs anyone in.
    """
    if not LogoutForm().validate_on_submit():
        abort(400, "the sign-out form's CSRF token is missing or wrong; reload the page")
    moderator = current_moderator()
    if moderator is not None:
        with get_db().write() as db_session:
            db_session.execute(
                update(Moderator)
                .where(Moderator.id == moderator.id)
                .values(session_generation=Moderator.session_generation + 1)
            )
    session.clear()
    return redirect(url_for("pages.city_map"))
