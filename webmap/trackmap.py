"""Health tracks on maps and pages: the track map, the city map's track layers, figures, profile, QR."""

from __future__ import annotations

import datetime as dt
from typing import Any

import folium
import segno
from babel.dates import get_month_names
from flask import url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from geo.coords import latlon
from geo.pack import CityPack
from routes.catalog import Catalog
from routes.figures import TrackMeasure, audience_figures
from routes.gpx import GpxText
from routes.profile import Profile, profile
from routes.tracks import Track
from webmap.citymap import Tiles, display_features
from webmap.popups import POPUP_KEY, TOOLTIP_KEY, SafePopup, SafeTooltip, layer_name

MODE_COLOURS = {"walk": "#c2185b", "ski": "#1565c0"}
STOP_COLOURS = {
    "start": "#2e7d32",
    "finish": "#b71c1c",
    "bench": "#6d4c41",
    "tea": "#ef6c00",
    "view": "#00838f",
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


def season_names() -> dict[str, str]:
    """The seasons in the request's language."""
    return {"winter": _("Winter"), "spring": _("Spring"), "summer": _("Summer"), "autumn": _("Autumn")}


def format_length(length_m: float) -> str:
    """``800 m`` under a kilometre, ``7.31 km`` from one."""
    if length_m < 1000:
        return _("%(metres)s m", metres=format_decimal(round(length_m)))
    return _("%(km)s km", km=format_decimal(round(length_m / 1000, 2)))


def format_duration(duration_s: float) -> str:
    """``1 h 05 min`` or ``45 min``."""
    minutes = round(duration_s / 60)
    if minutes < 60:
        return _("%(minutes)d min", minutes=minutes)
    return _("%(hours)d h %(minutes)02d min", hours=minutes // 60, minutes=minutes % 60)


def _time_text(duration_s: float, complete: bool) -> str:
    """The time, marked as a lower bound where heights are unknown on part of the track."""
    if complete:
        return format_duration(duration_s)
    return _("at least %(time)s (heights partly unknown)", time=format_duration(duration_s))


def _rest_gap_text(measure: TrackMeasure) -> str:
    """The longest stretch without a rest against the terrenkur class's norm."""
    gap, norm = format_length(measure.longest_rest_gap_m), format_length(measure.rest_gap_norm_m or 0)
    if measure.rest_gap_over_norm:
        return _("%(gap)s (over the norm of %(norm)s)", gap=gap, norm=norm)
    return _("%(gap)s (norm %(norm)s)", gap=gap, norm=norm)


def track_card(catalog: Catalog, track: Track, audience_id: str | None, lang: str) -> dict[str, Any]:
    """The key figures of a track for one audience (its first when None), as display texts."""
    measure = catalog.measures[track.id]
    audience = catalog.audiences[audience_id if audience_id in track.audiences else track.audiences[0]]
    figures = audience_figures(track, measure, audience)
    climb = measure.climb
    if climb.ascent_m is None:
        climb_text = _("unknown: no heights on this track")
    else:
        climb_text = _(
            "+%(ascent)s m / −%(descent)s m",
            ascent=format_decimal(climb.ascent_m),
            descent=format_decimal(climb.descent_m),
        )
        if not climb.complete:
            share = format_decimal(round(climb.known_fraction * 100))
            climb_text += " " + _("(heights known on %(share)s %% of the track)", share=share)
    rows = [(_("Length"), format_length(measure.length_m))]
    if figures.steps is not None:
        share = format_decimal(round(figures.step_goal_share * 100))
        steps_text = _(
            "%(steps)s (%(share)s %% of the daily goal)", steps=format_decimal(figures.steps), share=share
        )
        rows.append((_("Steps"), steps_text))
    rows += [
        (_("Time"), _time_text(figures.duration_s, measure.duration_complete)),
        (
            _("Energy"),
            _(
                "%(kcal)s kcal for %(mass)s kg",
                kcal=format_decimal(figures.energy_kcal),
                mass=format_decimal(figures.mass_kg),
            ),
        ),
        (_("Climb"), climb_text),
    ]
    if measure.max_gradient_pct is not None:
        rows.append((_("Steepest slope"), f"{format_decimal(measure.max_gradient_pct)} %"))
    if measure.terrenkur_class is not None:
        rows.append((_("Terrenkur class"), str(measure.terrenkur_class)))
        rows.append((_("Longest stretch without a rest"), _rest_gap_text(measure)))
    return {
        "id": track.id,
        "name": track.name[lang],
        "description": track.description[lang],
        "mode": mode_names()[track.mode],
        "months": month_range_text(track.months),
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
    ordered = sorted(track.stops, key=lambda stop: positions[stop.id])
    return [
        {
            "id": stop.id,
            "kind": stop.kind,
            "kind_name": kinds[stop.kind],
            "name": stop.name[lang],
            "text": stop.text[lang],
            "at": format_length(positions[stop.id]),
        }
        for stop in ordered
    ]


def passage_rows(catalog: Catalog, track: Track, lang: str) -> list[str]:
    """What the track passes, one sentence each."""
    rows = []
    for passage in catalog.passages[track.id]:
        name = passage.name[lang]
        if passage.relation == "inside":
            rows.append(
                _("%(length)s through %(name)s", length=format_length(passage.length_m or 0), name=name)
            )
        elif passage.relation == "beside":
            rows.append(
                _(
                    "%(length)s within 100 m of %(name)s",
                    length=format_length(passage.length_m or 0),
                    name=name,
                )
            )
        else:
            rows.append(
                _("%(name)s, %(distance)s away", name=name, distance=format_length(passage.distance_m or 0))
            )
    return rows


def track_profile(catalog: Catalog, track: Track, lang: str) -> Profile | None:
    """The elevation profile's SVG geometry, None when the track has no heights."""
    return profile(track, catalog.measures[track.id], lang)


def qr_svg(url: str) -> str:
    """An inline SVG QR code of ``url`` (error correction M, for printed trailhead signs)."""
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
    """A map of one track: the line, its stops with their texts, and the places it passes."""
    track_map = folium.Map(
        tiles=None, control_scale=True, location=latlon(track.lons[0], track.lats[0]), zoom_start=14
    )
    if tiles.url:
        folium.TileLayer(tiles.url, attr=tiles.attribution, name=_("Base map"), control=False).add_to(
            track_map
        )
    passed = {}
    for passage in catalog.passages[track.id]:
        passed.setdefault(passage.layer_id, set()).add(passage.feature_id)
    for layer_id, feature_ids in passed.items():
        layer = pack.layers[layer_id]
        collection = display_features(layer, dt.date.today(), lang)
        collection["features"] = [f for f in collection["features"] if f["id"] in feature_ids]
        style = {
            "color": layer.style.get("color", "#555"),
            "fillColor": layer.style.get("fill_color", "#999"),
            "fillOpacity": 0.25,
            "weight": 1,
        }
        options: dict[str, Any] = {
            "style_function": lambda _f, style=style: style,
            "highlight_function": None,
        }
        if layer.kind == "point":
            options["marker"] = folium.CircleMarker(radius=6, **style)
        geojson = folium.GeoJson(collection, name=layer_name(layer.title[lang]), **options)
        SafeTooltip().add_to(geojson)
        geojson.add_to(track_map)
    _track_line(track, lang).add_to(track_map)
    _stops_layer(catalog, track, lang).add_to(track_map)
    track_map.fit_bounds([[min(track.lats), min(track.lons)], [max(track.lats), max(track.lons)]])
    folium.LayerControl(collapsed=True).add_to(track_map)
    return track_map


def _track_line(track: Track, lang: str, popup_rows: list[list[str]] | None = None) -> folium.GeoJson:
    """The track's line, coloured by mode, with its name as a tooltip."""
    feature = {
        "type": "Feature",
        "id": track.id,
        "properties": {
            TOOLTIP_KEY: track.name[lang],
            POPUP_KEY: popup_rows or [[_("Track"), track.name[lang]]],
        },
        "geometry": {
            "type": "LineString",
            "coordinates": [list(p) for p in zip(track.lons, track.lats, strict=True)],
        },
    }
    style = {"color": MODE_COLOURS[track.mode], "weight": 5, "opacity": 0.85}
    if track.mode == "ski":
        style["dashArray"] = "8 6"
    line = folium.GeoJson(
        feature, name=layer_name(track.name[lang]), style_function=lambda _f: style, highlight_function=None
    )
    line.options["className"] = "ecomap-track-line"
    SafePopup().add_to(line)
    SafeTooltip().add_to(line)
    return line


def _stops_layer(catalog: Catalog, track: Track, lang: str) -> folium.GeoJson:
    """The stops as coloured circles; the popup shows each stop's kind, name and text as plain text."""
    kinds = stop_kind_names()
    features = [
        {
            "type": "Feature",
            "id": stop.id,
            "properties": {
                "kind": stop.kind,
                TOOLTIP_KEY: f"{kinds[stop.kind]}: {stop.name[lang]}",
                POPUP_KEY: [[kinds[stop.kind], stop.name[lang]], ["", stop.text[lang]]],
            },
            "geometry": {"type": "Point", "coordinates": [stop.lon, stop.lat]},
        }
        for stop in track.stops
    ]
    stops = folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=_("Stops"),
        marker=folium.CircleMarker(
            radius=8, fill=True, fill_opacity=0.9, weight=2, color="#fff", className="ecomap-track-stop"
        ),
        style_function=lambda feature: {
            "fillColor": STOP_COLOURS[feature["properties"]["kind"]],
            "color": "#fff",
        },
        highlight_function=None,
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
        card = track_card(catalog, track, None, lang)
        rows = [[label, value] for label, value in card["rows"][:4]]
        page_url = url_for("tracks.track_page", track_id=track.id, lang=lang)
        rows.append([_("Track page"), {"href": page_url, "text": track.name[lang]}])
        _track_line(track, lang, rows).add_to(group)
        groups.append(group)
    return groups
