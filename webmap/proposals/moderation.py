"""The moderation queue: pending proposals on a map and in a list; approve, reject with a reason, undo."""

from __future__ import annotations

import datetime as dt
from typing import cast
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from webmap.http.dates import moment_html
from webmap.http.errors import ApiError, wants_json
from webmap.http.i18n import select_language
from webmap.proposals.auth import LogoutForm, current_moderator, moderator_page
from webmap.proposals.ballots import ballot_of, is_open, set_closing
from webmap.proposals.classes_store import NAME_MAX, SIZE_MAX, create_class, list_classes, remove_participant
from webmap.proposals.db import get_db
from webmap.proposals.errors import AlreadyDecided, InvalidComment, NotDecided, NotPending
from webmap.proposals.kit_texts import changes_for_people
from webmap.proposals.labels import category_labels, status_labels
from webmap.proposals.map import feature_bounds, sites_map_parts
from webmap.proposals.models import Moderator, Proposal
from webmap.proposals.moderation_store import last_reopened, recent_decisions, reopen
from webmap.proposals.revisions import COMMENT_MAX, add_comment, check_comment, comments_of, latest_changes
from webmap.proposals.service import get_kit, get_sites
from webmap.proposals.store import Filters, decide, find_proposals, get_proposal, to_feature
from webmap.proposals.text_rules import TEXT_AREA, describe, refused_character

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
bp.add_app_template_filter(moment_html, "moment")
REASON_MAX = 500
UNDO = "undo:"  # the category of a decision's flash message, followed by the proposal's id


class ApproveForm(FlaskForm):
    """An approve button: nothing but the CSRF token."""


class UndoForm(FlaskForm):
    """An undo button: nothing but the CSRF token."""


class RejectForm(FlaskForm):
    reason = TextAreaField("reason", validators=[DataRequired(), Length(max=REASON_MAX)])


class CommentForm(FlaskForm):
    """A comment on a pending proposal: its text, and a point of the site to pin it (or none)."""

    text = TextAreaField("text", validators=[DataRequired(), Length(max=COMMENT_MAX)])
    lon = DecimalField("lon", places=None, validators=[Optional()])
    lat = DecimalField("lat", places=None, validators=[Optional()])


class BallotClosingForm(FlaskForm):
    """When a site's budget ballot closes: a date and time in the service's time zone (ECOMAP_TIMEZONE)."""

    closes_at = StringField("closes_at", validators=[DataRequired(), Length(max=20)])


class RemoveParticipantForm(FlaskForm):
    """A remove button beside a nickname: nothing but the CSRF token."""


class ClassForm(FlaskForm):
    """A new class code: the class's name and how many students may join with it."""

    name = StringField("name", validators=[DataRequired(), Length(max=NAME_MAX)])
    size = IntegerField("size", validators=[DataRequired(), NumberRange(min=1, max=SIZE_MAX)])


@bp.get("")
@moderator_page
def queue():
    """The pending proposals of the moderator's sites (``?site=`` narrows to one)."""
    return _queue_page()


def _queue_page(new_class: tuple[str, str] | None = None) -> str:
    """The queue; ``new_class`` (name, code) shows a code just created, the only time it is shown.

    The map opens on the pending shapes (on the sites when none is pending); each card can zoom it to
    its own shape. Below the queue, the latest decisions, each of which can be undone.
    """
    moderator, lang = _moderator(), select_language()
    sites = _sites_of(moderator, request.args.get("site"))
    with get_db().read() as session:
        pending = find_proposals(session, Filters(("pending",), tuple(sites)))
        reopened = last_reopened(session, [proposal.id for proposal in pending])
        decided = recent_decisions(session, sites)
        classes = list_classes(session)
        ballots = {key: ballot_of(session, key) for key, site in sites.items() if site.budget_rub is not None}
        ids = [proposal.id for proposal in pending]
        comments = comments_of(session, ids)
        revised = {
            key: (number, changes_for_people(changed.as_dict(), get_kit(), lang))
            for key, (number, changed) in latest_changes(session, ids).items()
        }
    features = [to_feature(proposal, moderation=True) for proposal in pending]
    parts = sites_map_parts(list(sites.values()), features, "pending", lang, feature_bounds(features))
    return render_template(
        "moderation.html",
        moderator=moderator,
        sites=sites,
        proposals=pending,
        reopened=reopened,
        decided=decided,
        notices=_notices(),
        categories=category_labels(),
        statuses=status_labels(),
        approve_form=ApproveForm(),
        reject_form=RejectForm(),
        undo_form=UndoForm(),
        comment_form=CommentForm(formdata=None),
        ballots=ballots,
        ballot_form=BallotClosingForm(formdata=None),
        ballot_open=is_open,
        comments=comments,
        revised=revised,
        comment_max=COMMENT_MAX,
        logout_form=LogoutForm(),
        reason_max=REASON_MAX,
        classes=classes,
        class_form=ClassForm(formdata=None),
        remove_form=RemoveParticipantForm(),
        new_class=new_class,
        name_max=NAME_MAX,
        size_max=SIZE_MAX,
        **parts,
    )


def _notices() -> list[tuple[str, int | None]]:
    """The flashed messages, each with the id of the proposal whose decision it can undo (or None)."""
    notices = []
    # with_categories=True gives (category, message) pairs; Flask's annotation does not tell them apart.
    flashed = cast(list[tuple[str, str]], get_flashed_messages(with_categories=True))
    for category, message in flashed:
        undo = category.removeprefix(UNDO)
        notices.append((message, int(undo) if category.startswith(UNDO) and undo.isdigit() else None))
    return notices


def _require(form, invalid: str | None = None) -> None:
    """A 400 unless ``form`` validates: for a missing or wrong CSRF token, else with ``invalid``."""
    if form.validate_on_submit():
        return
    if invalid is None or form.csrf_token.errors:
        abort(400, "the form's CSRF token is missing or wrong; reload the page")
    abort(400, invalid)


@bp.post("/classes")
@moderator_page
def add_class():
    """Create a class code; the page shows the code once (only its hash is kept)."""
    form = ClassForm()
    _require(form, f"a class needs a name (1 to {NAME_MAX} characters) and a size (1 to {SIZE_MAX})")
    assert form.name.data is not None and form.size.data is not None, "DataRequired checked them"
    char = refused_character(form.name.data)
    if char is not None:
        return _hidden_refused("name", char, "the class was not created")
    with get_db().write() as session:
        group, code = create_class(session, form.name.data, form.size.data, _moderator().username)
        name = group.name
    return _queue_page(new_class=(name, code)), 201


@bp.post("/participants/<int:participant_id>/remove")
@moderator_page
def remove_participant_view(participant_id: int):
    """Take a nickname out of its class with its votes and ballot choices; the log says who did it."""
    _require(RemoveParticipantForm())
    moderator = _moderator()
    with get_db().write() as session:
        removed = remove_participant(session, participant_id) or abort(
            404, f"no participant {participant_id}"
        )
    current_app.logger.warning(
        "moderator %r removed participant %d (nickname %r) from class %r with %d votes and %d ballot choices",
        moderator.username,
        participant_id,
        removed.nickname,
        removed.class_name,
        removed.votes,
        removed.ballot_choices,
    )
    flash(
        ngettext(
            "%(nickname)s is no longer in class %(name)s; %(num)s vote was taken back.",
            "%(nickname)s is no longer in class %(name)s; %(num)s votes were taken back.",
            removed.votes,
            nickname=removed.nickname,
            name=removed.class_name,
        )
    )
    return redirect(url_for(".queue", lang=select_language(), _anchor="classes"))


@bp.post("/<int:proposal_id>/approve")
@moderator_page
def approve(proposal_id: int):
    """Publish a proposal."""
    _require(ApproveForm())
    refused = _decide(proposal_id, "approved", None)
    if refused:
        return refused
    flash(_("Proposal %(id)s approved.", id=proposal_id), f"{UNDO}{proposal_id}")
    return redirect(url_for(".queue", lang=select_language()))


@bp.post("/<int:proposal_id>/reject")
@moderator_page
def reject(proposal_id: int):
    """Reject a proposal with a reason the author sees at their private link."""
    form = RejectForm()
    _require(form, f"a reason (1 to {REASON_MAX} characters) is required to reject a proposal")
    assert form.reason.data is not None, "DataRequired checked it"
    char = refused_character(form.reason.data, TEXT_AREA)
    if char is not None:
        return _hidden_refused("reason", char, f"proposal {proposal_id} was not rejected")
    refused = _decide(proposal_id, "rejected", form.reason.data.strip())
    if refused:
        return refused
    flash(_("Proposal %(id)s rejected.", id=proposal_id), f"{UNDO}{proposal_id}")
    return redirect(url_for(".queue", lang=select_language()))


@bp.post("/<int:proposal_id>/comments")
@moderator_page
def comment(proposal_id: int):
    """Comment on a pending proposal: a note pinned at a point of its site, or a general remark."""
    form = CommentForm()
    _require(form, f"a comment needs a text (1 to {COMMENT_MAX} characters)")
    moderator = _moderator()
    lon = float(form.lon.data) if form.lon.data is not None else None
    lat = float(form.lat.data) if form.lat.data is not None else None
    try:
        with get_db().write() as session:
            proposal = _proposal_of(session, moderator, proposal_id)
            text, lon, lat = check_comment(form.text.data, lon, lat, get_sites().get(proposal.site))
            add_comment(session, proposal, moderator.username, text, lon, lat)
    except (InvalidComment, NotPending) as error:
        if wants_json():
            raise  # answered by webmap/http/errors.py
        flash(_comment_refused(error))
        return _queue_page(), error.status
    flash(_("Your comment on proposal %(id)s is sent to its author.", id=proposal_id))
    return redirect(url_for(".queue", lang=select_language(), _anchor=f"proposal-{proposal_id}"))


def _hidden_refused(field: str, char: str, what: str):
    """A form's text holds a character no text takes: 400 naming the field and the code point."""
    if wants_json():
        raise ApiError(400, f"{what}: {field!r} contains {describe(char)}", field=field)
    label = {"reason": _("Reason"), "name": _("Class name")}.get(field, field)
    flash(
        _(
            "“%(field)s” holds a hidden character (%(character)s), perhaps copied along with the text. "
            "Delete it or type the text again.",
            field=label,
            character=f"U+{ord(char):04X}",
        )
    )
    return _queue_page(), 400


def _comment_refused(error: InvalidComment | NotPending) -> str:
    if isinstance(error, NotPending):
        return _("Proposal %(id)s is decided already: only pending proposals take comments.", id=error.id)
    if error.code == "outside":
        return _("The comment was not sent: pin the note inside the site.")
    if error.code == "hidden" and error.character:
        return _(
            "The comment was not sent: it holds a hidden character (%(character)s), perhaps copied along "
            "with the text. Delete it or type the text again.",
            character=f"U+{ord(error.character):04X}",
        )
    return _("The comment was not sent: write a text, and give both coordinates of a note on the map.")


@bp.post("/ballots/<site_id>")
@moderator_page
def ballot_closing(site_id: str):
    """Open a site's budget ballot until a date and time (in ECOMAP_TIMEZONE); a moment past closes it."""
    sites = _sites_of(_moderator(), site_id)
    if sites[site_id].budget_rub is None:
        abort(404, f"site {site_id!r} has no budget ballot")
    form = BallotClosingForm()
    _require(form, "the closing date and time is required, such as 2026-12-20T18:00")
    assert form.closes_at.data is not None, "DataRequired checked it"
    try:
        local = dt.datetime.fromisoformat(form.closes_at.data)
    except ValueError:
        abort(400, f"{form.closes_at.data[:20]!r} is not a date and time such as 2026-12-20T18:00")
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))
    with get_db().write() as session:
        set_closing(session, site_id, local.astimezone(dt.UTC), _moderator().username)
    flash(_("The ballot's closing date is set."))
    return redirect(url_for(".queue", lang=select_language(), _anchor="ballots"))


@bp.post("/<int:proposal_id>/reopen")
@moderator_page
def reopen_decision(proposal_id: int):
    """Undo a proposal's decision: it goes back to the queue, and the log keeps who did it and when."""
    _require(UndoForm())
    moderator = _moderator()
    try:
        with get_db().write() as session:
            proposal = _proposal_of(session, moderator, proposal_id)
            reopen(session, proposal, moderator.username)
    except NotDecided as error:
        if wants_json():
            raise  # answered by webmap/http/errors.py
        flash(_("Proposal %(id)s is already waiting for review: there is no decision to undo.", id=error.id))
        return _queue_page(), 409
    flash(_("Proposal %(id)s is back in the queue.", id=proposal_id))
    return redirect(url_for(".queue", lang=select_language(), _anchor=f"proposal-{proposal_id}"))


def _decide(proposal_id: int, status: str, reason: str | None):
    """Decide the proposal; None when done, or the 409 answer when it was decided before."""
    moderator = _moderator()
    try:
        with get_db().write() as session:
            proposal = _proposal_of(session, moderator, proposal_id)
            decide(session, proposal, status, moderator.username, reason)
    except AlreadyDecided as error:
        if wants_json():
            raise  # answered by webmap/http/errors.py
        flash(_already_decided(error))
        return _queue_page(), 409
    return None


def _moderator() -> Moderator:
    """The signed-in moderator, in a view that moderator_page lets no one else into."""
    moderator = current_moderator()
    assert moderator is not None, "moderator_page lets only a signed-in moderator in"
    return moderator


def _proposal_of(session, moderator: Moderator, proposal_id: int) -> Proposal:
    """The proposal, if this moderator moderates its site: 404 when there is none, 403 when not theirs."""
    proposal = get_proposal(session, proposal_id) or abort(404, f"no proposal {proposal_id}")
    if not moderator.may_moderate(proposal.site):
        abort(403, f"you do not moderate site {proposal.site!r}")
    return proposal


def _already_decided(proposal: AlreadyDecided) -> str:
    if proposal.decision == "approved":
        return _(
            "Proposal %(id)s was already approved by %(moderator)s; only pending proposals can be decided.",
            id=proposal.id,
            moderator=proposal.moderated_by,
        )
    return _(
        "Proposal %(id)s was already rejected by %(moderator)s; only pending proposals can be decided.",
        id=proposal.id,
        moderator=proposal.moderated_by,
    )


def _sites_of(moderator: Moderator, site_id: str | None) -> dict:
    sites = {key: site for key, site in get_sites().items() if moderator.may_moderate(key)}
    if site_id is None:
        return sites
    if site_id not in get_sites():
        abort(404, f"no proposal site {site_id!r}")
    if site_id not in sites:
        abort(403, f"you do not moderate site {site_id!r}")
    return {site_id: sites[site_id]}
