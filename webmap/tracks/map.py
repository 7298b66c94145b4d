"""Health tracks on maps: a track's own map, and the city map's track layers with their legend."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import folium
from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup

from geo.coords import latlon
from geo.pack import CityPack, Layer
from routes.catalog import Catalog
from routes.tracks import Track
from webmap.maps.base import Tiles, base_map
from webmap.maps.controls import MetricScale
from webmap.maps.extras import (
    ICON_KEY,
    STYLE_KEY,
    ControlsFirst,
    EmbeddedGeoJson,
    FitRoute,
    geojson_text,
)
from webmap.maps.layers import layer_view
from webmap.maps.popups import POPUP_KEY, TOOLTIP_KEY, SafePopup, SafeTooltip, layer_name
from webmap.pageparts import page_part
from webmap.tracks.page import ordered_stops, stop_kind_names, track_card

MODE_COLOURS = {"walk": "#c2185b", "ski": "#1565c0"}
STOP_COLOURS = {
    "start": "#2e7d32",
    "finish": "#b71c1c",
    "bench": "#6d4c41",
    "tea": "#b34700",
    "view": "#00707a",
    "info": "#5e35b1",
}


class _TrackGroup(folium.FeatureGroup):
    """A track's feature group on the city map, with its rows in the map's legend."""

    legend_entries: list[tuple[str, str, str]]


def build_track_map(pack: CityPack, catalog: Catalog, track: Track, lang: str, tiles: Tiles) -> folium.Map:
    """A map of one track fitted to it: the line, its numbered stops, and the places it passes."""
    track_map = base_map(
        tiles,
        lean=True,
        notice=_("The base map could not be loaded; the track and its stops are shown."),
        zoom_control=True,
        location=latlon(track.lons[0], track.lats[0]),
        zoom_start=14,
    )
    passed: dict[str, set[str]] = {}
    for passage in catalog.passages[track.id]:
        passed.setdefault(passage.layer_id, set()).add(passage.feature_id)
    today = dt.date.today()
    for layer_id, feature_ids in passed.items():
        layer = pack.layers[layer_id]
        collection, text = page_part(
            ("passed", track.id, layer_id, today.month, lang),
            functools.partial(_passed_features, layer, feature_ids, today, lang),
        )
        point = "circle" if layer.kind == "point" else None
        geojson = EmbeddedGeoJson(collection, text, point=point, name=layer_name(layer.title[lang]))
        SafeTooltip().add_to(geojson)
        geojson.add_to(track_map)
    _track_line(track, lang).add_to(track_map)
    _stops_layer(catalog, track, lang).add_to(track_map)
    folium.LayerControl(collapsed=True).add_to(track_map)
    MetricScale().add_to(track_map)
    FitRoute(route_bounds(track)).add_to(track_map)
    ControlsFirst().add_to(track_map)
    return track_map


def _passed_features(
    layer: Layer, feature_ids: set[str], date: dt.date, lang: str
) -> tuple[dict[str, Any], Markup]:
    """The features of ``layer`` a track passes, drawn faintly under it, and their JSON text."""
    style = {
        "color": layer.style.get("color", "#555"),
        "fillColor": layer.style.get("fill_color", "#999"),
        "fillOpacity": 0.25,
        "weight": 1,
    }
    if layer.kind == "point":
        style = {"radius": 6, "fill": True, **style}
    features = [
        {**feature, "properties": {**feature["properties"], STYLE_KEY: style}}
        for feature in layer_view(layer, date, lang).collection["features"]
        if feature["id"] in feature_ids
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return collection, geojson_text(collection)


def route_bounds(track: Track) -> list[list[float]]:
    """The track's bounding box as folium wants it: [[south, west], [north, east]]."""
    return [[min(track.lats), min(track.lons)], [max(track.lats), max(track.lons)]]


def _track_line(track: Track, lang: str, catalog: Catalog | None = None) -> EmbeddedGeoJson:
    """The track's line, coloured by mode, with its name as a tooltip, written out once per track and
    language. Its popup names it on its own page; on the city map (given ``catalog``) it shows the
    first figures and links to the track's page."""
    page_url = url_for("tracks.track_page", track_id=track.id, lang=lang) if catalog else None

    def popup_rows() -> list[list[Any]]:
        if catalog is None or page_url is None:
            return [[_("Track"), track.name[lang]]]
        card = track_card(catalog, track, None, lang)
        rows: list[list[Any]] = [[label, value] for label, value in card["rows"][:4]]
        return [*rows, [_("Track page"), {"href": page_url, "text": track.name[lang]}]]

    collection, text = page_part(
        ("track-line", track.id, lang, page_url), lambda: _track_line_data(track, lang, popup_rows())
    )
    line = EmbeddedGeoJson(collection, text, name=layer_name(track.name[lang]), className="ecomap-track-line")
    SafePopup().add_to(line)
    SafeTooltip().add_to(line)
    return line


def _track_line_data(track: Track, lang: str, popup_rows: list[list[Any]]) -> tuple[dict[str, Any], Markup]:
    """The track's line as a FeatureCollection and its JSON text."""
    style = {"color": MODE_COLOURS[track.mode], "weight": 5, "opacity": 0.85}
    if track.mode == "ski":
        style["dashArray"] = "8 6"
    feature = {
        "type": "Feature",
        "id": track.id,
        "properties": {TOOLTIP_KEY: track.name[lang], POPUP_KEY: popup_rows, STYLE_KEY: style},
        "geometry": {
            "type": "LineString",
            "coordinates": [list(p) for p in zip(track.lons, track.lats, strict=True)],
        },
    }
    collection = {"type": "FeatureCollection", "features": [feature]}
    return collection, geojson_text(collection)


def stop_badge(number: int, kind: str, title: str) -> str:
    """The HTML of a numbered stop on the map: the number on the kind's colour, its name as a title.

    >>> str(stop_badge(3, "tea", "Tea <stop>"))
    '<span class="ecomap-stop-number" style="background:#b34700" title="Tea &lt;stop&gt;">3</span>'
    """
    colour = STOP_COLOURS[kind]
    return Markup('<span class="ecomap-stop-number" style="background:{}" title="{}">{}</span>').format(
        colour, title, number
    )


def _stops_layer(catalog: Catalog, track: Track, lang: str) -> EmbeddedGeoJson:
    """The stops as numbered badges matching the page's list; popups show kind, name and text as text."""
    kinds = stop_kind_names()
    features = []
    for number, stop in enumerate(ordered_stops(catalog, track), start=1):
        tooltip = f"{number}. {kinds[stop.kind]}: {stop.name[lang]}"
        properties = {
            "kind": stop.kind,
            "number": number,
            TOOLTIP_KEY: tooltip,
            POPUP_KEY: [[kinds[stop.kind], f"{number}. {stop.name[lang]}"], ["", stop.text[lang]]],
            ICON_KEY: str(stop_badge(number, stop.kind, tooltip)),
        }
        point = {"type": "Point", "coordinates": [stop.lon, stop.lat]}
        features.append({"type": "Feature", "id": stop.id, "properties": properties, "geometry": point})
    collection = {"type": "FeatureCollection", "features": features}
    stops = EmbeddedGeoJson(
        collection,
        geojson_text(collection),
        point="icon",
        point_options={"className": "ecomap-track-stop", "iconSize": [44, 44]},  # a 44 px tap target
        name=_("Stops"),
    )
    SafePopup().add_to(stops)
    SafeTooltip().add_to(stops)
    return stops


def track_layers(
    catalog: Catalog, date: dt.date, lang: str, show_all: bool = False
) -> list[folium.FeatureGroup]:
    """Every track as its own feature group for the city map; out of season tracks start hidden."""
    groups: list[folium.FeatureGroup] = []
    for track in catalog.tracks.values():
        in_season = track.runs_in(date.month)
        name = track.name[lang] if in_season else _("%(track)s (out of season)", track=track.name[lang])
        group = _TrackGroup(name=name, show=in_season or show_all)
        _track_line(track, lang, catalog).add_to(group)
        group.legend_entries = [] if groups else track_legend()  # the legend's rows once, with the first
        groups.append(group)
    return groups


def track_legend() -> list[tuple[str, str, str]]:
    """The city map's legend rows for the tracks: walking tracks and ski tracks (dashed)."""
    return [
        (MODE_COLOURS["walk"], _("Walking track"), "line"),
        (MODE_COLOURS["ski"], _("Ski track"), "line-dashed"),
    ]
