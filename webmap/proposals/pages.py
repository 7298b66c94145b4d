"""Proposal pages: draw one on a site, the approved ones with votes, and an author's private link.

Voting needs a participant: a student joins a class with its code and a nickname
(``/proposals/join``), and their browser keeps the participant's token in a cookie.
"""

from __future__ import annotations

import itertools

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from webmap.http.caching import mark_private
from webmap.http.errors import wants_json
from webmap.http.i18n import select_language
from webmap.http.links import public_url
from webmap.printing import chromium, render_pdf
from webmap.proposals.board import board_html, judge_stored, plan
from webmap.proposals.classes_store import NICKNAME_MAX, find_participant, join_class
from webmap.proposals.db import get_db
from webmap.proposals.errors import BoardUnavailable, JoinRefused
from webmap.proposals.kit_texts import changes_for_people
from webmap.proposals.labels import category_labels, status_labels
from webmap.proposals.map import sites_map_parts
from webmap.proposals.page_maps import drawing_map, private_map
from webmap.proposals.revisions import MAX_ID, changes, columns, comments_of, pinned, versions_of
from webmap.proposals.service import get_kit, get_sites, rate_limited
from webmap.proposals.store import (
    Filters,
    add_vote,
    find_proposals,
    get_by_token,
    get_proposal,
    to_feature,
    voted_for,
)
from webmap.proposals.store import vote_counts as count_votes
from webmap.proposals.validation import MAX_VERTICES, TEXT_LIMITS

bp = Blueprint("proposals_pages", __name__)
PARTICIPANT_COOKIE = "ecomap_participant"
PARTICIPANT_COOKIE_AGE_S = 400 * 24 * 3600  # the longest browsers keep a cookie
CODE_MAX = 32
PAGE_PLAN_MM = (250.0, 200.0)  # the private page's plan; the page scales it to its column


class VoteForm(FlaskForm):
    """A vote button: nothing but the CSRF token."""


class JoinForm(FlaskForm):
    """A class code from the teacher and a nickname, unique in the class."""

    code = StringField("code", validators=[DataRequired(), Length(max=CODE_MAX)])
    nickname = StringField("nickname", validators=[DataRequired(), Length(max=NICKNAME_MAX)])


@bp.get("/proposals/new")
def new():
    """A map zoomed to ``?site=`` with drawing tools and the proposal form; without a site, the sites."""
    sites, lang = get_sites(), select_language()
    site_id = request.args.get("site")
    if not site_id:
        return render_template("proposal_sites.html", sites=list(sites.values()))
    site = sites.get(site_id) or abort(404, f"no proposal site {site_id!r}")
    parts, config = drawing_map(site, lang, kit_urls(site.id, lang))
    return render_template(
        "proposal_new.html",
        site=site,
        categories=category_labels(),
        limits=TEXT_LIMITS,
        max_vertices=MAX_VERTICES,
        config=config,
        **parts,
    )


def kit_urls(site_id: str, lang: str) -> dict[str, str]:
    """The API the drawing page calls: send a proposal, the site's kit, check a draft."""
    return {
        "api": url_for("proposals_api.create_proposal"),
        "kit": url_for("proposals_api.kit", site=site_id, lang=lang),
        "check": url_for("proposals_api.check_proposal"),
    }


@bp.get("/proposals")
def approved():
    """Every approved proposal, by site, on a map and in tables with participants' vote counts."""
    sites, lang = get_sites(), select_language()
    with get_db().read() as session:
        participant = find_participant(session, request.cookies.get(PARTICIPANT_COOKIE))
        proposals = find_proposals(session, Filters())
        ids = [proposal.id for proposal in proposals]
        votes = count_votes(session, ids)
        mine = voted_for(session, participant[0].id if participant else None, ids)
    features = [to_feature(proposal, votes[proposal.id]) for proposal in proposals]
    by_site = {site_id: [f for f in features if f["properties"]["site"] == site_id] for site_id in sites}
    parts = sites_map_parts(list(sites.values()), features, "proposals", lang)
    html = render_template(
        "proposals.html",
        sites=sites,
        by_site=by_site,
        voted=mine,
        participant=participant,
        categories=category_labels(),
        form=VoteForm() if participant else None,  # a CSRF token (and the session cookie) only for voters
        **parts,
    )
    return html, 200, {"Vary": "Cookie"}


@bp.post("/proposals/<int:proposal_id>/vote")
def vote(proposal_id: int):
    """One vote per participant per approved proposal: 403 without a participant, 409 for a second vote."""
    if not VoteForm().validate_on_submit():
        abort(400, "the vote form's CSRF token is missing or wrong; reload the page")
    with rate_limited("vote"), get_db().write() as session:
        participant = find_participant(session, request.cookies.get(PARTICIPANT_COOKIE))
        proposal = get_proposal(session, proposal_id)
        if proposal is None or proposal.status != "approved":
            abort(404, f"no approved proposal {proposal_id}")
        if participant is None:
            return _join_needed()
        counted = add_vote(session, proposal_id, participant[0].id)
    if not counted:
        translated = _("You have already voted for this proposal: each participant votes once.")
        abort(409, _message("this participant has already voted for this proposal", translated))
    return redirect(url_for(".approved", lang=select_language(), _anchor=f"proposal-{proposal_id}"))


def _message(english: str, translated: str) -> str:
    """API clients read English; people read their language."""
    return english if wants_json() else translated


def _join_needed():
    message = "voting needs a participant: join your class with its code at /proposals/join first"
    if wants_json():
        abort(403, message)
    note = _("To vote, join your class with the code your teacher gave you.")
    return render_template("proposal_join.html", form=JoinForm(), note=note), 403


@bp.get("/proposals/join")
def join_form():
    """The form to join a class with its code and a nickname (or who this browser already is)."""
    with get_db().read() as session:
        participant = find_participant(session, request.cookies.get(PARTICIPANT_COOKIE))
    html = render_template("proposal_join.html", form=JoinForm(), participant=participant)
    return html, 200, {"Vary": "Cookie"}


@bp.post("/proposals/join")
def join():
    """Join a class: a new participant, remembered by a cookie; the form again with what went wrong."""
    form = JoinForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400, "the form's CSRF token is missing or wrong; reload the page")
        message = _("Type the class code and a nickname (up to %(max)s characters).", max=NICKNAME_MAX)
        return _join_refused(400, "the class code and a nickname are required", message)
    assert form.code.data is not None and form.nickname.data is not None, "DataRequired checked them"
    try:
        with rate_limited("join"), get_db().write() as session:
            participant, token = join_class(session, form.code.data, form.nickname.data)
            nickname = participant.nickname
    except JoinRefused as error:
        if wants_json():
            raise  # answered by webmap/http/errors.py
        return _join_refused(error.status, str(error), _refusal(error))
    flash(_("You joined as %(nickname)s. Now you can vote, once for each proposal.", nickname=nickname))
    response = redirect(url_for(".approved", lang=select_language()))
    response.set_cookie(
        PARTICIPANT_COOKIE,
        token,
        max_age=PARTICIPANT_COOKIE_AGE_S,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def _refusal(error: JoinRefused) -> str:
    """Why the join was refused, in the reader's language."""
    if error.reason == "code":
        return _("No class has this code. Check it with your teacher.")
    if error.reason == "full":
        return _("This class is full: everyone it was made for has joined. Ask your teacher.")
    if error.reason == "nickname":
        return _("This nickname is taken in your class. Choose another one.")
    if error.character is not None:
        return _(
            "The nickname holds a hidden character (%(character)s), perhaps copied along with the text. "
            "Delete it or type the nickname again.",
            character=f"U+{ord(error.character):04X}",
        )
    return _(
        "This nickname cannot be used: use letters, digits and spaces, up to %(max)s characters.",
        max=NICKNAME_MAX,
    )


def _join_refused(status: int, english: str, message: str):
    if wants_json():
        abort(status, english)
    return render_template("proposal_join.html", form=JoinForm(formdata=None), error=message), status


@bp.get("/proposals/p/<token>")
def private(token: str):
    """The author's private link: their proposal whatever its status, with the moderator's reason."""
    with get_db().read() as session:
        proposal = get_by_token(session, token) or abort(404, "no proposal at this link")
        feature = to_feature(proposal, count_votes(session, [proposal.id])[proposal.id])
        comments = pinned(comments_of(session, [proposal.id])[proposal.id])
        versions = versions_of(session, proposal.id)
    site = get_sites().get(proposal.site)
    bounds = (proposal.min_lon, proposal.min_lat, proposal.max_lon, proposal.max_lat)
    parts = private_map(feature, site, bounds, select_language())
    html = render_template(
        "proposal_private.html",
        proposal=proposal,
        site=site,
        categories=category_labels(),
        statuses=status_labels(),
        comments=comments,
        version=versions[-1].number if versions else 1,
        history=_history(versions),
        plan_svg=_plan_with_pins(proposal, site, comments),
        **parts,
    )
    return html, 200, {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


@bp.get("/proposals/p/<token>/board.pdf")
def private_board(token: str):
    """The author's project board (A3 PDF) of their proposal, whatever its status."""
    mark_private()
    with get_db().read() as session:
        proposal = get_by_token(session, token) or abort(404, "no proposal at this link")
        when = versions_of(session, proposal.id)[-1].created_at
    headers = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}
    return _board(proposal, when, headers)


@bp.get("/proposals/<int:proposal_id>/board.pdf")
def public_board(proposal_id: int):
    """The project board (A3 PDF) of an approved proposal."""
    with get_db().read() as session:
        proposal = get_proposal(session, proposal_id) if proposal_id <= MAX_ID else None
        if proposal is None or proposal.status != "approved":
            abort(404, f"no approved proposal {proposal_id}")
        when = versions_of(session, proposal.id)[-1].created_at
    return _board(proposal, when, {})


def _history(versions: list) -> list[dict]:
    """Each version after the first with what changed from the one before, in the reader's language."""
    lang, kit = select_language(), get_kit()
    return [
        {
            "number": later.number,
            "created_at": later.created_at,
            "changes": changes_for_people(changes(columns(earlier), columns(later)).as_dict(), kit, lang),
        }
        for earlier, later in itertools.pairwise(versions)
    ]


def _plan_with_pins(proposal, site, comments: list[dict]):
    """The plan of the proposal with the moderators' notes pinned as letters; None without notes or site."""
    pins = [(note["pin"], note["lon"], note["lat"]) for note in comments if note["pin"]]
    if site is None or not pins:
        return None
    facts = judge_stored(proposal, site, get_kit())
    freehand = None if facts.placed else proposal.geometry
    return plan(site, facts.placed, freehand, pins, PAGE_PLAN_MM, _("Plan with the notes")).svg


def _board(proposal, when, headers: dict[str, str]) -> Response:
    lang, site = select_language(), get_sites().get(proposal.site)
    if site is None:
        abort(404, f"the site {proposal.site!r} of this proposal is no longer served")
    url = public_url("proposals_pages.approved", lang=lang, _anchor=f"proposal-{proposal.id}")
    html = board_html(proposal, site, get_kit(), when, lang, url)
    pdf = render_pdf(html, chromium(), BoardUnavailable)
    response = Response(pdf, mimetype="application/pdf", headers=headers)
    name = f"proposal-{proposal.id}-board.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
