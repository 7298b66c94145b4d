"""Moderator sign-in: /login and /logout, the signed-in moderator, and guards for views."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from sqlalchemy import update
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from webmap.db import get_db
from webmap.errors import ApiError
from webmap.models import Moderator
from webmap.proposals import rate_limited
from webmap.proposals_store import authenticate

bp = Blueprint("auth", __name__)
SESSION_KEY = "moderator_id"
GENERATION_KEY = "moderator_generation"


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
    """A local path to return to after signing in; anything else goes to the queue.

    >>> safe_next("//evil.example/x"), safe_next("/moderation?site=a")
    ('/moderation', '/moderation?site=a')
    """
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/moderation"


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; a right name and password start a fresh session."""
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        with rate_limited("login"), get_db().read() as db_session:
            moderator = authenticate(db_session, form.username.data, form.password.data)
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
