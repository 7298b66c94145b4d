"""The OpenAPI 3.1 description of the JSON API, GPX downloads and health check, served at /openapi.json."""

from __future__ import annotations

import functools
import sys
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask

from routes.catalog import MODES, SEASONS
from routes.tracks import Track
from webmap.http.params import (
    CONTROL_CHARACTERS,
    FRACTION_DIGITS,
    INTEGER_DIGITS,
    LAT_RANGE,
    LON_RANGE,
    WHOLE_DIGITS,
    WHOLE_NUMBER,
)
from webmap.loops import views as loops
from webmap.models import STATUSES
from webmap.pack_access import get_catalog, get_pack
from webmap.proposals.service import get_sites
from webmap.proposals.validation import (
    CATEGORIES,
    JOINERS,
    MAX_BODY_BYTES,
    MAX_VERTICES,
    MULTILINE,
    TEXT_LIMITS,
)
from webmap.tracks.views import MASS_RANGE_KG

bp = Blueprint("openapi", __name__)
GEOJSON = "application/geo+json"
# Every path the description covers; tests/test_openapi.py checks that app.url_map has no other API rule.
DESCRIBED_PREFIXES = ("/api/",)
DESCRIBED_RULES = ("/tracks/<track_id>.gpx", "/healthz", "/openapi.json")


def init_app(app: Flask) -> None:
    """Serve the description at ``GET /openapi.json`` (once, however often it is called)."""
    if "openapi" not in app.blueprints:
        app.register_blueprint(bp)


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI description of every API endpoint, with the served pack's ids as enums."""
    return description(pack_values())


@dataclass(frozen=True)
class PackValues:
    """The ids the app checks arguments against that come from the loaded pack, not from code."""

    layers: tuple[str, ...]
    tracks: dict[str, tuple[str, ...]]  # track id -> the audiences it is meant for
    audiences: tuple[str, ...]
    sites: tuple[str, ...]
    # LAT,LON examples on the walking network: where a track starts, and its middle ("to" of a route)
    on_network: dict[str, str] = field(default_factory=dict)


def _examples(track: Track) -> dict[str, str]:
    start = f"{track.lats[0]},{track.lons[0]}"
    middle = len(track.lats) // 2
    return {"start": start, "from": start, "to": f"{track.lats[middle]},{track.lons[middle]}"}


def pack_values() -> PackValues:
    """The current app's layer, track, audience and site ids."""
    catalog = get_catalog()
    return PackValues(
        layers=tuple(get_pack().layers),
        tracks={track_id: tuple(track.audiences) for track_id, track in catalog.tracks.items()},
        audiences=tuple(sorted(catalog.audiences)),
        sites=tuple(get_sites()),
        on_network=next((_examples(track) for track in catalog.tracks.values()), {}),
    )


# Patterns that describe what webmap/params.py parses, built from its constants.


def _digits(low: str, high: str) -> str:
    """A regex for the decimal strings from ``low`` to ``high``, both of the same length.

    >>> _digits("500", "999"), _digits("10", "17")
    ('(?:[5-9][0-9]{2})', '(?:1[0-7])')
    """
    width = len(low)
    if low == "0" * width and high == "9" * width:
        return f"(?:[0-9]{{{width}}})" if width > 1 else "[0-9]"
    if width == 1:
        return f"[{low}-{high}]" if low != high else low
    if low[0] == high[0]:
        return f"(?:{low[0]}{_digits(low[1:], high[1:])})"
    rest = width - 1
    first = int(low[0]) if low[1:] == "0" * rest else int(low[0]) + 1
    last = int(high[0]) if high[1:] == "9" * rest else int(high[0]) - 1
    parts = []
    if first > int(low[0]):
        parts.append(f"{low[0]}{_digits(low[1:], '9' * rest)}")
    if first <= last:
        parts.append(f"[{first}-{last}][0-9]{{{rest}}}")
    if last < int(high[0]):
        parts.append(f"{high[0]}{_digits('0' * rest, high[1:])}")
    return f"(?:{'|'.join(parts)})"


def _integers(low: int, high: int, digits: int) -> str:
    """Whole numbers from ``low`` to ``high`` written with leading zeros up to ``digits`` digits in all.

    >>> import re
    >>> pattern = re.compile(_integers(20, 249, 4))
    >>> [bool(pattern.fullmatch(text)) for text in ("20", "0249", "00020", "19", "250", "2")]
    [True, True, False, False, False, False]
    """
    parts = []
    for width in range(len(str(low)), len(str(high)) + 1):
        first = max(low, 10 ** (width - 1) if width > 1 else 0)
        last = min(high, 10**width - 1)
        if first <= last:
            parts.append(f"0{{0,{digits - width}}}{_digits(str(first).zfill(width), str(last))}")
    return f"(?:{'|'.join(parts)})"


def whole_number(low: int, high: int) -> str:
    """What ``params.is_whole_number`` accepts with a value from ``low`` to ``high``, without anchors.

    >>> import re
    >>> pattern = re.compile(whole_number(500, 40_000))
    >>> [bool(pattern.fullmatch(text)) for text in ("500", "040000", "40001", "499", "5e3", "")]
    [True, True, False, False, False, False]
    """
    return _integers(low, high, WHOLE_DIGITS)


def decimal_number(low: float, high: float) -> str:
    """What ``params.decimal`` accepts with a value from ``low`` to ``high`` (whole bounds, 0 <= low or
    low == -high), without anchors.

    >>> import re
    >>> pattern = re.compile(decimal_number(-90, 90))
    >>> [bool(pattern.fullmatch(text)) for text in ("-90", "+89.99", ".5", "90.000", "90.01", "1e1")]
    [True, True, True, True, False, False]
    """
    if low != int(low) or high != int(high) or not (low >= 0 or low == -high):
        raise ValueError(f"no decimal pattern for {low}..{high}: whole bounds, low >= 0 or low == -high")
    low_int, high_int = int(max(low, 0)), int(high)
    fraction = f"(?:\\.[0-9]{{0,{FRACTION_DIGITS}}})?"
    parts = [f"{_integers(low_int, high_int - 1, INTEGER_DIGITS)}{fraction}"] if low_int < high_int else []
    parts.append(f"0{{0,{INTEGER_DIGITS - len(str(high_int))}}}{high_int}(?:\\.0{{0,{FRACTION_DIGITS}}})?")
    if low_int == 0:
        parts.append(f"\\.[0-9]{{1,{FRACTION_DIGITS}}}")
    sign = "[+-]?" if low < 0 else "\\+?"
    return f"{sign}(?:{'|'.join(parts)})"


POINTS = ("start", "from", "to")
FREE_TEXT = {"type": "string", "pattern": f"^[^{CONTROL_CHARACTERS}]*$"}  # errors.refuse_control_characters


def _choice(values: tuple[str, ...] | None, empty: bool = True) -> dict[str, Any]:
    """One of ``values`` (any text without control characters while they are unknown); with ``empty``,
    an empty value counts as absent."""
    if values is None:
        return FREE_TEXT
    return {"type": "string", "enum": [""] * empty + list(values)}


def _pattern(regex: str, empty: bool = True) -> dict[str, Any]:
    return {"type": "string", "pattern": f"^(?:{regex}{'|' * empty})$"}


def _point() -> dict[str, Any]:
    """LAT,LON as webmap/loops.py reads it."""
    return _pattern(f"{decimal_number(*LAT_RANGE)},{decimal_number(*LON_RANGE)}", empty=False)


def _bbox() -> dict[str, Any]:
    """west,south,east,north as webmap/proposals_api.py reads it (west <= east, south <= north besides)."""
    lon, lat = decimal_number(*LON_RANGE), decimal_number(*LAT_RANGE)
    return _pattern(f"{lon},{lat},{lon},{lat}")


def _statuses() -> dict[str, Any]:
    """Comma-separated statuses, or any list that holds ``all`` (webmap/proposals_api.py)."""
    status = f"(?:{'|'.join(STATUSES)})"
    anything = f"[^,{CONTROL_CHARACTERS}]*"
    return _pattern(f"{status}(?:,{status})*|(?:{anything},)*all(?:,{anything})*")


def argument_schemas(values: PackValues | None) -> dict[str, dict[str, Any]]:
    """The schema of every query argument of the API, by name, from the constants the app checks it with.

    Without ``values`` (no app at hand) the pack's ids are any text.
    """
    return {
        "lang": FREE_TEXT,
        "q": FREE_TEXT,
        "format": FREE_TEXT,
        "date": {"type": "string", "anyOf": [{"format": "date"}, {"maxLength": 0}]},
        "mass_kg": _pattern(decimal_number(*MASS_RANGE_KG)),
        "audience": _choice(values and values.audiences),
        "mode": _choice(MODES),
        "season": _choice(tuple(SEASONS)),
        "site": _choice(values and values.sites),
        "category": _choice(CATEGORIES),
        "status": _statuses(),
        "bbox": _bbox(),
        **dict.fromkeys(POINTS, _point()),
        "steps": _pattern(whole_number(*loops.STEPS_RANGE), empty=False),
        "prefer": _choice(loops.PREFERENCES, empty=False),
        "index": _pattern(WHOLE_NUMBER.pattern, empty=False),
    }


def _path_schemas(values: PackValues | None) -> dict[str, dict[str, Any]]:
    if values is None:
        return {}
    return {"layer_id": _choice(values.layers, False), "track_id": _choice(tuple(values.tracks), False)}


def _with_argument_schemas(paths: dict[str, Any], values: PackValues | None) -> dict[str, Any]:
    """Every parameter's schema from ``argument_schemas``: one rule, written once, for every operation."""
    queries, path_ids = argument_schemas(values), _path_schemas(values)
    for operations in paths.values():
        for operation in operations.values():
            parameters = [dict(parameter) for parameter in operation.get("parameters", [])]
            for parameter in parameters:
                known = queries if parameter["in"] == "query" else path_ids
                if parameter["name"] in known:
                    parameter["schema"] = known[parameter["name"]]
                elif parameter["in"] == "query":
                    raise KeyError(f"query argument {parameter['name']!r} has no schema in argument_schemas")
                if values is not None and parameter["name"] in values.on_network:
                    parameter["example"] = values.on_network[parameter["name"]]
            if parameters:
                operation["parameters"] = parameters
    return paths


@functools.cache
def _characters(category: str) -> tuple[str, ...]:
    """Every character of a Unicode general category (such as Cf), or ``space``: what str.strip removes."""
    every = map(chr, range(sys.maxunicode + 1))
    if category == "space":
        return tuple(char for char in every if char.isspace())
    return tuple(char for char in every if unicodedata.category(char) == category)


def _ranges(characters: list[str]) -> str:
    """Characters as regex ranges: ``\\uXXXX`` in the BMP, the character itself beyond.

    >>> _ranges(["a", "b", "c", "x"])
    '\\\\u0061-\\\\u0063\\\\u0078'
    """
    spans: list[list[int]] = []
    for code in sorted(map(ord, characters)):
        if spans and spans[-1][1] == code - 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])

    def one(code: int) -> str:
        return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)

    return "".join(one(low) if low == high else f"{one(low)}-{one(high)}" for low, high in spans)


def _text_schema(name: str) -> dict[str, Any]:
    """A proposal text as check_text accepts it once trimmed: no control characters (but newline and tab
    in the multiline ones), no format characters but the joiners, something besides spaces and joiners."""
    allowed = "\n\t" if name in MULTILINE else ""
    refused = _ranges(
        [char for char in _characters("Cc") if char not in allowed]
        + [char for char in _characters("Cf") if char not in JOINERS]
    )
    solid = f"[^{refused}{_ranges([*_characters('space'), *JOINERS])}]"
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": TEXT_LIMITS[name],
        "pattern": f"^[^{refused}]*{solid}[^{refused}]*$",
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(text: str) -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": _ref("Error")}}}


def _page_or_json_error(text: str) -> dict[str, Any]:
    """Errors outside /api/ are an HTML page, or the JSON shape when the client asks for JSON."""
    return {
        "description": text,
        "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/json": {"schema": _ref("Error")},
        },
    }


def _query(name: str, text: str) -> dict[str, Any]:
    """An optional query argument; its schema comes from ``argument_schemas``."""
    return {"name": name, "in": "query", "required": False, "description": text}


def _path(name: str, text: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}, "description": text}


def _ok(schema: dict[str, Any], media: str = "application/json", text: str = "OK") -> dict[str, Any]:
    return {"description": text, "content": {media: {"schema": schema}}}


_NOT_MODIFIED = {"description": "Not modified: the If-None-Match ETag still matches"}
_BAD_QUERY = _error("A query argument is malformed or holds a control character; `field` names it")
_UNAVAILABLE = {
    **_error("The database cannot be reached (`field` is database); try again after Retry-After seconds"),
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
}
_TOO_BIG = _error(f"The body is over the limit ({MAX_BODY_BYTES} bytes for a proposal)")

_LANG = _query("lang", "Interface language (ru or en); others fall back to the default")
_MASS = _query(
    "mass_kg", f"Body mass for energy figures, {MASS_RANGE_KG[0]:g}-{MASS_RANGE_KG[1]:g} kg (default 70)"
)
_TRACK_FILTERS = [
    _query("audience", "Only tracks meant for this audience id"),
    _query("mode", "walk or ski"),
    _query("season", "winter, spring, summer or autumn"),
]
_PROPOSAL_FILTERS = [
    _query("site", "A site id from GET /api/sites"),
    _query("category", f"One of {', '.join(CATEGORIES)}"),
    _query("bbox", "west,south,east,north in degrees"),
    _query(
        "status",
        f"Comma-separated {', '.join(STATUSES)} or all (default approved); others need a moderator",
    ),
]
_MODERATOR_ONLY = {
    "401": _error("Statuses other than approved need a signed-in moderator"),
    "403": _error("The moderator does not moderate the site asked for"),
}


def _per_audience(kind: str) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": {"type": [kind, "null"], "minimum": 0}}


def _schemas(values: PackValues | None) -> dict[str, Any]:
    lon, lat = ({"type": "number", "minimum": low, "maximum": high} for low, high in (LON_RANGE, LAT_RANGE))
    position = {"type": "array", "prefixItems": [lon, lat], "minItems": 2, "maxItems": 2}
    ring = {"type": "array", "items": position, "minItems": 4, "maxItems": MAX_VERTICES}
    text = {name: _text_schema(name) for name in TEXT_LIMITS}
    site = {"type": "string", "minLength": 1} if values is None else {"enum": list(values.sites)}
    geometry = {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}}
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "additionalProperties": False,
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["status", "message", "field"],
                    "additionalProperties": False,
                    "properties": {
                        "status": {"type": "integer", "minimum": 400, "maximum": 599},
                        "message": {"type": "string"},
                        "field": {"type": ["string", "null"]},
                        "problems": {
                            "type": "array",
                            "minItems": 1,
                            "description": "Only on a proposal that breaks rules (POST /api/proposals, 422): "
                            "every problem at once, the first one being `field` and `message`; each "
                            "problem's `message` is a plain sentence for the student in the request's "
                            "language (`?lang=`, then Accept-Language, Russian by default).",
                            "items": {
                                "type": "object",
                                "required": ["field", "message"],
                                "additionalProperties": False,
                                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                            },
                        },
                    },
                }
            },
        },
        "Geometry": geometry,
        "Feature": {
            "type": "object",
            "required": ["type", "properties", "geometry"],
            "properties": {
                "type": {"const": "Feature"},
                "id": {"type": ["string", "integer"]},
                "properties": {"type": "object"},
                "geometry": {"anyOf": [geometry, {"type": "null"}]},
            },
        },
        "FeatureCollection": {
            "type": "object",
            "required": ["type", "features"],
            "properties": {
                "type": {"const": "FeatureCollection"},
                "features": {"type": "array", "items": _ref("Feature")},
            },
        },
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
                "properties": {"allOf": [_ref("TrackSummary"), {"required": ["stops"]}]},
                "geometry": {
                    "type": "object",
                    "required": ["type", "coordinates"],
                    "properties": {"type": {"const": "LineString"}, "coordinates": {"type": "array"}},
                },
            },
        },
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
                    "200": _ok(
                        {
                            "type": "object",
                            "required": ["layers"],
                            "properties": {"layers": {"type": "array", "items": _ref("Layer")}},
                        }
                    ),
                    "304": _NOT_MODIFIED,
                },
            }
        },
        "/api/layers/{layer_id}": {
            "get": {
                "summary": "One layer as GeoJSON, with seasonal uses as in force on ?date=",
                "operationId": "getLayer",
                "parameters": [
                    _path("layer_id", "A layer id from GET /api/layers"),
                    _query("date", "YYYY-MM-DD (default today)"),
                ],
                "responses": {
                    "200": _ok(_ref("FeatureCollection"), GEOJSON),
                    "304": _NOT_MODIFIED,
                    "400": _BAD_QUERY,
                    "404": _error("No such layer"),
                },
            }
        },
        "/api/tracks": {
            "get": {
                "summary": "Every track with its metrics, filtered by audience, mode and season",
                "operationId": "listTracks",
                "parameters": [*_TRACK_FILTERS, _MASS, _LANG],
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "required": ["tracks"],
                            "properties": {"tracks": {"type": "array", "items": _ref("TrackSummary")}},
                        }
                    ),
                    "304": _NOT_MODIFIED,
                    "400": _BAD_QUERY,
                },
            }
        },
        "/api/tracks/{track_id}": {
            "get": {
                "summary": "One track as a GeoJSON Feature with its metrics and stops",
                "operationId": "getTrack",
                "parameters": [_path("track_id", "A track id from GET /api/tracks"), _MASS, _LANG],
                "responses": {
                    "200": _ok(_ref("TrackFeature"), GEOJSON),
                    "304": _NOT_MODIFIED,
                    "400": _BAD_QUERY,
                    "404": _error("No such track"),
                },
            }
        },
        "/tracks/{track_id}.gpx": {
            "get": {
                "summary": "The track as a GPX 1.1 attachment in the request's language",
                "operationId": "getTrackGpx",
                "parameters": [
                    _path("track_id", "A track id from GET /api/tracks"),
                    _query("audience", "One of the track's audiences (default: its first)"),
                    _LANG,
                ],
                "responses": {
                    "200": _ok({"type": "string"}, "application/gpx+xml", "The GPX document"),
                    "304": _NOT_MODIFIED,
                    "400": _page_or_json_error("The track is not meant for that audience"),
                    "404": _page_or_json_error("No such track"),
                },
            }
        },
        "/api/sites": {
            "get": {
                "summary": "The sites that take proposals, as GeoJSON (feature id = site id)",
                "operationId": "listSites",
                "parameters": [_LANG],
                "responses": {"200": _ok(_ref("FeatureCollection"), GEOJSON)},
            }
        },
        "/api/proposals": {
            "get": {
                "summary": "Approved proposals as GeoJSON; other statuses for a site's moderator",
                "operationId": "listProposals",
                "parameters": _PROPOSAL_FILTERS,
                "responses": {
                    "200": _ok(_ref("FeatureCollection"), GEOJSON),
                    "400": _BAD_QUERY,
                    **_MODERATOR_ONLY,
                    "503": _UNAVAILABLE,
                },
            },
            "post": {
                "summary": "Submit a proposal; it waits for a moderator",
                "operationId": "createProposal",
                "parameters": [_LANG],
                "requestBody": {
                    "required": True,
                    "description": f"At most {MAX_BODY_BYTES} bytes, nested at most 20 deep",
                    "content": {"application/json": {"schema": _ref("ProposalDraft")}},
                },
                "responses": {
                    "201": {
                        "description": "Stored; `url` is the private link to the proposal's page",
                        "headers": {"Location": {"schema": {"type": "string"}}},
                        "content": {"application/json": {"schema": _ref("ProposalCreated")}},
                    },
                    "400": _error("The body is not JSON, not an object, or nests too deeply"),
                    "413": _TOO_BIG,
                    "415": _error("The body is not sent as application/json"),
                    "422": _error(
                        "The proposal breaks rules: `field` and `message` name the first culprit, and "
                        "`problems` lists every one with a plain message in the request's language"
                    ),
                    "429": {
                        **_error(
                            "Too many accepted submissions from this client (refused ones do not count); "
                            "Retry-After says when to try again"
                        ),
                        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                    },
                    "503": _UNAVAILABLE,
                },
            },
        },
        "/api/proposals.csv": {
            "get": {
                "summary": "The same proposals as GET /api/proposals, as CSV (UTF-8 with BOM)",
                "operationId": "listProposalsCsv",
                "parameters": _PROPOSAL_FILTERS,
                "responses": {
                    "200": _ok({"type": "string"}, "text/csv"),
                    "400": _BAD_QUERY,
                    **_MODERATOR_ONLY,
                    "503": _UNAVAILABLE,
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
                    "200": _ok(_ref("Health")),
                    "503": _ok(
                        _ref("Health"),
                        text="Degraded: the database cannot be written (down, missing or read-only)",
                    ),
                },
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This description",
                "operationId": "openapi",
                "responses": {"200": _ok({"type": "object"})},
            }
        },
    }


def description(values: PackValues | None = None) -> dict[str, Any]:
    """The whole OpenAPI document as a dict; ``values`` (the served pack's ids) make its enums.

    >>> sorted(description()["paths"])[:2]
    ['/api/layers', '/api/layers/{layer_id}']
    """
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ecomap API",
            "version": "1",
            "description": "Layers, health tracks and tactical-urbanism proposals of a city pack. "
            'Every API error is {"error": {"status", "message", "field"}}; a refused proposal adds '
            '"problems": [{"field", "message"}, ...], every problem in the request\'s language.',
        },
        "paths": _with_argument_schemas(
            _refusing_control_characters({**_paths(), **loops.openapi_paths()}), values
        ),
        "components": {"schemas": _schemas(values)},
    }


def _refusing_control_characters(paths: dict[str, Any]) -> dict[str, Any]:
    """Every operation may answer 400: a control character in any query argument is refused."""
    for operations in paths.values():
        for operation in operations.values():
            operation["responses"].setdefault("400", _BAD_QUERY)
    return paths
