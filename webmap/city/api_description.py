"""The city's share of the OpenAPI description: the layers API and the health check."""

from __future__ import annotations

from typing import Any

from webmap.http.openapi import BAD_QUERY, GEOJSON, NOT_MODIFIED, ApiPart, choice, error, ok, path, query, ref
from webmap.pack_access import get_pack


def describe(live: bool) -> ApiPart:
    """/api/layers, /api/layers/{layer_id} and /healthz; with ``live``, the served pack's layer ids."""
    path_ids = {"layer_id": choice(tuple(get_pack().layers), False)} if live else {}
    return ApiPart(
        paths=_paths(),
        schemas=_schemas(),
        queries={"date": {"type": "string", "anyOf": [{"format": "date"}, {"maxLength": 0}]}},
        path_ids=path_ids,
    )


def _schemas() -> dict[str, Any]:
    return {
        "Layer": {
            "type": "object",
            "required": ["id", "title", "group", "group_title", "kind", "features", "bounds"],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "object", "additionalProperties": {"type": "string"}},
                "group": {"type": "string"},
                "group_title": {"type": "object", "additionalProperties": {"type": "string"}},
                "kind": {"enum": ["point", "line", "polygon"]},
                "features": {"type": "integer", "minimum": 0},
                "bounds": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
            },
        },
        "Health": {
            "type": "object",
            "required": ["status", "pack", "database"],
            "properties": {
                "status": {"enum": ["ok", "degraded"]},
                "pack": {"type": "string"},
                "layers": {"type": "integer", "minimum": 0},
                "database": {"enum": ["ok", "down"]},
                "time": {"type": "string"},
            },
        },
    }


def _paths() -> dict[str, Any]:
    return {
        "/api/layers": {
            "get": {
                "summary": "Every layer: id, titles, group, kind, feature count and bounds",
                "operationId": "listLayers",
                "responses": {
                    "200": ok(
                        {
                            "type": "object",
                            "required": ["layers"],
                            "properties": {"layers": {"type": "array", "items": ref("Layer")}},
                        }
                    ),
                    "304": NOT_MODIFIED,
                },
            }
        },
        "/api/layers/{layer_id}": {
            "get": {
                "summary": "One layer as GeoJSON, with seasonal uses as in force on ?date=",
                "operationId": "getLayer",
                "parameters": [
                    path("layer_id", "A layer id from GET /api/layers"),
                    query("date", "YYYY-MM-DD (default today)"),
                ],
                "responses": {
                    "200": ok(ref("FeatureCollection"), GEOJSON),
                    "304": NOT_MODIFIED,
                    "400": BAD_QUERY,
                    "404": error("No such layer"),
                },
            }
        },
        "/healthz": {
            "get": {
                "summary": "Whether the service can answer: the pack loaded, the database writable",
                "description": "The database check writes a row and rolls it back, so a database that is "
                "unreachable, missing or read-only is reported as down.",
                "operationId": "health",
                "responses": {
                    "200": ok(ref("Health")),
                    "503": ok(
                        ref("Health"),
                        text="Degraded: the database cannot be written (down, missing or read-only)",
                    ),
                },
            }
        },
    }
