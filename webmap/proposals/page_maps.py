"""The folium maps of the proposal pages, built outside the views: the drawing map and the private map."""

from __future__ import annotations

from typing import Any

import folium
from flask_babel import gettext as _

from geo.sites import Site
from webmap.maps.geoman import Geoman
from webmap.maps.parts import map_parts
from webmap.proposals.map import base_map, proposals_layer, site_layer

DESIGN_MAX_ZOOM = 22  # about 4 cm a pixel in Sysert: the tiles (19 at most) are enlarged


def drawing_map(site: Site, lang: str, urls: dict[str, str]) -> tuple[dict[str, str], dict[str, Any]]:
    """The map zoomed to ``site`` with the drawing tools: its page parts and the form script's config.

    ``urls`` are the API's: ``api`` (send), ``kit`` (the site's kit of parts) and ``check`` (the
    rules' answer to a draft).
    """
    folium_map = base_map(site.bounds)
    for child in folium_map._children.values():
        if isinstance(child, folium.TileLayer):  # closer than the tiles go, to see a bench's clear zone
            child.options["max_zoom"] = DESIGN_MAX_ZOOM
    site_layer([site], lang).add_to(folium_map)
    drawn = draw_tools(folium_map, lang)
    config = {"map": folium_map.get_name(), "drawn": drawn.get_name(), "site": site.id, **urls}
    return map_parts(folium_map), config


def draw_tools(folium_map: folium.Map, lang: str) -> folium.FeatureGroup:
    """Geoman's point, line and area tools (and edit, move, rotate, remove), drawing into a feature
    group we can name, their texts in ``lang``."""
    drawn = folium.FeatureGroup(name="drawn", control=False)
    drawn.add_to(folium_map)
    # blue, apart from the site's dashed outline; proposals.js turns a refused shape red
    Geoman(drawn, lang, geoman_texts()).add_to(folium_map)
    return drawn


def geoman_texts() -> dict[str, Any]:
    """Our words for Geoman's tools where its own are not a student's (merged over its language)."""
    return {
        "buttonTitles": {
            "drawMarkerButton": _("Place a point"),
            "drawLineButton": _("Draw a path (a line)"),
            "drawPolyButton": _("Paint an area (a polygon)"),
            "editButton": _("Edit the drawn shape's corners"),
            "dragButton": _("Move the drawn shape"),
            "rotateButton": _("Rotate the drawn shape"),
            "deleteButton": _("Remove the drawn shape"),
        },
        "actions": {
            "finish": _("Done"),
            "cancel": _("Cancel"),
            "removeLastVertex": _("Undo the last point"),
        },
    }


def private_map(
    feature: dict[str, Any], site: Site | None, bounds: tuple[float, float, float, float], lang: str
) -> dict[str, str]:
    """The author's proposal on its site (or on its own bounds when the site is gone): page parts."""
    folium_map = base_map(site.bounds if site else bounds)
    if site:
        site_layer([site], lang).add_to(folium_map)
    proposals_layer([feature], "proposal").add_to(folium_map)
    return map_parts(folium_map)
