"""Routes and step-goal loops on the walking network: the API, their GPX files and the phone-first page."""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from flask_babel import gettext as _

from routes import loops as loop_search
from routes.audiences import Audience
from routes.errors import RoutingError
from routes.network import AudienceRules, WalkingNetwork, build_network, rules_for
from webmap.http import units
from webmap.http.errors import ApiError, add_domain_error
from webmap.http.i18n import select_language
from webmap.http.params import LAT_RANGE, LON_RANGE, decimal, is_whole_number
from webmap.loops import messages as loop_messages
from webmap.loops import places
from webmap.loops.map import loops_map
from webmap.loops.walks import gpx_response, repeated_note, walk_summary, walk_track
from webmap.maps.parts import map_parts
from webmap.pack_access import get_catalog, get_pack

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
        add_domain_error(app, RoutingError, loop_messages.routing_words, loop_messages.routing_status)


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


def _loops() -> tuple[list[loop_search.Walk], Audience, dict[str, Any], dict[str, Any]]:
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
    return gpx_response(track, audience, lang, f"loop-{query['steps']}-{index_text}.gpx")


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
        return gpx_response(walk_track(walk, audience, _("Route")), audience, lang, "route.gpx")
    query: dict[str, Any] = {key: request.args[key] for key in ("from", "to")}
    gpx = url_for("loops.api_route", **query, audience=audience.id, format="gpx", lang=lang)
    return {"route": {**walk_summary(walk, audience, lang), "gpx": gpx}}


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
