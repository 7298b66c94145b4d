"""A found walk as people see it: its figures in words, its elevation profile and its GPX file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from routes import loops as loop_search
from routes.audiences import Audience
from routes.figures import audience_figures, measure_track
from routes.gpx import GpxText, build_gpx
from routes.profile import profile
from routes.tracks import Stop, Track
from webmap.http import units
from webmap.http.links import public_url
from webmap.pack_access import get_pack


def walk_track(walk: loop_search.Walk, audience: Audience, name: str) -> Track:
    """A found walk as a Track, so that it gets the tracks' metrics and GPX."""
    lons, lats, heights = zip(*walk.coords, strict=True) if len(walk.coords) > 1 else ((), (), ())
    start = Stop("start", "start", {"ru": "Старт", "en": "Start"}, {"ru": "", "en": ""}, lons[0], lats[0])
    return Track(
        id="walk",
        file="",
        name={"ru": name, "en": name},
        description={"ru": "", "en": ""},
        mode="walk",
        months=tuple(range(1, 13)),
        audiences=(audience.id,),
        surface="",
        source={"ru": "пешеходная сеть ecomap", "en": "ecomap walking network"},
        accuracy={
            "ru": "approximate: по пешеходной сети пакета",
            "en": "approximate: on the pack's walking network",
        },
        elevation_note={"ru": "", "en": ""},
        updated=dt.datetime.now(dt.UTC).date(),
        lons=tuple(lons),
        lats=tuple(lats),
        elevations_m=tuple(heights),
        stops=(start,),
    )


def repeated_note() -> str:
    """What ``repeated_share`` means, in the reader's language (routes.loops.REPEATED_DEFINITION)."""
    return _(
        "Repeated: the share of the loop's length walked on a stretch of way (between two junctions) "
        "that the loop has already walked before, in either direction."
    )


def walk_summary(walk: loop_search.Walk, audience: Audience, lang: str) -> dict[str, Any]:
    """A walk's line and figures as JSON-ready data (the same metrics as a track's)."""
    track = walk_track(walk, audience, "")
    measure = measure_track(track, get_pack().crs_metric)
    figures = audience_figures(track, measure, audience)
    assert figures.steps is not None, "walk_track makes a walk, which has steps"
    return {
        "text": {
            "length": units.length(measure.length_m, lang),
            "steps": units.steps(figures.steps),
            "duration": units.duration(figures.duration_s, lang),
            "energy": units.energy(figures.energy_kcal, lang),
            "green": units.percent(walk.green_share, lang),
            "repeated": units.percent(walk.repeated_share, lang),
            "untagged": units.percent(walk.untagged_surface_share, lang),
        },
        "profile": walk_profile(track, measure, lang),
        "audience": audience.id,
        "length_m": measure.length_m,
        "steps": figures.steps,
        "duration_s": figures.duration_s,
        "energy_kcal": figures.energy_kcal,
        "duration_complete": measure.duration_complete,
        "ascent_m": measure.climb.ascent_m,
        "max_gradient_pct": measure.max_gradient_pct,
        "terrenkur_class": measure.terrenkur_class,
        "green_share": walk.green_share,
        "repeated_share": walk.repeated_share,
        "repeated_note": repeated_note(),
        "untagged_surface_share": walk.untagged_surface_share,
        "geometry": {"type": "LineString", "coordinates": [[lon, lat] for lon, lat, _h in walk.coords]},
    }


def walk_profile(track: Track, measure, lang: str) -> dict[str, Any] | None:
    """The elevation profile as SVG polylines in a width x height box, with its words (None: no heights)."""
    drawn = profile(track, measure, lang)
    if drawn is None:
        return None
    low, high = units.metres(drawn.low_m, lang), units.metres(drawn.high_m, lang)
    return {
        "width": drawn.width,
        "height": drawn.height,
        "lines": drawn.lines,
        "low": low,
        "high": high,
        "length": units.length(drawn.length_m, lang),
        "label": _(
            "Elevation from %(low)s to %(high)s over %(length)s",
            low=low,
            high=high,
            length=units.length(drawn.length_m, lang),
        ),
    }


def gpx_response(track: Track, audience: Audience, lang: str, filename: str):
    """The walk as a GPX 1.1 attachment named ``filename``, its description in the reader's words."""
    measure = measure_track(track, get_pack().crs_metric)
    figures = audience_figures(track, measure, audience)
    assert figures.steps is not None, "walk_track makes a walk, which has steps"
    text = GpxText(
        description=f"{units.length(measure.length_m, lang)}, {units.steps(figures.steps)}",
        author="ecomap",
        link_text=_("Step-goal loops"),
        keywords="ecomap, walk",
    )
    made = dt.datetime.now(dt.UTC).replace(microsecond=0)  # the walk was found just now
    document = build_gpx(track, lang, text, public_url("loops.loops_page"), made)
    response = current_app.response_class(document, mimetype="application/gpx+xml")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
