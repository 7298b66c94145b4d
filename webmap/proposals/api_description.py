"""The proposals' share of the OpenAPI description: the sites, the proposals API and its CSV."""

from __future__ import annotations

from typing import Any

from webmap.http.openapi import (
    BAD_QUERY,
    GEOJSON,
    LANG,
    UNAVAILABLE,
    ApiPart,
    char_ranges,
    characters,
    choice,
    decimal_number,
    error,
    ok,
    pattern,
    query,
    ref,
)
from webmap.http.params import CONTROL_CHARACTERS, LAT_RANGE, LON_RANGE
from webmap.proposals.models import STATUSES
from webmap.proposals.service import get_sites
from webmap.proposals.validation import (
    CATEGORIES,
    JOINERS,
    MAX_BODY_BYTES,
    MAX_VERTICES,
    MULTILINE,
    TEXT_LIMITS,
)

TOO_BIG = error(f"The body is over the limit ({MAX_BODY_BYTES} bytes for a proposal)")
PROPOSAL_FILTERS = [
    query("site", "A site id from GET /api/sites"),
    query("category", f"One of {', '.join(CATEGORIES)}"),
    query("bbox", "west,south,east,north in degrees"),
    query(
        "status",
        f"Comma-separated {', '.join(STATUSES)} or all (default approved); others need a moderator",
    ),
]
MODERATOR_ONLY = {
    "401": error("Statuses other than approved need a signed-in moderator"),
    "403": error("The moderator does not moderate the site asked for"),
}


def describe(live: bool) -> ApiPart:
    """/api/sites, /api/proposals and /api/proposals.csv; with ``live``, the served sites' ids."""
    sites = tuple(get_sites()) if live else None
    queries = {
        "site": choice(sites),
        "category": choice(CATEGORIES),
        "status": _statuses(),
        "bbox": _bbox(),
    }
    return ApiPart(paths=_paths(), schemas=_schemas(sites), queries=queries)


def _bbox() -> dict[str, Any]:
    """west,south,east,north as webmap/proposals/api.py reads it (west <= east, south <= north besides)."""
    lon, lat = decimal_number(*LON_RANGE), decimal_number(*LAT_RANGE)
    return pattern(f"{lon},{lat},{lon},{lat}")


def _statuses() -> dict[str, Any]:
    """Comma-separated statuses, or any list that holds ``all`` (webmap/proposals/api.py)."""
    status = f"(?:{'|'.join(STATUSES)})"
    anything = f"[^,{CONTROL_CHARACTERS}]*"
    return pattern(f"{status}(?:,{status})*|(?:{anything},)*all(?:,{anything})*")


def _text_schema(name: str) -> dict[str, Any]:
    """A proposal text as check_text accepts it once trimmed: no control characters (but newline and tab
    in the multiline ones), no format characters but the joiners, something besides spaces and joiners."""
    allowed = "\n\t" if name in MULTILINE else ""
    refused = char_ranges(
        [char for char in characters("Cc") if char not in allowed]
        + [char for char in characters("Cf") if char not in JOINERS]
    )
    solid = f"[^{refused}{char_ranges([*characters('space'), *JOINERS])}]"
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": TEXT_LIMITS[name],
        "pattern": f"^[^{refused}]*{solid}[^{refused}]*$",
    }


def _schemas(sites: tuple[str, ...] | None) -> dict[str, Any]:
    lon, lat = ({"type": "number", "minimum": low, "maximum": high} for low, high in (LON_RANGE, LAT_RANGE))
    position = {"type": "array", "prefixItems": [lon, lat], "minItems": 2, "maxItems": 2}
    ring = {"type": "array", "items": position, "minItems": 4, "maxItems": MAX_VERTICES}
    text = {name: _text_schema(name) for name in TEXT_LIMITS}
    site = {"type": "string", "minLength": 1} if sites is None else {"enum": list(sites)}
    return {
        "ProposalDraft": {
            "type": "object",
            "description": "A GeoJSON Feature: a Point, LineString or Polygon wholly inside its site. "
            "Texts are NFC-normalised and trimmed before their rules apply.",
            "required": ["type", "properties", "geometry"],
            "properties": {
                "type": {"const": "Feature"},
                "properties": {
                    "type": "object",
                    "required": ["site", "category", *TEXT_LIMITS],
                    "additionalProperties": False,
                    "properties": {
                        "site": site,
                        "category": {"enum": list(CATEGORIES)},
                        **text,
                    },
                },
                "geometry": {
                    "oneOf": [
                        {
                            "type": "object",
                            "required": ["type", "coordinates"],
                            "properties": {"type": {"const": "Point"}, "coordinates": position},
                        },
                        {
                            "type": "object",
                            "required": ["type", "coordinates"],
                            "properties": {
                                "type": {"const": "LineString"},
                                "coordinates": {
                                    "type": "array",
                                    "items": position,
                                    "minItems": 2,
                                    "maxItems": MAX_VERTICES,
                                },
                            },
                        },
                        {
                            "type": "object",
                            "required": ["type", "coordinates"],
                            "properties": {
                                "type": {"const": "Polygon"},
                                "coordinates": {"type": "array", "items": ring, "minItems": 1},
                            },
                        },
                    ]
                },
            },
        },
        "ProposalCreated": {
            "type": "object",
            "required": ["id", "status", "url"],
            "properties": {
                "id": {"type": "integer"},
                "status": {"const": "pending"},
                "url": {"type": "string"},
            },
        },
    }


def _paths() -> dict[str, Any]:
    return {
        "/api/sites": {
            "get": {
                "summary": "The sites that take proposals, as GeoJSON (feature id = site id)",
                "operationId": "listSites",
                "parameters": [LANG],
                "responses": {"200": ok(ref("FeatureCollection"), GEOJSON)},
            }
        },
        "/api/proposals": {
            "get": {
                "summary": "Approved proposals as GeoJSON; other statuses for a site's moderator",
                "operationId": "listProposals",
                "parameters": PROPOSAL_FILTERS,
                "responses": {
                    "200": ok(ref("FeatureCollection"), GEOJSON),
                    "400": BAD_QUERY,
                    **MODERATOR_ONLY,
                    "503": UNAVAILABLE,
                },
            },
            "post": {
                "summary": "Submit a proposal; it waits for a moderator",
                "operationId": "createProposal",
                "parameters": [LANG],
                "requestBody": {
                    "required": True,
                    "description": f"At most {MAX_BODY_BYTES} bytes, nested at most 20 deep",
                    "content": {"application/json": {"schema": ref("ProposalDraft")}},
                },
                "responses": {
                    "201": {
                        "description": "Stored; `url` is the private link to the proposal's page",
                        "headers": {"Location": {"schema": {"type": "string"}}},
                        "content": {"application/json": {"schema": ref("ProposalCreated")}},
                    },
                    "400": error("The body is not JSON, not an object, or nests too deeply"),
                    "413": TOO_BIG,
                    "415": error("The body is not sent as application/json"),
                    "422": error(
                        "The proposal breaks rules: `field` and `message` name the first culprit, and "
                        "`problems` lists every one with a plain message in the request's language"
                    ),
                    "429": {
                        **error(
                            "Too many accepted submissions from this client (refused ones do not count); "
                            "Retry-After says when to try again"
                        ),
                        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                    },
                    "503": UNAVAILABLE,
                },
            },
        },
        "/api/proposals.csv": {
            "get": {
                "summary": "The same proposals as GET /api/proposals, as CSV (UTF-8 with BOM)",
                "operationId": "listProposalsCsv",
                "parameters": PROPOSAL_FILTERS,
                "responses": {
                    "200": ok({"type": "string"}, "text/csv"),
                    "400": BAD_QUERY,
                    **MODERATOR_ONLY,
                    "503": UNAVAILABLE,
                },
            }
        },
    }
