"""The loops' share of the OpenAPI description: loops, routes, their GPX files and the place search."""

from __future__ import annotations

from typing import Any

from routes.tracks import Track
from webmap.http.openapi import FREE_TEXT, ApiPart, choice, error, ok, pattern, point, query, whole_number
from webmap.http.params import WHOLE_NUMBER
from webmap.loops.views import PREFERENCES, STEPS_RANGE
from webmap.pack_access import get_catalog

POINTS = ("start", "from", "to")


def describe(live: bool) -> ApiPart:
    """/api/loops, /api/loops.gpx, /api/route and /api/places; with ``live``, the served catalogue's
    audiences, and a start, from and to on the walking network (where the first track starts, its middle)."""
    audiences, examples = None, {}
    if live:
        catalog = get_catalog()
        audiences = tuple(sorted(catalog.audiences))
        examples = next((_examples(track) for track in catalog.tracks.values()), {})
    queries = {
        "q": FREE_TEXT,
        "format": FREE_TEXT,
        "audience": choice(audiences),
        **dict.fromkeys(POINTS, point()),
        "steps": pattern(whole_number(*STEPS_RANGE), empty=False),
        "prefer": choice(PREFERENCES, empty=False),
        "index": pattern(WHOLE_NUMBER.pattern, empty=False),
    }
    return ApiPart(paths=_paths(), queries=queries, examples=examples)


def _examples(track: Track) -> dict[str, str]:
    start = f"{track.lats[0]},{track.lons[0]}"
    middle = len(track.lats) // 2
    return {"start": start, "from": start, "to": f"{track.lats[middle]},{track.lons[middle]}"}


def _paths() -> dict[str, Any]:
    number = {"type": ["number", "null"]}
    walk = {
        "type": "object",
        "required": [
            "audience",
            "length_m",
            "steps",
            "duration_s",
            "energy_kcal",
            "green_share",
            "geometry",
            "gpx",
        ],
        "properties": {
            "audience": {"type": "string"},
            "length_m": {"type": "number", "minimum": 0},
            "steps": {"type": "integer", "minimum": 0},
            "duration_s": {"type": "number", "minimum": 0},
            "energy_kcal": {"type": "number", "minimum": 0},
            "duration_complete": {"type": "boolean"},
            "ascent_m": number,
            "max_gradient_pct": number,
            "terrenkur_class": {"type": ["integer", "null"]},
            "green_share": {"type": "number", "minimum": 0, "maximum": 1},
            "repeated_share": {"type": "number", "minimum": 0, "maximum": 1},
            "repeated_note": {"type": "string"},
            "untagged_surface_share": {"type": "number", "minimum": 0, "maximum": 1},
            "text": {
                "type": "object",
                "description": "The figures written for people in the request's language (Babel units)",
                "additionalProperties": {"type": "string"},
            },
            "profile": {
                "type": ["object", "null"],
                "description": "Elevation profile: SVG polylines in a width x height box; null: no heights",
                "required": ["width", "height", "lines", "low", "high", "length", "label"],
                "properties": {
                    "width": {"type": "number"},
                    "height": {"type": "number"},
                    "lines": {"type": "array", "items": {"type": "string"}},
                    "low": {"type": "string"},
                    "high": {"type": "string"},
                    "length": {"type": "string"},
                    "label": {"type": "string"},
                },
            },
            "geometry": {"type": "object", "required": ["type", "coordinates"]},
            "gpx": {"type": "string"},
        },
    }
    start = {
        "type": "object",
        "description": "Where the loops start: the node nearest to `start`, and a sentence saying so",
        "required": ["lat", "lon", "distance_m", "moved", "message"],
        "properties": {
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
            "distance_m": {"type": "number", "minimum": 0},
            "moved": {"type": "boolean"},
            "message": {"type": "string"},
        },
    }
    place = {
        "type": "object",
        "required": ["name", "kind", "layer", "lat", "lon"],
        "properties": {
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": ["place", "street"]},
            "layer": {"type": "string"},
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
        },
    }
    gpx = {
        "description": "The GPX document",
        "content": {"application/gpx+xml": {"schema": {"type": "string"}}},
    }
    lang = query("lang", "Interface language (ru or en)")
    audience = query("audience", "An audience id from the pack's audiences.toml (default adults)")
    loop_parameters = [
        query("start", "LAT,LON in degrees, within 500 m of the walking network", required=True),
        query("steps", f"The goal, {STEPS_RANGE[0]}-{STEPS_RANGE[1]} steps", required=True),
        audience,
        query("prefer", "green (default) or short"),
        lang,
    ]
    loop_errors = {
        "400": error("A malformed start, steps or prefer, or an unknown audience; `field` names it"),
        "422": error(
            "The start is over 500 m from the network, or no loop within ±5 % fits; `field` says which"
        ),
    }
    return {
        "/api/loops": {
            "get": {
                "summary": "Up to three loops from a start within ±5 % of a step goal, green first",
                "operationId": "findLoops",
                "parameters": loop_parameters,
                "responses": {
                    "200": ok(
                        {
                            "type": "object",
                            "required": ["start", "loops"],
                            "properties": {
                                "start": start,
                                "loops": {"type": "array", "items": walk, "maxItems": 3},
                            },
                        }
                    ),
                    **loop_errors,
                },
            }
        },
        "/api/places": {
            "get": {
                "summary": "Up to ten of the pack's named places and streets whose name holds `q`",
                "description": "Case, accents and diacritics are ignored (ё matches е); a street's "
                "pieces are one entry. `lat`, `lon` is where a walk from the place starts.",
                "operationId": "findPlaces",
                "parameters": [query("q", "Part of a name, in any of the pack's languages"), lang],
                "responses": {
                    "200": ok(
                        {
                            "type": "object",
                            "required": ["places"],
                            "properties": {"places": {"type": "array", "items": place, "maxItems": 10}},
                        }
                    )
                },
            }
        },
        "/api/loops.gpx": {
            "get": {
                "summary": "Loop number `index` of the same question as a GPX 1.1 attachment",
                "operationId": "getLoopGpx",
                "parameters": [*loop_parameters, query("index", "0, 1 or 2 (default 0)")],
                "responses": {"200": gpx, **loop_errors, "404": error("Fewer loops were found")},
            }
        },
        "/api/route": {
            "get": {
                "summary": "The shortest path between two places that suits the audience",
                "operationId": "getRoute",
                "parameters": [
                    query("from", "LAT,LON in degrees", required=True),
                    query("to", "LAT,LON in degrees", required=True),
                    audience,
                    query("format", "gpx for a GPX 1.1 attachment instead of JSON"),
                    lang,
                ],
                "responses": {
                    "200": {
                        "description": "The route as JSON, or GPX with format=gpx",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["route"],
                                    "properties": {"route": walk},
                                }
                            },
                            "application/gpx+xml": {"schema": {"type": "string"}},
                        },
                    },
                    "400": error("A malformed from or to, or an unknown audience; `field` names it"),
                    "422": error(
                        "A place over 500 m from the network, both at one place, or no suitable way"
                    ),
                },
            }
        },
    }
