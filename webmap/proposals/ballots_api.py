"""Budget ballots in the API and on a page: a site's ballot with its projects, a participant's pick,
the results, and the closing date a moderator sets.

The participant is the one of the browser's cookie (``ecomap_participant``, see pages.py), one per
class-code identity as for votes. Every refusal is a BallotRefused: nothing is stored, and the
answer says why in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session

from geo.sites import Site
from webmap.http import units
from webmap.http.caching import mark_private
from webmap.http.dates import as_utc, format_moment
from webmap.http.errors import ApiError
from webmap.http.i18n import select_language
from webmap.proposals.api import json_body
from webmap.proposals.auth import api_moderator
from webmap.proposals.ballots import (
    ballot_of,
    ballots_cast,
    check_choice,
    chosen,
    fund,
    is_open,
    projects_of,
    replace_choice,
    set_closing,
)
from webmap.proposals.classes_store import find_participant
from webmap.proposals.db import get_db
from webmap.proposals.errors import BallotRefused
from webmap.proposals.messages import ballot_message
from webmap.proposals.pages import PARTICIPANT_COOKIE
from webmap.proposals.service import get_sites, rate_limited

bp = Blueprint("ballots", __name__)


class BallotForm(FlaskForm):
    """The ballot's checkboxes (``proposals``, read from the form by hand) and the CSRF token."""


def budget_site(site_id: str) -> tuple[Site, float]:
    """The site and its budget; BallotRefused (404) for a site without one."""
    site = get_sites().get(site_id)
    if site is None or site.budget_rub is None:
        message = (
            f"site {site_id[:60]!r} has no budget ballot; sites with a budget_rub in sites.toml have one"
        )
        raise BallotRefused("no_ballot", message, "site")
    return site, float(site.budget_rub)


def ballot_view(session: Session, site: Site, budget: float, participant_id: int | None) -> dict[str, Any]:
    """A site's ballot: its budget, closing date, projects ranked with supporters and funding, and the
    participant's own pick (when there is one)."""
    ballot = ballot_of(session, site.id)
    ranked = fund(projects_of(session, site.id), budget)
    funded = sum(item.project.cost_rub for item in ranked if item.funded)
    mine = chosen(session, site.id, participant_id) if participant_id is not None else None
    return {
        "site": site.id,
        "budget_rub": budget,
        "budget_text": units.roubles(budget),
        "closes_at": as_utc(ballot.closes_at).isoformat(timespec="seconds") if ballot else None,
        "closes_text": format_moment(as_utc(ballot.closes_at)) if ballot else None,
        "open": is_open(ballot),
        "ballots": ballots_cast(session, site.id),
        "projects": [
            {
                "id": item.project.id,
                "title": item.project.title,
                "cost_rub": item.project.cost_rub,
                "cost_text": units.roubles(item.project.cost_rub),
                "supporters": item.project.supporters,
                "rank": item.rank,
                "funded": item.funded,
            }
            for item in ranked
        ],
        "funded_rub": funded,
        "funded_text": units.roubles(funded),
        "left_text": units.roubles(budget - funded),
        "mine": mine,
    }


def _participant(session: Session):
    found = find_participant(session, request.cookies.get(PARTICIPANT_COOKIE))
    return found[0] if found else None


def cast(session: Session, site: Site, budget: float, body: Any) -> None:
    """Store the participant's pick ``body`` on the site's ballot; BallotRefused otherwise."""
    ballot = ballot_of(session, site.id)
    if ballot is None:
        raise BallotRefused("not_open", f"the ballot of site {site.id!r} is not open yet", "site")
    if not is_open(ballot):
        when = as_utc(ballot.closes_at).isoformat(timespec="seconds")
        raise BallotRefused(
            "closed", f"the ballot of site {site.id!r} closed at {when}", "site", closes_at=when
        )
    participant = _participant(session)
    if participant is None:
        message = "a ballot needs a participant: join your class with its code at /proposals/join first"
        raise BallotRefused("not_participant", message, "participant")
    ids = check_choice(body, projects_of(session, site.id), budget)
    replace_choice(session, site.id, participant.id, ids)


@bp.get("/api/ballots/<site_id>")
def get_ballot(site_id: str):
    """A site's ballot: budget, closing date, the projects ranked with their supporters and funding,
    and this browser's participant's pick (``mine``; null for none)."""
    site, budget = budget_site(site_id)
    mark_private()
    with get_db().read() as session:
        participant = _participant(session)
        return ballot_view(session, site, budget, participant.id if participant else None)


@bp.put("/api/ballots/<site_id>/mine")
def put_ballot(site_id: str):
    """The participant's pick, replacing their earlier one: ``{"proposals": [ids]}``."""
    site, budget = budget_site(site_id)
    mark_private()
    with rate_limited("vote"):
        body = json_body()
        with get_db().write() as session:
            cast(session, site, budget, body)
            participant = _participant(session)
            return ballot_view(session, site, budget, participant.id if participant else None)


@bp.put("/api/ballots/<site_id>")
def put_closing(site_id: str):
    """A moderator of the site sets when its ballot closes: ``{"closes_at": "2026-12-20T18:00:00+05:00"}``."""
    site, budget = budget_site(site_id)
    moderator = api_moderator("ballots")
    if not moderator.may_moderate(site.id):
        raise ApiError(403, f"moderator {moderator.username!r} does not moderate site {site.id!r}", "site")
    body = json_body()
    if not isinstance(body, dict) or set(body) != {"closes_at"}:
        raise ApiError(422, 'the body must be {"closes_at": "<ISO 8601 date and time with offset>"}', "body")
    closes_at = parse_closing(body["closes_at"])
    with get_db().write() as session:
        set_closing(session, site.id, closes_at, moderator.username)
        return ballot_view(session, site, budget, None)


def parse_closing(value: Any) -> dt.datetime:
    """An ISO 8601 date and time with its UTC offset, as UTC; a 422 naming ``closes_at`` otherwise.

    >>> parse_closing("2026-12-20T18:00:00+05:00").isoformat()
    '2026-12-20T13:00:00+00:00'
    """
    problem = f"'closes_at' must be an ISO 8601 date and time with its offset, got {str(value)[:40]!r}"
    if not isinstance(value, str):
        raise ApiError(422, problem, "closes_at")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ApiError(422, problem, "closes_at") from None
    if moment.tzinfo is None:
        raise ApiError(422, problem, "closes_at")
    return moment.astimezone(dt.UTC)


@bp.get("/proposals/ballot/<site_id>")
def ballot_page(site_id: str):
    """The ballot's page: the projects with their costs to pick within the budget, and the results."""
    return _page(site_id)


@bp.post("/proposals/ballot/<site_id>")
def ballot_submit(site_id: str):
    """The ballot's form: the picked projects replace the participant's earlier pick."""
    if not BallotForm().validate_on_submit():
        abort(400, "the ballot form's CSRF token is missing or wrong; reload the page")
    body = {
        "proposals": [int(value) if value.isdigit() else value for value in request.form.getlist("proposals")]
    }
    try:
        site, budget = budget_site(site_id)
        with rate_limited("vote"), get_db().write() as session:
            cast(session, site, budget, body)
    except BallotRefused as error:
        if error.reason == "no_ballot":
            raise
        return _page(site_id, error=ballot_message(error), picked=body["proposals"], status=error.status)
    return redirect(
        url_for(".ballot_page", site_id=site_id, lang=select_language(), saved=1, _anchor="results")
    )


def _page(site_id: str, error: str | None = None, picked: list | None = None, status: int = 200):
    site, budget = budget_site(site_id)
    mark_private()
    with get_db().read() as session:
        participant = _participant(session)
        view = ballot_view(session, site, budget, participant.id if participant else None)
    mine = set(picked if picked is not None else view["mine"] or [])
    html = render_template(
        "ballot.html",
        site=site,
        ballot=view,
        mine=mine,
        participant=participant,
        error=error,
        saved=request.args.get("saved") == "1" and error is None,
        form=BallotForm() if participant else None,  # a CSRF token (and the session cookie) only for voters
    )
    return html, status
