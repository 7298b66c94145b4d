"""The OpenAPI 3.1 document at /openapi.json: every feature's registered part and the terms they share."""

from __future__ import annotations

import functools
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, current_app

from webmap.http.params import (
    CONTROL_CHARACTERS,
    FRACTION_DIGITS,
    INTEGER_DIGITS,
    LAT_RANGE,
    LON_RANGE,
    WHOLE_DIGITS,
)

API_PARTS = "ecomap.api_parts"
GEOJSON = "application/geo+json"

bp = Blueprint("openapi", __name__)


@dataclass(frozen=True)
class ApiPart:
    """One feature's share of the description.

    ``queries`` and ``path_ids`` hold the schema of each argument by name, ``examples`` an example value:
    every operation's parameter of that name gets them, so a rule is written once for all operations.
    """

    paths: dict[str, Any]
    schemas: dict[str, Any] = field(default_factory=dict)
    queries: dict[str, dict[str, Any]] = field(default_factory=dict)
    path_ids: dict[str, dict[str, Any]] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)


# Called with live=True inside an app context: the served pack's ids (layers, tracks, audiences, sites)
# go into enums. With live=False there is no pack to ask: those ids are any text.
Describe = Callable[[bool], ApiPart]


def add_api_part(app: Flask, name: str, describe: Describe) -> None:
    """Let a feature describe its API: ``describe`` is asked for its part whenever the document is built."""
    app.extensions.setdefault(API_PARTS, {})[name] = describe


def init_app(app: Flask) -> None:
    """Serve the description at ``GET /openapi.json`` (once, however often it is called)."""
    if "openapi" not in app.blueprints:
        app.register_blueprint(bp)


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI description of every registered API endpoint, with the served pack's ids as enums."""
    return description()


# Patterns that describe what webmap/http/params.py parses, built from its constants.


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


@functools.cache
def characters(category: str) -> tuple[str, ...]:
    """Every character of a Unicode general category (such as Cf), or ``space``: what str.strip removes."""
    every = map(chr, range(sys.maxunicode + 1))
    if category == "space":
        return tuple(char for char in every if char.isspace())
    return tuple(char for char in every if unicodedata.category(char) == category)


def char_ranges(chars: list[str]) -> str:
    """Characters as regex ranges: ``\\uXXXX`` in the BMP, the character itself beyond.

    >>> char_ranges(["a", "b", "c", "x"])
    '\\\\u0061-\\\\u0063\\\\u0078'
    """
    spans: list[list[int]] = []
    for code in sorted(map(ord, chars)):
        if spans and spans[-1][1] == code - 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])

    def one(code: int) -> str:
        return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)

    return "".join(one(low) if low == high else f"{one(low)}-{one(high)}" for low, high in spans)


# Schemas of arguments.

FREE_TEXT = {"type": "string", "pattern": f"^[^{CONTROL_CHARACTERS}]*$"}  # errors.refuse_control_characters


def choice(values: tuple[str, ...] | None, empty: bool = True) -> dict[str, Any]:
    """One of ``values`` (any text without control characters while they are unknown); with ``empty``,
    an empty value counts as absent."""
    if values is None:
        return FREE_TEXT
    return {"type": "string", "enum": [""] * empty + list(values)}


def pattern(regex: str, empty: bool = True) -> dict[str, Any]:
    return {"type": "string", "pattern": f"^(?:{regex}{'|' * empty})$"}


def point() -> dict[str, Any]:
    """LAT,LON as ``params.decimal`` reads each of the two."""
    return pattern(f"{decimal_number(*LAT_RANGE)},{decimal_number(*LON_RANGE)}", empty=False)


# Parameters, answers and errors every part speaks of.


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def error(text: str) -> dict[str, Any]:
    return {"description": text, "content": {"application/json": {"schema": ref("Error")}}}


def page_or_json_error(text: str) -> dict[str, Any]:
    """Errors outside /api/ are an HTML page, or the JSON shape when the client asks for JSON."""
    return {
        "description": text,
        "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/json": {"schema": ref("Error")},
        },
    }


def query(name: str, text: str, required: bool = False) -> dict[str, Any]:
    """A query argument; its schema comes from the parts' ``queries``."""
    return {"name": name, "in": "query", "required": required, "description": text}


def path(name: str, text: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}, "description": text}


def ok(schema: dict[str, Any], media: str = "application/json", text: str = "OK") -> dict[str, Any]:
    return {"description": text, "content": {media: {"schema": schema}}}


NOT_MODIFIED = {"description": "Not modified: the If-None-Match ETag still matches"}
BAD_QUERY = error("A query argument is malformed or holds a control character; `field` names it")
UNAVAILABLE = {
    **error("The database cannot be reached (`field` is database); try again after Retry-After seconds"),
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
}
LANG = query("lang", "Interface language (ru or en); others fall back to the default")


def _shared_part() -> ApiPart:
    """What belongs to no feature: the error shape, GeoJSON, the ``lang`` argument and this document."""
    geometry = {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}}
    problem = {
        "type": "object",
        "required": ["field", "message"],
        "additionalProperties": False,
        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
    }
    schemas = {
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
                            "items": problem,
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
                "features": {"type": "array", "items": ref("Feature")},
            },
        },
    }
    paths = {
        "/openapi.json": {
            "get": {
                "summary": "This description",
                "operationId": "openapi",
                "responses": {"200": ok({"type": "object"})},
            }
        }
    }
    return ApiPart(paths=paths, schemas=schemas, queries={"lang": FREE_TEXT})


def description(live: bool = True) -> dict[str, Any]:
    """The whole OpenAPI document of the current app as a dict: the shared part and every registered one.

    With ``live`` (inside an app context with its pack) the served pack's ids make enums; without, they
    are any text.

    >>> app = Flask("demo")
    >>> with app.app_context():
    ...     sorted(description(live=False)["paths"])
    ['/openapi.json']
    """
    registered = current_app.extensions.get(API_PARTS, {})
    parts = {"openapi": _shared_part(), **{name: describe(live) for name, describe in registered.items()}}
    paths = _refusing_control_characters(_merged(parts, "paths"))
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
            paths, _merged(parts, "queries"), _merged(parts, "path_ids"), _merged(parts, "examples")
        ),
        "components": {"schemas": _merged(parts, "schemas")},
    }


def _merged(parts: dict[str, ApiPart], kind: str) -> dict[str, Any]:
    """One of the parts' dicts (``paths``, ``queries``, ...) merged; two parts may give a name only alike.

    >>> one, other = ApiPart({}, queries={"q": {"type": "string"}}), ApiPart({}, queries={"q": {}})
    >>> _merged({"a": one, "b": ApiPart({}, queries={"q": {"type": "string"}})}, "queries")
    {'q': {'type': 'string'}}
    >>> _merged({"a": one, "b": other}, "queries")
    Traceback (most recent call last):
    ValueError: the a and b parts of the API description give queries 'q' differently
    """
    merged: dict[str, Any] = {}
    owners: dict[str, str] = {}
    for name, part in parts.items():
        for key, value in getattr(part, kind).items():
            if key in merged and merged[key] != value:
                culprits = f"the {owners[key]} and {name} parts of the API description"
                raise ValueError(f"{culprits} give {kind} {key!r} differently")
            merged[key] = value
            owners.setdefault(key, name)
    return merged


def _refusing_control_characters(paths: dict[str, Any]) -> dict[str, Any]:
    """Every operation may answer 400: a control character in any query argument is refused."""
    for operations in paths.values():
        for operation in operations.values():
            operation["responses"].setdefault("400", BAD_QUERY)
    return paths


def _with_argument_schemas(
    paths: dict[str, Any],
    queries: dict[str, dict[str, Any]],
    path_ids: dict[str, dict[str, Any]],
    examples: dict[str, str],
) -> dict[str, Any]:
    """Every parameter's schema from the parts' argument schemas: one rule, written once, for every
    operation. A query argument that no part gives a schema is a KeyError."""
    for operations in paths.values():
        for operation in operations.values():
            parameters = [dict(parameter) for parameter in operation.get("parameters", [])]
            for parameter in parameters:
                known = queries if parameter["in"] == "query" else path_ids
                if parameter["name"] in known:
                    parameter["schema"] = known[parameter["name"]]
                elif parameter["in"] == "query":
                    raise KeyError(f"query argument {parameter['name']!r} has no schema in any API part")
                if parameter["name"] in examples:
                    parameter["example"] = examples[parameter["name"]]
            if parameters:
                operation["parameters"] = parameters
    return paths
