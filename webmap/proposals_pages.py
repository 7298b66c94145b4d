"""Proposal pages: draw one on a site, the approved ones with votes, and an author's private link."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from webmap.db import get_db
from webmap.i18n import select_language
from webmap.proposal_maps_pages import drawing_map, private_map
from webmap.proposals import get_sites, rate_limited
from webmap.proposals_map import category_labels, sites_map_parts, status_labels
from webmap.proposals_store import (
    Filters,
    add_vote,
    find_proposals,
    get_by_token,
    get_proposal,
    to_feature,
    voted_for,
)
from webmap.proposals_store import vote_counts as count_votes
from webmap.proposals_validation import MAX_VERTICES, TEXT_LIMITS

bp = Blueprint("proposals_pages", __name__)
VOTER_COOKIE = "ecomap_voter"
VOTER_COOKIE_AGE_S = 400 * 24 * 3600


class VoteForm(FlaskForm):
    """A vote button: nothing but the CSRF token."""


@bp.get("/proposals/new")
def new():
    """A map zoomed to ``?site=`` with drawing tools and the proposal form; without a site, the sites."""
    sites, lang = get_sites(), select_language()
    site_id = request.args.get("site")
    if not site_id:
        return render_template("proposal_sites.html", sites=list(sites.values()))
    site = sites.get(site_id) or abort(404, f"no proposal site {site_id!r}")
    parts, config = drawing_map(site, lang, url_for("proposals_api.create_proposal"))
    return render_template(
        "proposal_new.html",
        site=site,
        categories=category_labels(),
        limits=TEXT_LIMITS,
        max_vertices=MAX_VERTICES,
        config=config,
        **parts,
    )


@bp.get("/proposals")
def approved():
    """Every approved proposal, by site, on a map and in tables with vote counts."""
    sites, lang = get_sites(), select_language()
    voter = request.cookies.get(VOTER_COOKIE)
    with get_db().read() as session:
        proposals = find_proposals(session, Filters())
        ids = [proposal.id for proposal in proposals]
        votes, mine = count_votes(session, ids), voted_for(session, voter, ids)
    features = [to_feature(proposal, votes[proposal.id]) for proposal in proposals]
    by_site = {site_id: [f for f in features if f["properties"]["site"] == site_id] for site_id in sites}
    parts = sites_map_parts(list(sites.values()), features, "proposals", lang)
    return render_template(
        "proposals.html",
        sites=sites,
        by_site=by_site,
        voted=mine,
        categories=category_labels(),
        form=VoteForm(),
        **parts,
    )


@bp.post("/proposals/<int:proposal_id>/vote")
def vote(proposal_id: int):
    """One vote per browser per approved proposal; the browser is known by a random cookie."""
    if not VoteForm().validate_on_submit():
        abort(400, "the vote form's CSRF token is missing or wrong; reload the page")
    voter = request.cookies.get(VOTER_COOKIE) or secrets.token_urlsafe(24)
    with rate_limited("vote"), get_db().write() as session:
        proposal = get_proposal(session, proposal_id)
        if proposal is None or proposal.status != "approved":
            abort(404, f"no approved proposal {proposal_id}")
        add_vote(session, proposal_id, voter)
    response = redirect(url_for(".approved", lang=select_language(), _anchor=f"proposal-{proposal_id}"))
    response.set_cookie(
        VOTER_COOKIE,
        voter,
        max_age=VOTER_COOKIE_AGE_S,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.get("/proposals/p/<token>")
def private(token: str):
    """The author's private link: their proposal whatever its status, with the moderator's reason."""
    with get_db().read() as session:
        proposal = get_by_token(session, token) or abort(404, "no proposal at this link")
        feature = to_feature(proposal, count_votes(session, [proposal.id])[proposal.id])
    site = get_sites().get(proposal.site)
    bounds = (proposal.min_lon, proposal.min_lat, proposal.max_lon, proposal.max_lat)
    parts = private_map(feature, site, bounds, select_language())
    html = render_template(
        "proposal_private.html",
        proposal=proposal,
        site=site,
        categories=category_labels(),
        statuses=status_labels(),
        **parts,
    )
    return html, 200, {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}
