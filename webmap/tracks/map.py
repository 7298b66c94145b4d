"""Health tracks on maps and pages: the track map, the city map's track layers, figures, profile, QR."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import folium
import segno
from babel.dates import get_month_names
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from geo.coords import latlon
from geo.pack import CityPack, Layer
from routes.catalog import Catalog
from routes.figures import TrackMeasure, audience_figures
from routes.gpx import GpxText
from routes.profile import Profile, profile
from routes.tracks import Track
from webmap.http import units
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

MODE_COLOURS = {"walk": "#c2185b", "ski": "#1565c0"}
STOP_COLOURS = {
    "start": "#2e7d32",
    "finish": "#b71c1c",
    "bench": "#6d4c41",
    "tea": "#b34700",
    "view": "#00707a",
    "info": "#5e35b1",
}


def stop_kind_names() -> dict[str, str]:
    """The stop kinds in the request's language."""
    return {
        "start": _("Start"),
        "finish": _("Finish"),
        "bench": _("Bench"),
        "tea": _("Tea stop"),
        "view": _("View"),
        "info": _("Information"),
    }


def mode_names() -> dict[str, str]:
    """The track modes in the request's language."""
    return {"walk": _("Walk"), "ski": _("Ski")}


def _time_text(duration_s: float, complete: bool) -> str:
    """The time, marked as a lower bound where heights are unknown on part of the track."""
    if complete:
        return units.duration(duration_s)
    return _("at least %(time)s (heights partly unknown)", time=units.duration(duration_s))


def _rest_gap_text(measure: TrackMeasure) -> str:
    """The longest stretch without a rest against the terrenkur class's norm."""
    gap, norm = units.length(measure.longest_rest_gap_m), units.length(measure.rest_gap_norm_m or 0)
    if measure.rest_gap_over_norm:
        return _("%(gap)s (over the norm of %(norm)s)", gap=gap, norm=norm)
    return _("%(gap)s (norm %(norm)s)", gap=gap, norm=norm)


def track_card(
    catalog: Catalog, track: Track, audience_id: str | None, lang: str, today: dt.date | None = None
) -> dict[str, Any]:
    """The key figures of a track for one audience (its first when None), as display texts, and
    whether it runs in ``today``'s month (None: not asked)."""
    measure = catalog.measures[track.id]
    audience = catalog.audiences[audience_id if audience_id in track.audiences else track.audiences[0]]
    figures = audience_figures(track, measure, audience)
    climb = measure.climb
    if climb.ascent_m is None:
        climb_text = _("unknown: no heights on this track")
    else:
        climb_text = f"+{units.metres(climb.ascent_m)} / −{units.metres(climb.descent_m or 0)}"
        if not climb.complete:
            share = units.percent(climb.known_fraction)
            climb_text += " " + _("(heights known on %(share)s of the track)", share=share)
    rows = [(_("Length"), units.length(measure.length_m))]
    if figures.steps is not None:
        share = units.percent(figures.step_goal_share)
        steps_text = _(
            "%(steps)s (%(share)s of the daily goal)", steps=units.steps(figures.steps), share=share
        )
        rows.append((_("Steps"), steps_text))
    rows += [
        (_("Time"), _time_text(figures.duration_s, measure.duration_complete)),
        (
            _("Energy"),
            _(
                "%(energy)s for %(mass)s",
                energy=units.energy(figures.energy_kcal),
                mass=units.mass(figures.mass_kg),
            ),
        ),
        (_("Climb"), climb_text),
    ]
    if measure.max_gradient_pct is not None:
        rows.append((_("Steepest slope"), units.percent(measure.max_gradient_pct / 100, decimals=1)))
    if measure.terrenkur_class is not None:
        rows.append((_("Terrenkur class"), str(measure.terrenkur_class)))
        rows.append((_("Longest stretch without a rest"), _rest_gap_text(measure)))
    return {
        "id": track.id,
        "name": track.name[lang],
        "description": track.description[lang],
        "mode": mode_names()[track.mode],
        "months": month_range_text(track.months),
        "in_season": None if today is None else track.runs_in(today.month),
        "audience": audience.name[lang],
        "audiences": [catalog.audiences[name].name[lang] for name in track.audiences],
        "rows": rows,
    }


def month_range_text(months: tuple[int, ...]) -> str:
    """The months a track runs as month names in the request's language (Babel's CLDR data), or all year."""
    if len(set(months)) == 12:
        return _("all year")
    names = get_month_names("wide", context="stand-alone", locale=get_locale())
    return ", ".join(names[month] for month in months)


def stop_rows(catalog: Catalog, track: Track, lang: str) -> list[dict[str, str]]:
    """The stops in order along the track, with kind, distance from the start and text."""
    positions = catalog.measures[track.id].stop_positions_m
    kinds = stop_kind_names()
    return [
        {
            "number": number,
            "id": stop.id,
            "kind": stop.kind,
            "kind_name": kinds[stop.kind],
            "name": stop.name[lang],
            "text": stop.text[lang],
            "at": units.length(positions[stop.id]),
        }
        for number, stop in enumerate(ordered_stops(catalog, track), start=1)
    ]


def passage_rows(catalog: Catalog, track: Track, lang: str) -> list[str]:
    """What the track passes, one sentence each."""
    rows = []
    for passage in catalog.passages[track.id]:
        name = passage.name[lang]
        if passage.relation == "inside":
            rows.append(
                _("%(length)s through %(name)s", length=units.length(passage.length_m or 0), name=name)
            )
        elif passage.relation == "beside":
            rows.append(
                _(
                    "%(length)s within 100 m of %(name)s",
                    length=units.length(passage.length_m or 0),
                    name=name,
                )
            )
        else:
            rows.append(
                _("%(name)s, %(distance)s away", name=name, distance=units.length(passage.distance_m or 0))
            )
    return rows


def track_profile(catalog: Catalog, track: Track, lang: str) -> Profile | None:
    """The elevation profile's SVG geometry, None when the track has no heights."""
    return profile(track, catalog.measures[track.id], lang)


@functools.lru_cache(maxsize=256)
def qr_svg(url: str) -> str:
    """An inline SVG QR code of ``url`` (error correction M, for printed trailhead signs); the last
    256 kept, since making one takes about as long as the rest of a track page."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


def gpx_text(pack: CityPack, catalog: Catalog, track: Track, audience_id: str, lang: str) -> GpxText:
    """The GPX metadata texts: the figures in the description, author, link text and keywords."""
    card = track_card(catalog, track, audience_id, lang)
    figures = "; ".join(f"{label}: {value}" for label, value in card["rows"])
    who = _("Who: %(audience)s", audience=card["audience"])
    description = f"{track.description[lang]} {who}. {figures}."
    keywords = [pack.name[lang], card["mode"], _("health track"), *card["audiences"]]
    return GpxText(
        description=description,
        author=_("ecomap and the volunteer schoolchildren of %(city)s", city=pack.name[lang]),
        link_text=_("The track's page"),
        keywords=", ".join(keywords),
    )


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
            lambda layer=layer, feature_ids=feature_ids: _passed_features(layer, feature_ids, today, lang),
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


def ordered_stops(catalog: Catalog, track: Track) -> list:
    """The track's stops in order along it: stop n on the map is item n of the list."""
    positions = catalog.measures[track.id].stop_positions_m
    return sorted(track.stops, key=lambda stop: positions[stop.id])


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
        point_options={"className": "ecomap-track-stop", "iconSize": [28, 28]},
        name=_("Stops"),
    )
    SafePopup().add_to(stops)
    SafeTooltip().add_to(stops)
    return stops


def track_layers(
    catalog: Catalog, date: dt.date, lang: str, show_all: bool = False
) -> list[folium.FeatureGroup]:
    """Every track as its own feature group for the city map; out of season tracks start hidden."""
    groups = []
    for track in catalog.tracks.values():
        in_season = track.runs_in(date.month)
        name = track.name[lang] if in_season else _("%(track)s (out of season)", track=track.name[lang])
        group = folium.FeatureGroup(name=name, show=in_season or show_all)
        _track_line(track, lang, catalog).add_to(group)
        groups.append(group)
    for index, group in enumerate(groups):
        group.legend_entries = track_legend() if index == 0 else []
    return groups


def track_legend() -> list[tuple[str, str, str]]:
    """The city map's legend rows for the tracks: walking tracks and ski tracks (dashed)."""
    return [
        (MODE_COLOURS["walk"], _("Walking track"), "line"),
        (MODE_COLOURS["ski"], _("Ski track"), "line-dashed"),
    ]
