"""Check a submitted proposal (a GeoJSON Feature) and turn it into a draft, or say what is wrong.

Pure functions: no Flask, no database. Every problem is an InvalidProposal naming the
field and what is wrong with its value.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.validation import explain_validity

from webmap.proposals_sites import MASK_TOLERANCE_M, Site, to_metric

MAX_BODY_BYTES = 64 * 1024
MAX_VERTICES = 500
GEOMETRY_TYPES = ("Point", "LineString", "Polygon")
CATEGORIES = ("bench", "planter", "shade", "art", "play", "lighting", "paving", "sign", "other")
TEXT_LIMITS = {"title": 120, "materials": 300, "description": 2000, "author": 40}
MULTILINE = ("materials", "description")
MAX_DEPTH = 20  # arrays and objects inside each other; a Polygon Feature needs 5
JOINERS = "\u200c\u200d"  # ZWNJ and ZWJ: format characters that scripts and emoji need
PROPERTIES = ("site", "category", *TEXT_LIMITS)
_CONTACT = re.compile(r"@|\d[\d\s()+-]{5,}\d")


class InvalidProposal(ValueError):
    """A proposal that cannot be stored: ``field`` names the culprit, the message its problem."""

    def __init__(self, field: str, message: str, status: int = 422):
        super().__init__(message)
        self.field = field
        self.status = status


@dataclass(frozen=True)
class Draft:
    """A checked proposal, ready to store."""

    site: str
    category: str
    title: str
    materials: str
    description: str
    author: str
    geometry: dict[str, Any]
    bounds: tuple[float, float, float, float]


def check_feature(body: Any, sites: dict[str, Site]) -> Draft:
    """Check a decoded JSON body against every rule; return the draft or raise InvalidProposal.

    >>> check_feature([], {})
    Traceback (most recent call last):
    ...
    webmap.proposals_validation.InvalidProposal: the body must be a JSON object (a GeoJSON Feature), got array
    """
    if not isinstance(body, dict):
        raise InvalidProposal(
            "body", f"the body must be a JSON object (a GeoJSON Feature), got {_kind(body)}", 400
        )
    if body.get("type") is None:
        raise InvalidProposal("type", "'type' is missing; it must be 'Feature'")
    if body.get("type") != "Feature":
        raise InvalidProposal("type", f"'type' must be 'Feature', got {_show(body.get('type'))}")
    properties = body.get("properties")
    if properties is None:
        raise InvalidProposal("properties", "'properties' is missing; it must be an object")
    if not isinstance(properties, dict):
        raise InvalidProposal("properties", f"'properties' must be an object, got {_kind(properties)}")
    texts = check_properties(properties, sites)
    site = sites[texts["site"]]
    geometry = check_geometry(body.get("geometry"))
    check_inside(geometry, site)
    return Draft(**texts, geometry=geometry, bounds=tuple(shape(geometry).bounds))  # type: ignore[arg-type]


def check_properties(properties: dict[str, Any], sites: dict[str, Site]) -> dict[str, str]:
    """The checked ``site``, ``category`` and texts (stripped, NFC-normalised)."""
    for name in properties:
        if name not in PROPERTIES:
            raise InvalidProposal(
                f"properties.{name}", f"unknown property {name!r}; allowed: {', '.join(PROPERTIES)}"
            )
    site = _string(properties, "site")
    if site not in sites:
        known = ", ".join(sites) or "none"
        raise InvalidProposal("properties.site", f"unknown site {site!r}; sites taking proposals: {known}")
    category = _string(properties, "category")
    if category not in CATEGORIES:
        raise InvalidProposal(
            "properties.category", f"unknown category {category!r}; one of: {', '.join(CATEGORIES)}"
        )
    texts = {name: check_text(name, properties.get(name)) for name in TEXT_LIMITS}
    if _CONTACT.search(texts["author"]):
        raise InvalidProposal(
            "properties.author", "'author' looks like an e-mail address or phone number; give a nickname only"
        )
    return {"site": site, "category": category, **texts}


def check_depth(body: Any, limit: int = MAX_DEPTH) -> None:
    """Refuse a body with arrays and objects nested over ``limit`` deep (checked without recursion).

    >>> check_depth([[[]]], 2)
    Traceback (most recent call last):
    ...
    webmap.proposals_validation.InvalidProposal: the body nests too deeply: over 2 levels of arrays or objects
    """
    stack = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        if depth > limit:
            raise InvalidProposal(
                "body", f"the body nests too deeply: over {limit} levels of arrays or objects", 400
            )
        stack.extend((child, depth + 1) for child in children)


def check_text(name: str, value: Any) -> str:
    """One text property: a non-empty string within its length limit, without control or invisible characters.

    Format characters (Unicode category Cf: zero-width spaces, bidirectional overrides, ...) are refused,
    except the joiners ZWNJ and ZWJ, which some scripts and emoji need; a text of nothing but joiners and
    spaces is empty.

    >>> check_text("title", "  Bench  ")
    'Bench'
    >>> check_text("title", "x" * 121)
    Traceback (most recent call last):
    ...
    webmap.proposals_validation.InvalidProposal: 'title' is 121 characters long; the limit is 120
    """
    field = f"properties.{name}"
    if value is None:
        raise InvalidProposal(field, f"{name!r} is missing; it must be a string")
    if not isinstance(value, str):
        raise InvalidProposal(field, f"{name!r} must be a string, got {_kind(value)}")
    text = unicodedata.normalize("NFC", value).strip()
    allowed = "\n\t" if name in MULTILINE else ""
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" and char not in allowed:
            raise InvalidProposal(field, f"{name!r} contains a control character {_code_point(char)}")
        if category == "Cf" and char not in JOINERS:
            raise InvalidProposal(
                field, f"{name!r} contains an invisible or text-direction character {_code_point(char)}"
            )
    if not text.translate(dict.fromkeys(map(ord, JOINERS))).strip():
        raise InvalidProposal(field, f"{name!r} must not be empty")
    if len(text) > TEXT_LIMITS[name]:
        raise InvalidProposal(
            field, f"{name!r} is {len(text)} characters long; the limit is {TEXT_LIMITS[name]}"
        )
    return text


def _code_point(char: str) -> str:
    """A character as its code point and name.

    >>> _code_point("\\u202e")
    'U+202E (RIGHT-TO-LEFT OVERRIDE)'
    """
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} ({name})" if name else f"U+{ord(char):04X}"


def check_geometry(geometry: Any) -> dict[str, Any]:
    """A Point, LineString or Polygon with [lon, lat] numbers in range, valid, of at most MAX_VERTICES.

    >>> check_geometry({"type": "Point", "coordinates": [60.8, 56.5]})
    {'type': 'Point', 'coordinates': [60.8, 56.5]}
    """
    if geometry is None:
        raise InvalidProposal("geometry", "'geometry' is missing; it must be an object")
    if not isinstance(geometry, dict):
        raise InvalidProposal("geometry", f"'geometry' must be an object, got {_kind(geometry)}")
    kind = geometry.get("type")
    if kind is None:
        raise InvalidProposal(
            "geometry.type", f"geometry type is missing; it must be one of {', '.join(GEOMETRY_TYPES)}"
        )
    if kind not in GEOMETRY_TYPES:
        raise InvalidProposal(
            "geometry.type", f"geometry type must be one of {', '.join(GEOMETRY_TYPES)}, got {_show(kind)}"
        )
    if geometry.get("coordinates") is None:
        raise InvalidProposal("geometry.coordinates", f"the {kind}'s coordinates are missing")
    coordinates = _COORDINATES[kind](geometry.get("coordinates"))
    vertices = _count(coordinates)
    if vertices > MAX_VERTICES:
        raise InvalidProposal(
            "geometry.coordinates", f"the {kind} has {vertices} vertices; the limit is {MAX_VERTICES}"
        )
    checked = {"type": kind, "coordinates": coordinates}
    built = shape(checked)
    if not built.is_valid:
        raise InvalidProposal("geometry", f"the {kind} is not valid: {explain_validity(built)}")
    return checked


def check_inside(geometry: dict[str, Any], site: Site) -> None:
    """The shape lies wholly inside the site's mask, give or take MASK_TOLERANCE_M metres."""
    metric = to_metric(shape(geometry), site.crs_metric)
    if not shapely.covers(site.mask_metric, metric):
        outside_m2 = metric.difference(site.mask_metric)
        where = f"{outside_m2.area:.1f} m² of it" if outside_m2.area else "it"
        raise InvalidProposal(
            "geometry",
            f"the {geometry['type']} is not wholly inside site {site.id!r} ({where} lies outside "
            f"beyond the {MASK_TOLERANCE_M} m tolerance)",
        )


def _position(value: Any, where: str) -> list[float]:
    if not isinstance(value, list) or len(value) != 2:
        raise InvalidProposal(
            "geometry.coordinates", f"{where} must be a [lon, lat] pair, got {_show(value)}"
        )
    if not all(_is_number(item) for item in value):
        raise InvalidProposal("geometry.coordinates", f"{where} must hold two numbers, got {_show(value)}")
    lon, lat = (float(item) for item in value)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidProposal(
            "geometry.coordinates",
            f"{where} is out of range: lon must be in [-180, 180] and lat in [-90, 90], got {_show(value)}",
        )
    return [lon, lat]


def _positions(value: Any, where: str, minimum: int) -> list[list[float]]:
    if not isinstance(value, list):
        raise InvalidProposal(
            "geometry.coordinates", f"{where} must be an array of positions, got {_kind(value)}"
        )
    if len(value) > MAX_VERTICES:
        raise InvalidProposal(
            "geometry.coordinates", f"{where} has {len(value)} vertices; the limit is {MAX_VERTICES}"
        )
    if len(value) < minimum:
        raise InvalidProposal(
            "geometry.coordinates", f"{where} needs at least {minimum} positions, got {len(value)}"
        )
    return [_position(item, f"{where}[{index}]") for index, item in enumerate(value)]


def _point(value: Any) -> list[float]:
    return _position(value, "coordinates")


def _line(value: Any) -> list[list[float]]:
    return _positions(value, "coordinates", 2)


def _polygon(value: Any) -> list[list[list[float]]]:
    if not isinstance(value, list) or not value:
        raise InvalidProposal(
            "geometry.coordinates",
            f"a Polygon's coordinates must be a non-empty array of rings, got {_show(value)}",
        )
    if len(value) > MAX_VERTICES:
        raise InvalidProposal(
            "geometry.coordinates",
            f"the Polygon has {len(value)} rings; the limit is {MAX_VERTICES} vertices",
        )
    rings = [_positions(ring, f"coordinates[{index}]", 4) for index, ring in enumerate(value)]
    for index, ring in enumerate(rings):
        if ring[0] != ring[-1]:
            raise InvalidProposal(
                "geometry.coordinates",
                f"ring coordinates[{index}] is not closed: its first position {ring[0]} "
                f"differs from its last {ring[-1]}",
            )
    return rings


_COORDINATES = {"Point": _point, "LineString": _line, "Polygon": _polygon}


def _count(coordinates: list) -> int:
    if coordinates and isinstance(coordinates[0], float):
        return 1
    return sum(_count(item) for item in coordinates)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _string(properties: dict[str, Any], name: str) -> str:
    value = properties.get(name)
    if value is None:
        raise InvalidProposal(f"properties.{name}", f"{name!r} is missing; it must be a non-empty string")
    if not isinstance(value, str) or not value:
        raise InvalidProposal(
            f"properties.{name}", f"{name!r} must be a non-empty string, got {_show(value)}"
        )
    return value


def _kind(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _show(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
