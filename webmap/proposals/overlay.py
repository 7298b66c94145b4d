"""The approved proposals on the city map: read from the database, drawn as proposals/map.py draws them."""

from __future__ import annotations

import datetime as dt

import folium
from flask import current_app
from flask_babel import gettext as _

from geo.pack import CityPack
from webmap.db import DATABASE_DOWN, EXTENSION, get_db
from webmap.proposals.map import proposals_layer
from webmap.proposals.store import Filters, find_proposals, to_feature, vote_counts


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
