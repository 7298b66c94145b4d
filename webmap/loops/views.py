"""Routes and step-goal loops on the walking network: the API, their GPX files and the phone-first page."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import folium
from flask import Blueprint, Flask, current_app, render_template, request, url_for
from flask_babel import gettext as _
from folium.plugins import LocateControl

from geo.coords import latlon
from geo.layers import layer_features
from geo.osm import load_mapping
from geo.pack import CityPack
from routes import loops as loop_search
from routes.audiences import Audience
from routes.errors import RoutingError
from routes.figures import audience_figures, measure_track
from routes.gpx import GpxText, build_gpx
from routes.network import AudienceRules, WalkingNetwork, build_network, rules_for
from routes.profile import profile
from routes.tracks import Stop, Track
from webmap.http import units
from webmap.http.errors import ApiError, add_error_words
from webmap.http.i18n import select_language
from webmap.http.params import LAT_RANGE, LON_RANGE, decimal, is_whole_number
from webmap.loops import messages as loop_messages
from webmap.loops import places
from webmap.maps.base import base_map
from webmap.maps.parts import map_parts
from webmap.pack_access import get_catalog, get_pack, get_tiles

EXTENSION = "ecomap.network"
PLACES = "ecomap.places"
STEPS_RANGE = (500, 40_000)
DEFAULT_AUDIENCE = "adults"
PREFERENCES = ("green", "short")  # the first is the default

bp = Blueprint("loops", __name__)


def init_app(app: Flask) -> None:
    """Serve the routes, loops and the loops page; the network is built on first use."""
    if "loops" not in app.blueprints:
        app.register_blueprint(bp)
        add_error_words(app, RoutingError, loop_messages.routing_words)


def get_network() -> WalkingNetwork:
    """The pack's walking network, built once per app."""
    if EXTENSION not in current_app.extensions:
        current_app.extensions[EXTENSION] = build_network(get_pack())
    return current_app.extensions[EXTENSION]


def _audience() -> Audience:
    audiences = get_catalog().audiences
    audience_id = request.args.get("audience") or DEFAULT_AUDIENCE
    if audience_id not in audiences:
        known = ", ".join(sorted(audiences))
        message = _(
            "Unknown audience %(value)s; one of: %(known)s", value=repr(audience_id[:40]), known=known
        )
        raise ApiError(400, message, field="audience")
    return audiences[audience_id]


def _point(name: str) -> tuple[float, float]:
    """``?name=LAT,LON`` as (lon, lat); a 400 naming the argument otherwise."""
    text = request.args.get(name, "")
    try:
        lat, lon = (decimal(part) for part in text.split(","))
    except ValueError:
        message = _("Give %(name)s as LAT,LON in degrees; got %(value)s", name=name, value=repr(text[:40]))
        raise ApiError(400, message, field=name) from None
    in_range = LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]
    if not (math.isfinite(lat) and math.isfinite(lon) and in_range):
        message = _("%(value)s is not a place on Earth (LAT,LON)", value=repr(text[:40]))
        raise ApiError(400, message, field=name)
    return lon, lat


def _steps() -> int:
    text = request.args.get("steps", "")
    low, high = STEPS_RANGE
    if not is_whole_number(text) or not low <= int(text) <= high:
        message = _(
            "Steps must be a whole number from %(low)s to %(high)s; got %(value)s",
            low=units.number(low),
            high=units.number(high),
            value=repr(text[:20]),
        )
        raise ApiError(400, message, "steps")
    return int(text)


def _prefer_green() -> bool:
    prefer = request.args.get("prefer", PREFERENCES[0])
    if prefer not in PREFERENCES:
        message = _("The preference must be green or short; got %(value)s", value=repr(prefer[:20]))
        raise ApiError(400, message, field="prefer")
    return prefer == "green"


def _loops() -> tuple[list[loop_search.Walk], Audience, dict[str, str], dict[str, Any]]:
    network = get_network()
    audience = _audience()
    lon, lat = _point("start")
    steps = _steps()
    prefer_green = _prefer_green()
    rules: AudienceRules = rules_for(audience)
    start, distance_m = loop_search.snap(network, lon, lat, "start", rules)
    walks = loop_search.find_loops(network, start, steps, rules, audience.step_length_m, prefer_green)
    query = {
        "start": request.args["start"],
        "steps": str(steps),
        "audience": audience.id,
        "prefer": "green" if prefer_green else "short",
    }
    return walks, audience, query, loop_messages.start_summary(network, start, distance_m)


def get_places() -> list[places.Place]:
    """The pack's named places and streets with their starts, found once per app."""
    if PLACES not in current_app.extensions:
        current_app.extensions[PLACES] = places.named_places(get_pack(), get_network())
    return current_app.extensions[PLACES]


@bp.get("/api/places")
def api_places():
    """Up to ten of the pack's named places and streets whose name holds ``q`` (case and accents ignored)."""
    lang = select_language()
    found = places.search(get_places(), request.args.get("q", ""), lang)
    return {
        "places": [
            {
                "name": place.name[lang],
                "kind": place.kind,
                "layer": place.layer[lang],
                "lat": place.lat,
                "lon": place.lon,
            }
            for place in found
        ]
    }


@bp.get("/api/loops")
def api_loops():
    """Up to three loops from ``start`` for ``steps`` and ``audience``, with metrics and GPX links."""
    walks, audience, query, start = _loops()
    lang = select_language()
    return {
        "start": start,
        "loops": [
            {
                **walk_summary(walk, audience, lang),
                "gpx": url_for("loops.loops_gpx", **query, index=index, lang=lang),
            }
            for index, walk in enumerate(walks)
        ],
    }


@bp.get("/api/loops.gpx")
def loops_gpx():
    """Loop ``index`` of the same question as GPX (the search is deterministic)."""
    walks, audience, query, _start = _loops()
    index_text = request.args.get("index", "0")
    if not is_whole_number(index_text) or int(index_text) >= len(walks):
        message = _(
            "There is no loop %(index)s; %(count)s found", index=repr(index_text[:10]), count=len(walks)
        )
        raise ApiError(404, message, field="index")
    lang = select_language()
    track = walk_track(
        walks[int(index_text)],
        audience,
        _("Loop of %(steps)s steps", steps=units.number(int(query["steps"]), lang)),
    )
    return _gpx_response(track, audience, lang, f"loop-{query['steps']}-{index_text}.gpx")


@bp.get("/api/route")
def api_route():
    """The shortest suitable path between ``from`` and ``to`` for ``audience``, with metrics and GPX."""
    network = get_network()
    audience = _audience()
    rules = rules_for(audience)
    (from_lon, from_lat), (to_lon, to_lat) = _point("from"), _point("to")
    start, _from_m = loop_search.snap(network, from_lon, from_lat, "from", rules)
    end, _to_m = loop_search.snap(network, to_lon, to_lat, "to", rules)
    if start == end:
        message = _("From and to are the same place on the walking network; choose two different places.")
        raise ApiError(422, message, field="to")
    walk = loop_search.route(network, start, end, rules, audience.step_length_m)
    lang = select_language()
    if request.args.get("format") == "gpx":
        return _gpx_response(walk_track(walk, audience, _("Route")), audience, lang, "route.gpx")
    query = {key: request.args[key] for key in ("from", "to")}
    gpx = url_for("loops.api_route", **query, audience=audience.id, format="gpx", lang=lang)
    return {"route": {**walk_summary(walk, audience, lang), "gpx": gpx}}


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
        source="ecomap walking network",
        accuracy="approximate: on the pack's walking network",
        elevation_note="",
        updated=dt.date(2000, 1, 1),
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


def _gpx_response(track: Track, audience: Audience, lang: str, filename: str):
    measure = measure_track(track, get_pack().crs_metric)
    figures = audience_figures(track, measure, audience)
    text = GpxText(
        description=f"{units.length(measure.length_m, lang)}, {units.steps(figures.steps)}",
        author="ecomap",
        link_text=_("Step-goal loops"),
        keywords="ecomap, walk",
    )
    document = build_gpx(track, lang, text, url_for("loops.loops_page", _external=True))
    response = current_app.response_class(document, mimetype="application/gpx+xml")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def loops_map(pack: CityPack) -> folium.Map:
    """The page's map: base tiles (or none), the walkable network drawn faintly, and "my location"."""
    loop_map = base_map(
        get_tiles(),
        control_scale=True,
        location=latlon(pack.center_lon, pack.center_lat),
        zoom_start=pack.zoom,
    )
    for layer_id in load_mapping(pack.path).layers_with_role("network"):
        if layer_id in pack.layers:
            network = layer_features(pack.layers[layer_id], dt.date.today())
            style = {"color": "#6b7d6b", "weight": 2, "opacity": 0.5, "interactive": False}
            folium.GeoJson(network, style_function=lambda _f, style=style: style, control=False).add_to(
                loop_map
            )
    LocateControl(
        strings={"title": _("Use my location")},
        metric=True,
        showPopup=False,
        locateOptions={"watch": False, "enableHighAccuracy": True},
    ).add_to(loop_map)
    return loop_map


@bp.get("/loops")
def loops_page():
    """Phone-first: tap a start or use the device's place, choose steps and audience, see the loops."""
    pack = get_pack()
    audiences = get_catalog().audiences
    loop_map = loops_map(pack)
    parts = map_parts(loop_map)
    texts = {
        "searching": _("Searching for loops…"),
        "pick": _("Choose a start first: search a place, tap the map or use your location."),
        "found": _("Loops found: %(count)s. The first is selected; choose another in the list."),
        "none": _("Nothing found for this name."),
        "loop": _("Loop %(number)s"),
        "length": _("Length"),
        "steps": _("Steps"),
        "time": _("Time"),
        "energy": _("Energy"),
        "green": _("Green"),
        "repeated": _("Repeated"),
        "untagged": _("Surface not mapped"),
        "download": _("Download GPX"),
        "street": _("street or path"),
        "profile": _("Elevation profile of loop %(number)s"),
        "noHeights": _("Heights are unknown on this loop: its length is %(length)s."),
        "locate": _("Use my location"),
        "locating": _("Looking for your location…"),
        "locateFailed": _(
            "Your location is not available: %(reason)s. Search a place or tap the map instead."
        ),
        "locateDenied": _("the browser was not allowed to tell it"),
        "locateUnknown": _("the device cannot find it now"),
        "locateTimeout": _("it took too long to find"),
        "failed": _("The loops could not be loaded; check the connection and try again."),
        "startPicked": _("Start: %(name)s."),
        "startTapped": _("Start: the place you chose on the map."),
    }
    return render_template(
        "loops.html",
        audiences=list(audiences.values()),
        map_name=loop_map.get_name(),
        **parts,
        texts_json=json.dumps(texts, ensure_ascii=False),
        repeated_note=repeated_note(),
        repeated_plain=_(
            'What "repeated" means: how much of the loop goes along a stretch you have already '
            "walked on this loop, there or back. %(none)s means you never walk a stretch twice; going "
            "there and back the same way is %(half)s.",
            none=units.percent(0),
            half=units.percent(0.5),
        ),
        places_url=url_for("loops.api_places"),
        api_url=url_for("loops.api_loops"),
    )
