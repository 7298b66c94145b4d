"""A track as its page and GPX file tell it: the card of figures, stops, passages, season, profile, QR."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import segno
from babel.dates import get_month_names
from flask_babel import get_locale
from flask_babel import gettext as _

from geo.pack import CityPack
from routes.catalog import Catalog
from routes.figures import TrackMeasure, audience_figures
from routes.gpx import GpxText
from routes.profile import Profile, profile
from routes.tracks import Track
from webmap.http import units


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
    if figures.steps is not None and figures.step_goal_share is not None:  # set together, for walks
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


def stop_rows(catalog: Catalog, track: Track, lang: str) -> list[dict[str, str | int]]:
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
    """An inline SVG QR code of ``url`` (error correction M, for printed trailhead signs) with its quiet
    zone of four modules painted white, and a viewBox but no size, so that CSS scales it whole rather
    than cropping it; the last 256 kept, since making one takes about as long as the rest of a page."""
    return segno.make(url, error="m").svg_inline(border=4, omitsize=True, light="#fff", svgclass="segno")


def route_for_position(catalog: Catalog, track: Track, lang: str) -> dict[str, Any]:
    """What static/track-position.js needs to place the walker on the track: the line as [lat, lon],
    its length, the stops in order with their distance from the start, and its texts."""
    positions = catalog.measures[track.id].stop_positions_m
    return {
        "coords": [[round(lat, 6), round(lon, 6)] for lon, lat in zip(track.lons, track.lats, strict=True)],
        "length_m": catalog.measures[track.id].length_m,
        "stops": [
            {"name": f"{number}. {stop.name[lang]}", "at_m": round(positions[stop.id], 1)}
            for number, stop in enumerate(ordered_stops(catalog, track), start=1)
        ],
        "texts": {
            "start": _("Follow my position on the track"),
            "stop": _("Stop following my position"),
            "asking": _("Finding your position…"),
            "walked": _("Walked %(walked)s, %(left)s to go."),
            "next": _("Next stop: %(name)s in %(distance)s."),
            "end": _("No more stops: the finish is here."),
            "off": _("You are %(distance)s off the track."),
            "unavailable": _("Your position is unavailable: %(reason)s"),
            "m": _("m"),
            "km": _("km"),
        },
    }


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


def ordered_stops(catalog: Catalog, track: Track) -> list:
    """The track's stops in order along it: stop n on the map is item n of the list."""
    positions = catalog.measures[track.id].stop_positions_m
    return sorted(track.stops, key=lambda stop: positions[stop.id])
