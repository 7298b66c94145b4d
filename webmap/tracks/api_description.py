"""The tracks' share of the OpenAPI description: the tracks API and the tracks' GPX files."""

from __future__ import annotations

from typing import Any

from routes.catalog import MODES, SEASONS
from webmap.http.openapi import (
    BAD_QUERY,
    GEOJSON,
    LANG,
    NOT_MODIFIED,
    ApiPart,
    choice,
    decimal_number,
    error,
    ok,
    page_or_json_error,
    path,
    pattern,
    query,
    ref,
)
from webmap.pack_access import get_catalog
from webmap.tracks.views import MASS_RANGE_KG

MASS = query(
    "mass_kg", f"Body mass for energy figures, {MASS_RANGE_KG[0]:g}-{MASS_RANGE_KG[1]:g} kg (default 70)"
)
TRACK_FILTERS = [
    query("audience", "Only tracks meant for this audience id"),
    query("mode", "walk or ski"),
    query("season", "winter, spring, summer or autumn"),
]


def describe(live: bool) -> ApiPart:
    """/api/tracks, /api/tracks/{track_id} and /tracks/{track_id}.gpx; with ``live``, the served
    catalogue's track and audience ids."""
    audiences, path_ids = None, {}
    if live:
        catalog = get_catalog()
        audiences = tuple(sorted(catalog.audiences))
        path_ids = {"track_id": choice(tuple(catalog.tracks), False)}
    queries = {
        "mass_kg": pattern(decimal_number(*MASS_RANGE_KG)),
        "audience": choice(audiences),
        "mode": choice(MODES),
        "season": choice(tuple(SEASONS)),
    }
    return ApiPart(paths=_paths(), schemas=_schemas(), queries=queries, path_ids=path_ids)


def _per_audience(kind: str) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": {"type": [kind, "null"], "minimum": 0}}


def _schemas() -> dict[str, Any]:
    return {
        "TrackSummary": {
            "type": "object",
            "required": ["id", "name", "mode", "length_m", "steps", "duration_s", "energy_kcal", "links"],
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "object", "additionalProperties": {"type": "string"}},
                "mode": {"enum": ["walk", "ski"]},
                "length_m": {"type": "number", "minimum": 0},
                # keyed by audience; null where a figure does not apply (no steps in a wheelchair)
                "steps": {
                    "type": "object",
                    "additionalProperties": {"type": ["integer", "null"], "minimum": 0},
                },
                "duration_s": {
                    "type": "object",
                    "additionalProperties": {"type": ["number", "null"], "minimum": 0},
                },
                "energy_kcal": _per_audience("number"),
                "ascent_m": {"type": ["number", "null"], "minimum": 0},
                "descent_m": {"type": ["number", "null"], "minimum": 0},
                "links": {
                    "type": "object",
                    "required": ["page", "gpx", "api"],
                    "properties": {name: {"type": "string"} for name in ("page", "gpx", "api")},
                },
            },
        },
        "TrackFeature": {
            "type": "object",
            "required": ["type", "id", "properties", "geometry"],
            "properties": {
                "type": {"const": "Feature"},
                "id": {"type": "string"},
                "properties": {"allOf": [ref("TrackSummary"), {"required": ["stops"]}]},
                "geometry": {
                    "type": "object",
                    "required": ["type", "coordinates"],
                    "properties": {"type": {"const": "LineString"}, "coordinates": {"type": "array"}},
                },
            },
        },
    }


def _paths() -> dict[str, Any]:
    return {
        "/api/tracks": {
            "get": {
                "summary": "Every track with its metrics, filtered by audience, mode and season",
                "operationId": "listTracks",
                "parameters": [*TRACK_FILTERS, MASS, LANG],
                "responses": {
                    "200": ok(
                        {
                            "type": "object",
                            "required": ["tracks"],
                            "properties": {"tracks": {"type": "array", "items": ref("TrackSummary")}},
                        }
                    ),
                    "304": NOT_MODIFIED,
                    "400": BAD_QUERY,
                },
            }
        },
        "/api/tracks/{track_id}": {
            "get": {
                "summary": "One track as a GeoJSON Feature with its metrics and stops",
                "operationId": "getTrack",
                "parameters": [path("track_id", "A track id from GET /api/tracks"), MASS, LANG],
                "responses": {
                    "200": ok(ref("TrackFeature"), GEOJSON),
                    "304": NOT_MODIFIED,
                    "400": BAD_QUERY,
                    "404": error("No such track"),
                },
            }
        },
        "/tracks/{track_id}.gpx": {
            "get": {
                "summary": "The track as a GPX 1.1 attachment in the request's language",
                "operationId": "getTrackGpx",
                "parameters": [
                    path("track_id", "A track id from GET /api/tracks"),
                    query("audience", "One of the track's audiences (default: its first)"),
                    LANG,
                ],
                "responses": {
                    "200": ok({"type": "string"}, "application/gpx+xml", "The GPX document"),
                    "304": NOT_MODIFIED,
                    "400": page_or_json_error("The track is not meant for that audience"),
                    "404": page_or_json_error("No such track"),
                },
            }
        },
    }
