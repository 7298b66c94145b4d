"""The folium maps of the proposal pages, built outside the views: the drawing map and the private map."""

from __future__ import annotations

from typing import Any

import folium
import folium.plugins

from geo.sites import Site
from webmap.maps.parts import map_parts
from webmap.proposals.map import base_map, proposals_layer, site_layer


def drawing_map(site: Site, lang: str, api_url: str) -> tuple[dict[str, str], dict[str, Any]]:
    """The map zoomed to ``site`` with the drawing tools: its page parts and the form script's config."""
    folium_map = base_map(site.bounds)
    site_layer([site], lang).add_to(folium_map)
    drawn = draw_tools(folium_map)
    config = {"map": folium_map.get_name(), "drawn": drawn.get_name(), "site": site.id, "api": api_url}
    return map_parts(folium_map), config


def draw_tools(folium_map: folium.Map) -> folium.FeatureGroup:
    """Leaflet.draw's point, line and polygon tools, drawing into a feature group we can name."""
    drawn = folium.FeatureGroup(name="drawn", control=False)
    drawn.add_to(folium_map)
    # blue, apart from the site's dashed outline; proposals.js turns a refused shape red
    shape = {"shapeOptions": {"color": "#1565c0"}}
    folium.plugins.Draw(
        feature_group=drawn,
        draw_options={
            "polyline": shape,
            "polygon": {**shape, "allowIntersection": False, "showArea": False},
            "rectangle": {**shape, "showArea": False},
            "circle": False,
            "circlemarker": False,
            "marker": True,
        },
        edit_options={"edit": True, "remove": True},
    ).add_to(folium_map)
    return drawn


def private_map(
    feature: dict[str, Any], site: Site | None, bounds: tuple[float, float, float, float], lang: str
) -> dict[str, str]:
    """The author's proposal on its site (or on its own bounds when the site is gone): page parts."""
    folium_map = base_map(site.bounds if site else bounds)
    if site:
        site_layer([site], lang).add_to(folium_map)
    proposals_layer([feature], "proposal").add_to(folium_map)
    return map_parts(folium_map)
