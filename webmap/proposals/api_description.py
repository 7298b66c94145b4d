"""The proposals' share of the OpenAPI description: the sites, the proposals API and its CSV, the kit, the
revisions and comments, the budget ballots."""

from __future__ import annotations

from typing import Any

from geo.kit import SEASONS
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
    path,
    pattern,
    query,
    ref,
)
from webmap.http.params import CONTROL_CHARACTERS, LAT_RANGE, LON_RANGE
from webmap.proposals.ballots import MAX_CHOICES
from webmap.proposals.models import STATUSES
from webmap.proposals.parts import DEFAULT_SEASON, MAX_PARTS, ROTATION_RANGE
from webmap.proposals.revisions import COMMENT_MAX, MAX_ID, TOKEN_PATTERN
from webmap.proposals.service import get_kit, get_sites
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
# A draft with at least one part may leave out its freehand shape.
WITH_PARTS = {"properties": {"properties": {"required": ["parts"], "properties": {"parts": {"minItems": 1}}}}}
NUMBER, TEXT = {"type": "number"}, {"type": "string"}
MODERATOR_ONLY = {
    "401": error("Statuses other than approved need a signed-in moderator"),
    "403": error("The moderator does not moderate the site asked for"),
}


def describe(live: bool) -> ApiPart:
    """/api/sites, /api/proposals and its CSV, the kit and the check; with ``live``, the served ids."""
    sites = tuple(get_sites()) if live else None
    kit = get_kit() if live else None
    part_ids = tuple(kit.parts) if kit else None
    queries = {
        "site": choice(sites),
        "category": choice(CATEGORIES),
        "status": _statuses(),
        "bbox": _bbox(),
    }
    schemas = {**_schemas(sites, part_ids), **_kit_schemas(), **_revision_schemas(), **_ballot_schemas()}
    path_ids = {"part_id": choice(part_ids, False)} if part_ids else {}
    path_ids.update(
        token={"type": "string", "pattern": f"^{TOKEN_PATTERN}$"},
        proposal_id={"type": "string", "pattern": f"^[0-9]{{1,{len(str(MAX_ID)) - 1}}}$"},
        site_id=choice(sites, False),
    )
    paths = {**_paths(), **_kit_paths(), **_revision_paths(), **_ballot_paths()}
    return ApiPart(paths=paths, schemas=schemas, queries=queries, path_ids=path_ids)


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


def _placements(part_ids: tuple[str, ...] | None) -> dict[str, Any]:
    """``properties.parts`` as webmap/proposals/parts.py reads it."""
    lon, lat = ({"type": "number", "minimum": low, "maximum": high} for low, high in (LON_RANGE, LAT_RANGE))
    low, high = ROTATION_RANGE
    placement = {
        "type": "object",
        "required": ["part", "lon", "lat"],
        "additionalProperties": False,
        "properties": {
            "part": {"type": "string", "minLength": 1} if part_ids is None else {"enum": list(part_ids)},
            "lon": lon,
            "lat": lat,
            "rotation_deg": {
                "type": "number",
                "minimum": low,
                "exclusiveMaximum": high,
                "description": "Degrees clockwise from north (default 0)",
            },
        },
    }
    return {
        "type": "array",
        "maxItems": MAX_PARTS,
        "items": placement,
        "description": "Kit parts placed on the site (GET /api/kit); they must pass the site's layout rules",
    }


def _schemas(sites: tuple[str, ...] | None, part_ids: tuple[str, ...] | None) -> dict[str, Any]:
    lon, lat = ({"type": "number", "minimum": low, "maximum": high} for low, high in (LON_RANGE, LAT_RANGE))
    position = {"type": "array", "prefixItems": [lon, lat], "minItems": 2, "maxItems": 2}
    ring = {"type": "array", "items": position, "minItems": 4, "maxItems": MAX_VERTICES}
    text = {name: _text_schema(name) for name in TEXT_LIMITS}
    site = {"type": "string", "minLength": 1} if sites is None else {"enum": list(sites)}
    kit = {"parts": _placements(part_ids), "season": {"enum": list(SEASONS), "default": DEFAULT_SEASON}}
    anything: dict[str, Any] = {key: {} for key in ["category", *TEXT_LIMITS]}
    return {
        "ProposalDraft": {
            "type": "object",
            "description": "A GeoJSON Feature: a Point, LineString or Polygon wholly inside its site, kit "
            "parts, or both (`geometry` may be null when `properties.parts` has parts). "
            "Texts are NFC-normalised and trimmed before their rules apply.",
            "required": ["type", "properties", "geometry"],
            "anyOf": [{"properties": {"geometry": {"type": "object"}}}, WITH_PARTS],
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
                        **kit,
                    },
                },
                "geometry": {"$ref": "#/components/schemas/ProposalShape"},
            },
        },
        "ProposalDesign": {
            "type": "object",
            "description": "A draft being designed: as ProposalDraft, but its texts are not read yet",
            "required": ["type", "properties"],
            "anyOf": [{"required": ["geometry"], "properties": {"geometry": {"type": "object"}}}, WITH_PARTS],
            "properties": {
                "type": {"const": "Feature"},
                "properties": {
                    "type": "object",
                    "required": ["site"],
                    "additionalProperties": False,
                    "properties": {"site": site, **anything, **kit},
                },
                "geometry": {"$ref": "#/components/schemas/ProposalShape"},
            },
        },
        "ProposalShape": {
            "anyOf": [
                {"type": "null"},
                {
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
            ]
        },
        "ProposalCreated": {
            "type": "object",
            "required": ["id", "status", "url", "bill"],
            "properties": {
                "id": {"type": "integer"},
                "status": {"const": "pending"},
                "url": {"type": "string"},
                "bill": {"anyOf": [ref("Bill"), {"type": "null"}]},
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


def _kit_schemas() -> dict[str, Any]:
    """The kit's listing, the bill and the check's answer (numbers raw, texts in the request's language)."""
    line = {
        "type": "object",
        "required": ["material", "name", "quantity", "unit", "unit_price_rub", "cost_rub", "cost_text"],
        "properties": {"material": TEXT, "name": TEXT, "quantity": NUMBER, "unit": TEXT, "cost_rub": NUMBER},
    }
    counted = {"type": "object", "required": ["part", "name", "count"], "properties": {"count": NUMBER}}
    part = {
        "type": "object",
        "required": ["id", "name", "shape", "width_m", "depth_m", "clear_m", "cost_rub", "icon"],
        "properties": {"id": TEXT, "shape": {"enum": ["rect", "circle"]}, "cost_rub": NUMBER, "icon": TEXT},
    }
    problem = {
        "type": "object",
        "required": ["rule", "field", "parts", "message", "where"],
        "properties": {
            "rule": {"enum": ["outside", "overlap", "clear-zone", "keep-clear", "route", "budget", "season"]},
            "field": TEXT,
            "parts": {"type": "array", "items": {"type": "integer", "minimum": 0}},
            "message": TEXT,
            "where": {"anyOf": [ref("Geometry"), {"type": "null"}]},
        },
    }
    placed = {"type": "object", "required": ["index", "part", "footprint", "clear_zone"]}
    return {
        "Bill": {
            "type": "object",
            "required": ["lines", "parts", "labour_h", "total_rub", "total_text", "durability", "estimate"],
            "properties": {
                "lines": {"type": "array", "items": line},
                "parts": {"type": "array", "items": counted},
                "labour_h": NUMBER,
                "total_rub": NUMBER,
                "durability": {"enum": ["demo", "pilot", "interim"]},
                "estimate": {"type": "boolean"},
            },
        },
        "Kit": {
            "type": "object",
            "required": ["site", "budget_rub", "free_route_m", "seasons", "parts", "materials", "keep_clear"],
            "properties": {
                "parts": {"type": "array", "items": part},
                "budget_rub": {"type": ["number", "null"]},
                "keep_clear": ref("FeatureCollection"),
            },
        },
        "DesignCheck": {
            "type": "object",
            "required": ["ok", "problems", "bill", "placed"],
            "properties": {
                "ok": {"type": "boolean"},
                "problems": {"type": "array", "items": problem},
                "bill": {"anyOf": [ref("Bill"), {"type": "null"}]},
                "placed": {"type": "array", "items": placed},
            },
        },
    }


def _kit_paths() -> dict[str, Any]:
    body_errors = {
        "400": error("The body is not JSON, not an object, or nests too deeply"),
        "413": TOO_BIG,
        "415": error("The body is not sent as application/json"),
    }
    return {
        "/api/kit": {
            "get": {
                "summary": "A site's kit of parts, named in the request's language, with the site's rules",
                "operationId": "getKit",
                "parameters": [query("site", "A site id from GET /api/sites", required=True), LANG],
                "responses": {
                    "200": ok(ref("Kit")),
                    "400": BAD_QUERY,
                    "404": error("No such site, or the pack has no kit"),
                },
            }
        },
        "/api/kit/{part_id}.svg": {
            "get": {
                "summary": "A part's icon (SVG)",
                "operationId": "getKitIcon",
                "parameters": [path("part_id", "A part id from GET /api/kit")],
                "responses": {
                    "200": ok({"type": "string"}, "image/svg+xml"),
                    "404": error("No such part in the kit"),
                },
            }
        },
        "/api/proposals/check": {
            "post": {
                "summary": "Check a draft being designed: the layout rules' problems, its bill and parts "
                "placed; nothing is stored",
                "operationId": "checkProposal",
                "parameters": [LANG],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("ProposalDesign")}},
                },
                "responses": {
                    "200": ok(ref("DesignCheck")),
                    **body_errors,
                    "422": error(
                        "The draft is malformed (an unknown part, a rotation out of range, too many "
                        "parts, a broken shape): `problems` lists every one in the request's language"
                    ),
                },
            }
        },
    }


def _revision_schemas() -> dict[str, Any]:
    """Comments, versions and what changed between two (webmap/proposals/revisions_api.py)."""
    lon, lat = ({"type": "number", "minimum": low, "maximum": high} for low, high in (LON_RANGE, LAT_RANGE))
    refused = char_ranges(
        [char for char in characters("Cc") if char not in "\n\t"]
        + [char for char in characters("Cf") if char not in JOINERS]
    )
    solid = f"[^{refused}{char_ranges([*characters('space'), *JOINERS])}]"
    text = {
        "type": "string",
        "minLength": 1,
        "maxLength": COMMENT_MAX,
        "pattern": f"^[^{refused}]*{solid}[^{refused}]*$",
        "description": "NFC-normalised and trimmed before its rules apply",
    }
    nullable_number = {"type": ["number", "null"]}
    moved = {
        "type": "object",
        "required": ["part", "distance_m", "turned_deg"],
        "properties": {"part": TEXT, "distance_m": NUMBER, "turned_deg": NUMBER},
    }
    words = ("added_text", "removed_text", "cost_before_text", "cost_after_text", "cost_delta_text")
    changes = {
        "type": "object",
        "required": [
            "added",
            "moved",
            "removed",
            "texts",
            "season",
            "shape",
            "cost_before_rub",
            "cost_after_rub",
        ],
        "properties": {
            "added": {"type": "array", "items": TEXT},
            "moved": {"type": "array", "items": moved},
            "removed": {"type": "array", "items": TEXT},
            "texts": {"type": "array", "items": TEXT},
            "season": {"type": "boolean"},
            "shape": {"type": "boolean"},
            "cost_before_rub": nullable_number,
            "cost_after_rub": nullable_number,
            "moved_texts": {"type": "array", "items": TEXT},
            **{name: TEXT for name in words},
        },
    }
    version = {
        "type": "object",
        "required": ["number", "created_at", "title", "parts", "season", "total_rub", "changes"],
        "properties": {
            "number": {"type": "integer", "minimum": 1},
            "parts": {"type": "array"},
            "total_rub": nullable_number,
            "changes": {"anyOf": [ref("VersionChanges"), {"type": "null"}]},
        },
    }
    point = {
        "type": "object",
        "required": ["type", "coordinates"],
        "properties": {"type": {"const": "Point"}},
    }
    return {
        "CommentDraft": {
            "type": "object",
            "description": "A note pinned at a point of the site (lon, lat), or a remark (neither)",
            "required": ["text"],
            "additionalProperties": False,
            "dependentRequired": {"lon": ["lat"], "lat": ["lon"]},
            "properties": {"text": text, "lon": lon, "lat": lat},
        },
        "Comment": {
            "type": "object",
            "required": ["id", "version", "moderator", "text", "point", "created_at"],
            "properties": {
                "id": {"type": "integer"},
                "version": {"type": "integer", "minimum": 1},
                "text": TEXT,
                "point": {"anyOf": [point, {"type": "null"}]},
            },
        },
        "VersionChanges": changes,
        "ProposalHistory": {
            "type": "object",
            "required": ["proposal", "version", "versions", "comments"],
            "properties": {
                "proposal": ref("Feature"),
                "version": {"type": "integer", "minimum": 1},
                "versions": {"type": "array", "items": version, "minItems": 1},
                "comments": {"type": "array", "items": ref("Comment")},
            },
        },
        "Revision": {
            "type": "object",
            "required": ["id", "version", "status", "url", "bill", "changes"],
            "properties": {
                "id": {"type": "integer"},
                "version": {"type": "integer", "minimum": 2},
                "status": {"const": "pending"},
                "url": TEXT,
                "bill": {"anyOf": [ref("Bill"), {"type": "null"}]},
                "changes": ref("VersionChanges"),
            },
        },
    }


def _revision_paths() -> dict[str, Any]:
    no_link = error("No proposal at this private link (`field` is token)")
    body_errors = {
        "400": error("The body is not JSON, not an object, or nests too deeply"),
        "413": TOO_BIG,
        "415": error("The body is not sent as application/json"),
    }
    decided = error("The proposal is approved or rejected: only a pending one takes this (`field` is status)")
    moderator = {
        "401": error("Needs a signed-in moderator"),
        "403": error("The moderator does not moderate the proposal's site"),
        "404": error("No such proposal"),
    }
    token = path("token", "The private token of the author's link")
    proposal_id = path("proposal_id", "A proposal id")
    return {
        "/api/proposals/by-token/{token}": {
            "get": {
                "summary": "The author's proposal: its versions, what changed in each, the comments",
                "operationId": "getProposalByToken",
                "parameters": [token, LANG],
                "responses": {"200": ok(ref("ProposalHistory")), "404": no_link, "503": UNAVAILABLE},
            }
        },
        "/api/proposals/by-token/{token}/versions": {
            "post": {
                "summary": "Send a new version of a pending proposal (the whole body, as when submitting)",
                "operationId": "reviseProposal",
                "parameters": [token, LANG],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("ProposalDraft")}},
                },
                "responses": {
                    "201": ok(ref("Revision"), text="Stored as the proposal's next version"),
                    **body_errors,
                    "404": no_link,
                    "409": decided,
                    "422": error(
                        "The version breaks a proposal's rules, or names another site: `problems` lists "
                        "every one in the request's language"
                    ),
                    "429": {
                        **error("Too many accepted submissions from this client; Retry-After says when"),
                        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                    },
                    "503": UNAVAILABLE,
                },
            }
        },
        "/api/proposals/{proposal_id}/versions": {
            "get": {
                "summary": "A moderator's view of a proposal of their sites: versions, changes, comments",
                "operationId": "getProposalVersions",
                "parameters": [proposal_id, LANG],
                "responses": {"200": ok(ref("ProposalHistory")), **moderator, "503": UNAVAILABLE},
            }
        },
        "/api/proposals/{proposal_id}/comments": {
            "post": {
                "summary": "A moderator's comment on a pending proposal: pinned on its site, or not",
                "operationId": "commentProposal",
                "parameters": [proposal_id, LANG],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("CommentDraft")}},
                },
                "responses": {
                    "201": ok(ref("Comment"), text="Stored; the author reads it at their private link"),
                    **body_errors,
                    **moderator,
                    "409": decided,
                    "422": error("The comment is refused (`field`: text, lon, lat), with `problems`"),
                    "503": UNAVAILABLE,
                },
            }
        },
    }


def _ballot_schemas() -> dict[str, Any]:
    """A site's budget ballot, a participant's pick and the closing date (webmap/proposals/ballots_api.py)."""
    project = {
        "type": "object",
        "required": ["id", "title", "cost_rub", "cost_text", "supporters", "rank", "funded"],
        "properties": {
            "id": {"type": "integer"},
            "cost_rub": NUMBER,
            "supporters": {"type": "integer", "minimum": 0},
            "rank": {"type": "integer", "minimum": 1},
            "funded": {"type": "boolean"},
        },
    }
    return {
        "Ballot": {
            "type": "object",
            "required": [
                "site",
                "budget_rub",
                "closes_at",
                "open",
                "ballots",
                "projects",
                "funded_rub",
                "mine",
            ],
            "properties": {
                "budget_rub": NUMBER,
                "closes_at": {"type": ["string", "null"]},
                "open": {"type": "boolean"},
                "ballots": {"type": "integer", "minimum": 0},
                "projects": {"type": "array", "items": project},
                "funded_rub": NUMBER,
                "mine": {"anyOf": [{"type": "array", "items": {"type": "integer"}}, {"type": "null"}]},
            },
        },
        "BallotPick": {
            "type": "object",
            "description": "Approved proposals of the site with a cost, each once, within the budget",
            "required": ["proposals"],
            "additionalProperties": False,
            "properties": {
                "proposals": {
                    "type": "array",
                    "items": {"type": "integer"},
                    "uniqueItems": True,
                    "maxItems": MAX_CHOICES,
                }
            },
        },
        "BallotClosing": {
            "type": "object",
            "required": ["closes_at"],
            "additionalProperties": False,
            "properties": {"closes_at": {"type": "string", "format": "date-time"}},
        },
    }


def _ballot_paths() -> dict[str, Any]:
    site = path("site_id", "A site id from GET /api/sites; only sites with a budget have a ballot")
    no_ballot = error("The site has no budget ballot (`field` is site)")
    body_errors = {
        "400": error("The body is not JSON, not an object, or nests too deeply"),
        "413": TOO_BIG,
        "415": error("The body is not sent as application/json"),
    }
    return {
        "/api/ballots/{site_id}": {
            "get": {
                "summary": "A site's budget ballot: the projects ranked by the funding rule, and this "
                "participant's pick",
                "operationId": "getBallot",
                "parameters": [site, LANG],
                "responses": {"200": ok(ref("Ballot")), "404": no_ballot, "503": UNAVAILABLE},
            },
            "put": {
                "summary": "A moderator of the site sets when its ballot closes",
                "operationId": "setBallotClosing",
                "parameters": [site, LANG],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("BallotClosing")}},
                },
                "responses": {
                    "200": ok(ref("Ballot")),
                    **body_errors,
                    "401": error("Needs a signed-in moderator"),
                    "403": error("The moderator does not moderate the site"),
                    "404": no_ballot,
                    "422": error("`closes_at` is not an ISO 8601 date and time with its offset"),
                    "503": UNAVAILABLE,
                },
            },
        },
        "/api/ballots/{site_id}/mine": {
            "put": {
                "summary": "The participant's pick of projects, replacing their earlier one",
                "operationId": "putBallot",
                "parameters": [site, LANG],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("BallotPick")}},
                },
                "responses": {
                    "200": ok(ref("Ballot")),
                    **body_errors,
                    "403": error("No participant in this browser: join a class first (`field` participant)"),
                    "404": no_ballot,
                    "409": error("The ballot is not open yet, or closed"),
                    "422": error(
                        "Over the budget, an id not on the ballot or twice: `problems` says it in the "
                        "request's language"
                    ),
                    "429": {
                        **error("Too many votes from this client; Retry-After says when"),
                        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                    },
                    "503": UNAVAILABLE,
                },
            }
        },
    }
