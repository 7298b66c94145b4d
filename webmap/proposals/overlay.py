"""The approved proposals on the city map: read from the database, drawn as proposals/map.py draws them."""

from __future__ import annotations

import datetime as dt
import time

import folium
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from geo.pack import CityPack
from webmap.proposals.db import DATABASE_DOWN, EXTENSION, get_db
from webmap.proposals.map import proposals_layer
from webmap.proposals.models import Proposal, Vote
from webmap.proposals.store import Filters, find_proposals, to_feature, vote_counts

VERSION = "ecomap.proposals_version"
VERSION_TTL_S = 1.0  # how long a worker trusts the proposals version it read


def approved_proposals_group(lang: str) -> folium.FeatureGroup | None:
    """The city map's "urban projects" layer of approved proposals; None when there are none (or no DB).

    While the database is down the city map is drawn without this layer rather than not at all.
    """
    if EXTENSION not in current_app.extensions:
        return None
    try:
        with get_db().read() as session:
            proposals = find_proposals(session, Filters())
            votes = vote_counts(session, [proposal.id for proposal in proposals])
    except DATABASE_DOWN as error:
        current_app.logger.warning("city map without proposals, the database is unavailable: %s", error)
        return None
    if not proposals:
        return None
    name = _("Approved student proposals")
    group = folium.FeatureGroup(name=name, show=True)
    proposals_layer([to_feature(proposal, votes[proposal.id]) for proposal in proposals], name).add_to(group)
    return group


def city_map_overlays(pack: CityPack, _date: dt.date, lang: str) -> list[tuple[str, folium.FeatureGroup]]:
    """The approved proposals for the city map, under the pack's "urban" group title."""
    group = approved_proposals_group(lang)
    if group is None:
        return []
    title = pack.groups.get("urban", {}).get(lang) or _("Urban projects")
    return [(title, group)]


def proposals_version() -> tuple:
    """What the approved proposals on the city map depend on: how many there are, the last decision,
    and the votes they have; () without a proposals database, ("down",) while it is down.

    Read at most once a second per worker: a decision or a vote shows within a second.
    """
    now = time.monotonic()
    cached = current_app.extensions.get(VERSION)
    if cached and now - cached[0] < current_app.config.get("PROPOSALS_VERSION_TTL_S", VERSION_TTL_S):
        return cached[1]
    version = _read_proposals_version()
    current_app.extensions[VERSION] = (now, version)
    return version


def _read_proposals_version() -> tuple:
    if EXTENSION not in current_app.extensions:
        return ()
    approved = select(Proposal.id).where(Proposal.status == "approved")
    query = select(
        select(func.count()).select_from(approved.subquery()).scalar_subquery(),
        select(func.max(Proposal.moderated_at)).scalar_subquery(),
        select(func.count(Vote.id)).where(Vote.proposal_id.in_(approved)).scalar_subquery(),
    )
    try:
        with get_db().read() as session:
            return tuple(session.execute(query).one())
    except DATABASE_DOWN:
        return ("down",)
