"""Proposals on folium maps: styled by category, with popups that show every text as text."""

from __future__ import annotations

from typing import Any

import folium
from flask_babel import gettext as _
from shapely.geometry import mapping, shape

from geo.coords import leaflet_bounds
from geo.sites import Site
from webmap.http.i18n import select_language
from webmap.maps import base
from webmap.maps.parts import map_parts
from webmap.maps.popups import POPUP_KEY, TOOLTIP_KEY, SafePopup, SafeTooltip
from webmap.pack_access import get_pack, get_tiles
from webmap.proposals.kit_texts import bill_for_people, bill_summary
from webmap.proposals.labels import category_labels
from webmap.proposals.service import get_kit

CATEGORY_COLOURS = {
    "bench": "#8d6e63",
    "planter": "#43a047",
    "shade": "#00897b",
    "art": "#8e24aa",
    "play": "#fb8c00",
    "lighting": "#fdd835",
    "paving": "#757575",
    "sign": "#1e88e5",
    "other": "#e53935",
}
OPENING_MAX_ZOOM = 19  # how far a page's map opens zoomed in on a small shape (the tiles' own limit)
SITE_STYLE = {"color": "#d81b60", "weight": 2, "dashArray": "6 4", "fillOpacity": 0.05}


def with_popups(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies of proposal features with popup rows and tooltip text (shown as text by SafePopup)."""
    categories = category_labels()
    shown = []
    for feature in features:
        properties = feature["properties"]
        rows = [
            [_("Title"), properties["title"]],
            [_("Category"), categories.get(properties["category"], properties["category"])],
            [_("Materials"), properties["materials"]],
            [_("Description"), properties["description"]],
            [_("Author"), properties["author"]],
            [_("Votes"), str(properties.get("votes", 0))],
        ]
        bill = bill_for_people(properties.get("bill"), get_kit(), select_language())
        if bill:
            rows.insert(3, [_("Cost"), bill_summary(bill)])
        extra = {POPUP_KEY: rows, TOOLTIP_KEY: properties["title"]}
        geometry = drawable(feature["geometry"])
        shown.append({**feature, "geometry": geometry, "properties": {**properties, **extra}})
    return shown


def drawable(geometry: dict[str, Any]) -> dict[str, Any]:
    """A kit proposal's GeometryCollection of footprints as one MultiPolygon: Leaflet 1.9 draws a
    collection as a layer group, which its keyboard focus code cannot handle (``getElement is not a
    function``). A collection holding a point or a line is left as it is.

    >>> square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    >>> drawable({"type": "GeometryCollection", "geometries": [square, square]})["type"]
    'MultiPolygon'
    """
    members = geometry.get("geometries") if geometry.get("type") == "GeometryCollection" else None
    if not members or any(member.get("type") != "Polygon" for member in members):
        return geometry
    return {"type": "MultiPolygon", "coordinates": [member["coordinates"] for member in members]}


def proposals_layer(features: list[dict[str, Any]], name: str) -> folium.GeoJson:
    """Proposals as one GeoJson layer, coloured by category, points as circles."""

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        colour = CATEGORY_COLOURS.get(feature["properties"]["category"], CATEGORY_COLOURS["other"])
        return {"color": colour, "fillColor": colour, "fillOpacity": 0.45, "weight": 3}

    collection = {"type": "FeatureCollection", "features": with_popups(features)}
    marker = folium.CircleMarker(radius=7)
    layer = folium.GeoJson(
        collection, name=name, style_function=style, marker=marker, highlight_function=None
    )
    SafePopup().add_to(layer)
    SafeTooltip().add_to(layer)
    return layer


def site_layer(sites: list[Site], lang: str) -> folium.GeoJson:
    """The sites' outlines, named in ``lang``."""
    features = [
        {
            "type": "Feature",
            "id": site.id,
            "properties": {TOOLTIP_KEY: site.title[lang]},
            "geometry": mapping(site.mask),
        }
        for site in sites
    ]
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=_("Proposal sites"),
        style_function=lambda _feature: SITE_STYLE,
        highlight_function=None,
        interactive=True,
    )
    SafeTooltip().add_to(layer)
    return layer


def base_map(bounds: tuple[float, float, float, float], max_zoom: int | None = None) -> folium.Map:
    """A map fitted to ``bounds`` (west, south, east, north) with the app's tiles, zoomed in at most
    to ``max_zoom`` (default: the map's own limit)."""
    pack = get_pack()
    folium_map = base.base_map(
        get_tiles(),
        lean=True,  # our popups, circle markers and Geoman need no jQuery, Bootstrap or icon fonts
        tile_options={"max_zoom": 20, "max_native_zoom": 19},
        location=[pack.center_lat, pack.center_lon],
        zoom_start=pack.zoom,
        max_zoom=20,
    )
    folium_map.fit_bounds(leaflet_bounds(bounds), padding=(20, 20), max_zoom=max_zoom)
    return folium_map


def union_bounds(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    """The box around every box.

    >>> union_bounds([(1, 2, 3, 4), (0, 3, 2, 5)])
    (0, 2, 3, 5)
    """
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def sites_map_parts(
    sites: list[Site],
    features: list[dict[str, Any]],
    name: str,
    lang: str,
    bounds: tuple[float, float, float, float] | None = None,
) -> dict[str, str]:
    """The header, body and script of a map of ``sites`` with the proposals ``features`` on them,
    fitted to ``bounds`` (default: the sites), and ``map_layer``, the proposals layer's JS name.

    No sites, no map: an empty dict, so a template can leave the map out.
    """
    if not sites:
        return {}
    folium_map = base_map(bounds or union_bounds([site.bounds for site in sites]), OPENING_MAX_ZOOM)
    site_layer(sites, lang).add_to(folium_map)
    layer_name = ""
    if features:
        layer = proposals_layer(features, name).add_to(folium_map)
        layer_name = layer.get_name()
    return {**map_parts(folium_map), "map_layer": layer_name}


def feature_bounds(features: list[dict[str, Any]]) -> tuple[float, float, float, float] | None:
    """The box around the features' geometries, or None for no features.

    >>> feature_bounds([{"geometry": {"type": "Point", "coordinates": [60.8, 56.5]}}])
    (60.8, 56.5, 60.8, 56.5)
    """
    if not features:
        return None
    return union_bounds([shape(feature["geometry"]).bounds for feature in features])
