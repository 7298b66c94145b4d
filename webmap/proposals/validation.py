"""Check a submitted proposal (a GeoJSON Feature) and turn it into a draft, or say everything that is wrong.

Pure functions: no Flask, no database. Every problem is an InvalidProposal naming the
field and what is wrong with its value, with a ``code`` and ``details`` from which
webmap/proposals/messages.py says it plainly in the reader's language. ``check_feature``
reports every problem of a proposal at once.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import shapely
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

from geo.bill import bill_as_dict
from geo.crs import in_degrees, in_metres
from geo.kit import Kit
from geo.layout import Placement
from geo.sites import MASK_TOLERANCE_M, Site
from webmap.http.params import LAT_RANGE, LON_RANGE
from webmap.proposals.errors import InvalidProposal
from webmap.proposals.parts import (
    DEFAULT_SEASON,
    Judgement,
    check_placements,
    check_season,
    judge,
    refusals,
)
from webmap.proposals.text_rules import JOINERS, describe, refused_character

MAX_BODY_BYTES = 64 * 1024
MAX_VERTICES = 500
GEOMETRY_TYPES = ("Point", "LineString", "Polygon")
MIN_DISTINCT = {"LineString": 2, "Polygon": 3}  # distinct points a line and each ring of an area need
CATEGORIES = ("bench", "planter", "shade", "art", "play", "lighting", "paving", "sign", "other")
TEXT_LIMITS = {"title": 120, "materials": 300, "description": 2000, "author": 40}
MULTILINE = ("materials", "description")
MAX_DEPTH = 20  # arrays and objects inside each other; a Polygon Feature needs 5
PROPERTIES = ("site", "category", *TEXT_LIMITS, "parts", "season")
_CONTACT = re.compile(r"@|\d[\d\s()+-]{5,}\d")
T = TypeVar("T")


class Problems(list):
    """The problems found so far; ``attempt`` runs one check and keeps its problems instead of raising."""

    def attempt(self, check: Callable[..., T], *args: Any) -> T | None:
        try:
            return check(*args)
        except InvalidProposal as error:
            self.extend(error.problems)
            return None

    def raise_any(self) -> None:
        if self:
            raise InvalidProposal.every(self)


@dataclass(frozen=True)
class Draft:
    """A checked proposal, ready to store: with kit parts, its geometry holds their footprints too."""

    site: str
    category: str
    title: str
    materials: str
    description: str
    author: str
    geometry: dict[str, Any]
    bounds: tuple[float, float, float, float]
    parts: tuple[Placement, ...] = ()
    season: str | None = None
    bill: dict[str, Any] | None = None


@dataclass(frozen=True)
class Design:
    """A draft read for its shape and parts only: its site, freehand geometry, placements and season."""

    site: Site
    geometry: dict[str, Any] | None
    placements: tuple[Placement, ...]
    season: str
    texts: dict[str, str] | None


def check_feature(body: Any, sites: dict[str, Site], kit: Kit | None = None) -> Draft:
    """Check a decoded JSON body against every rule; return the draft or raise InvalidProposal with
    every problem found (a body that is not an object has just that one).

    A proposal is a freehand shape (``geometry``), kit parts (``properties.parts``), or both; its
    parts must pass the layout rules of its site (``webmap/proposals/parts.py``).

    >>> check_feature([], {})
    Traceback (most recent call last):
    ...
    webmap.proposals.errors.InvalidProposal: the body must be a JSON object (a GeoJSON Feature), got array
    """
    problems = Problems()
    design = _read_design(body, sites, kit, problems, texts_required=True)
    judgement = None
    if design is not None and design.placements and kit is not None:
        judgement = judge(design.site, kit, design.placements, design.season)
        problems.extend(refusals(judgement, design.site))
    problems.raise_any()
    assert design is not None and design.texts is not None, "raise_any raised if a check failed"
    geometry = stored_geometry(design, judgement)
    bill = bill_as_dict(judgement.bill) if judgement else None
    season = design.season if design.placements else None
    return Draft(
        **design.texts,
        geometry=geometry,
        bounds=shape(geometry).bounds,
        parts=design.placements,
        season=season,
        bill=bill,
    )


def check_design(body: Any, sites: dict[str, Site], kit: Kit | None) -> tuple[Design, Judgement | None]:
    """A draft being designed (``POST /api/proposals/check``): its shape and parts must be well formed
    (InvalidProposal otherwise, as for a submission), its texts may be missing; the rules' verdict,
    its placed parts and bill are returned, not raised."""
    problems = Problems()
    design = _read_design(body, sites, kit, problems, texts_required=False)
    problems.raise_any()
    assert design is not None, "raise_any raised if a check failed"
    if not design.placements or kit is None:
        return design, None
    return design, judge(design.site, kit, design.placements, design.season)


def _read_design(
    body: Any, sites: dict[str, Site], kit: Kit | None, problems: Problems, texts_required: bool
) -> Design | None:
    """Every check of a body but the layout rules, its problems added to ``problems``."""
    if not isinstance(body, dict):
        raise InvalidProposal(
            "body", f"the body must be a JSON object (a GeoJSON Feature), got {_kind(body)}", 400
        )
    problems.attempt(_check_type, body.get("type"))
    properties = problems.attempt(_check_object, body.get("properties"))
    if properties is None:
        problems.attempt(check_geometry, body.get("geometry"))
        return None
    texts = problems.attempt(check_properties, properties, sites, texts_required)
    site = sites.get(properties["site"]) if isinstance(properties.get("site"), str) else None
    parts = properties.get("parts")
    geometry = None
    if body.get("geometry") is not None or not parts:  # a shape is needed where there are no parts
        geometry = problems.attempt(check_geometry, body.get("geometry"))
    if geometry is not None and site is not None:
        problems.attempt(check_inside, geometry, site)
    placements = problems.attempt(check_placements, parts, site, kit) if "parts" in properties else ()
    season = (
        problems.attempt(check_season, properties["season"]) if "season" in properties else DEFAULT_SEASON
    )
    if site is None or placements is None or season is None:
        return None
    return Design(site, geometry, placements, season, texts)


def stored_geometry(design: Design, judgement: Judgement | None) -> dict[str, Any]:
    """What a proposal's map shows: its freehand shape, and with parts a GeometryCollection of the
    shape (if any) and every part's footprint, in the parts' order."""
    if judgement is None:
        assert design.geometry is not None, "a proposal without parts has a shape"
        return design.geometry
    crs = design.site.crs_metric
    footprints = [dict(mapping(in_degrees(placed.footprint, crs))) for placed in judgement.placed]
    members = ([design.geometry] if design.geometry else []) + footprints
    return {"type": "GeometryCollection", "geometries": members}


def _check_type(kind: Any) -> None:
    if kind is None:
        raise InvalidProposal("type", "'type' is missing; it must be 'Feature'")
    if kind != "Feature":
        raise InvalidProposal("type", f"'type' must be 'Feature', got {_show(kind)}")


def _check_object(properties: Any) -> dict[str, Any]:
    if properties is None:
        raise InvalidProposal("properties", "'properties' is missing; it must be an object")
    if not isinstance(properties, dict):
        raise InvalidProposal("properties", f"'properties' must be an object, got {_kind(properties)}")
    return properties


def check_properties(
    properties: dict[str, Any], sites: dict[str, Site], texts_required: bool = True
) -> dict[str, str] | None:
    """The checked ``site``, ``category`` and texts (stripped, NFC-normalised), or every problem of them.

    Without ``texts_required`` (a draft being designed) only the site is checked, and None returned.
    """
    problems = Problems()
    unknown = [name for name in properties if name not in PROPERTIES]
    if unknown:  # the first one only: a body of a thousand made-up keys is one problem, not a thousand
        message = f"unknown property {unknown[0]!r}; allowed: {', '.join(PROPERTIES)}"
        problems.append(InvalidProposal(f"properties.{unknown[0]}", message))
    site = problems.attempt(_check_site, properties, sites)
    if not texts_required:
        problems.raise_any()
        return None
    category = problems.attempt(_check_category, properties)
    texts = {name: problems.attempt(check_text, name, properties.get(name)) for name in TEXT_LIMITS}
    if texts["author"] is not None and _CONTACT.search(texts["author"]):
        message = "'author' looks like an e-mail address or phone number; give a nickname only"
        problems.append(InvalidProposal("properties.author", message, code="contact"))
    problems.raise_any()
    checked = {name: text for name, text in texts.items() if text is not None}
    assert site is not None and category is not None and len(checked) == len(texts), (
        "raise_any raised if a check failed"
    )
    return {"site": site, "category": category, **checked}


def _check_site(properties: dict[str, Any], sites: dict[str, Site]) -> str:
    site = _string(properties, "site", "unknown_site")
    if site not in sites:
        known = ", ".join(sites) or "none"
        raise InvalidProposal(
            "properties.site", f"unknown site {site!r}; sites taking proposals: {known}", code="unknown_site"
        )
    return site


def _check_category(properties: dict[str, Any]) -> str:
    category = _string(properties, "category", "unknown_category")
    if category not in CATEGORIES:
        raise InvalidProposal(
            "properties.category",
            f"unknown category {category!r}; one of: {', '.join(CATEGORIES)}",
            code="unknown_category",
        )
    return category


def check_depth(body: Any, limit: int = MAX_DEPTH) -> None:
    """Refuse a body with arrays and objects nested over ``limit`` deep (checked without recursion).

    >>> check_depth([[[]]], 2)
    Traceback (most recent call last):
    ...
    webmap.proposals.errors.InvalidProposal: the body nests too deeply: over 2 levels of arrays or objects
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

    Format characters (Unicode category Cf: zero-width spaces, bidirectional overrides, ...) and the line
    and paragraph separators U+2028 and U+2029 are refused (webmap/proposals/text_rules.py), except the
    joiners ZWNJ and ZWJ, which some scripts and emoji need; a text of nothing but joiners and spaces is
    empty.

    >>> check_text("title", "  Bench  ")
    'Bench'
    >>> check_text("title", "x" * 121)
    Traceback (most recent call last):
    ...
    webmap.proposals.errors.InvalidProposal: 'title' is 121 characters long; the limit is 120
    """
    field = f"properties.{name}"
    if value is None:
        raise InvalidProposal(field, f"{name!r} is missing; it must be a string", code="empty", name=name)
    if not isinstance(value, str):
        raise InvalidProposal(field, f"{name!r} must be a string, got {_kind(value)}")
    raw = unicodedata.normalize("NFC", value)
    text = raw.strip()
    allowed = "\n\t" if name in MULTILINE else ""
    # separators and format characters anywhere (strip() would drop a U+2028 at an end unseen);
    # control characters inside the text (a line break at an end is trimmed, as spaces are)
    char = refused_character(raw, categories=("Cf", "Zl", "Zp")) or refused_character(text, allowed)
    if char is not None:
        raise InvalidProposal(
            field,
            f"{name!r} contains {describe(char)}",
            code="hidden_character",
            name=name,
            character=f"U+{ord(char):04X}",
        )
    if not text.translate(dict.fromkeys(map(ord, JOINERS))).strip():
        raise InvalidProposal(field, f"{name!r} must not be empty", code="empty", name=name)
    if len(text) > TEXT_LIMITS[name]:
        raise InvalidProposal(
            field,
            f"{name!r} is {len(text)} characters long; the limit is {TEXT_LIMITS[name]}",
            code="too_long",
            name=name,
            length=len(text),
            limit=TEXT_LIMITS[name],
        )
    return text


def check_geometry(geometry: Any) -> dict[str, Any]:
    """A Point, LineString or Polygon with [lon, lat] numbers in range, valid, of at most MAX_VERTICES.

    >>> check_geometry({"type": "Point", "coordinates": [60.8, 56.5]})
    {'type': 'Point', 'coordinates': [60.8, 56.5]}
    """
    if geometry is None:
        raise InvalidProposal("geometry", "'geometry' is missing; it must be an object", code="no_shape")
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
        raise _too_many_vertices(f"the {kind}", vertices)
    _check_distinct(kind, coordinates)
    checked = {"type": kind, "coordinates": coordinates}
    built = shape(checked)
    if kind == "Polygon" and built.convex_hull.area == 0:  # a bowtie has zero area too, but not its hull
        message = "the Polygon has no area: all its points lie on one line"
        raise InvalidProposal("geometry", message, code="flat")
    if not built.is_valid:
        reason = explain_validity(built)
        code = "crossing" if "Self-intersection" in reason else "shape_invalid"
        raise InvalidProposal("geometry", f"the {kind} is not valid: {reason}", code=code, reason=reason)
    return checked


def _check_distinct(kind: str, coordinates: list[Any]) -> None:
    """A LineString needs two distinct points, each ring of a Polygon three: points that coincide count once.

    >>> try:
    ...     _check_distinct("Polygon", [[[60.8, 56.5]] * 4])
    ... except InvalidProposal as error:
    ...     print(error.details["count"], "too few distinct points" in str(error))
    1 True
    """
    rings = [coordinates] if kind == "LineString" else coordinates if kind == "Polygon" else []
    minimum = MIN_DISTINCT.get(kind, 1)
    for index, ring in enumerate(rings):
        distinct = len({tuple(position) for position in ring})
        if distinct < minimum:
            where = "the LineString" if kind == "LineString" else f"the Polygon's ring coordinates[{index}]"
            raise InvalidProposal(
                "geometry.coordinates",
                f"{where} has too few distinct points: {distinct}; at least {minimum} are needed "
                "(its points coincide)",
                code="too_few_points",
                kind=kind,
                count=distinct,
                minimum=minimum,
            )


def check_inside(geometry: dict[str, Any], site: Site) -> None:
    """The shape lies wholly inside the site's mask, give or take MASK_TOLERANCE_M metres.

    A shape that does not is refused with how far it reaches out, beyond the tolerance: the area
    outside (``outside_m2``) of a Polygon, the length (``outside_m``) of a LineString, the
    distance (``distance_m``) of a Point.
    """
    metric = in_metres(shape(geometry), site.crs_metric)
    if shapely.covers(site.mask_metric, metric):
        return
    outside = metric.difference(site.mask_metric)
    where = f"{outside.area:.1f} m² of it" if outside.area else "it"
    reach: dict[str, Any] = {
        "Polygon": {"outside_m2": outside.area},
        "LineString": {"outside_m": outside.length},
        "Point": {"distance_m": metric.distance(site.mask_metric)},
    }[geometry["type"]]
    raise InvalidProposal(
        "geometry",
        f"the {geometry['type']} is not wholly inside site {site.id!r} ({where} lies outside "
        f"beyond the {MASK_TOLERANCE_M} m tolerance)",
        code="outside",
        kind=geometry["type"],
        site=site.id,
        site_title=site.title,
        **reach,
    )


def _too_many_vertices(what: str, count: int) -> InvalidProposal:
    message = f"{what} has {count} vertices; the limit is {MAX_VERTICES}"
    return InvalidProposal(
        "geometry.coordinates", message, code="too_many_points", count=count, limit=MAX_VERTICES
    )


def _position(value: Any, where: str) -> list[float]:
    if not isinstance(value, list) or len(value) != 2:
        raise InvalidProposal(
            "geometry.coordinates", f"{where} must be a [lon, lat] pair, got {_show(value)}"
        )
    if not all(_is_number(item) for item in value):
        raise InvalidProposal("geometry.coordinates", f"{where} must hold two numbers, got {_show(value)}")
    lon, lat = (float(item) for item in value)
    if not (LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
        raise InvalidProposal(
            "geometry.coordinates",
            f"{where} is out of range: lon must be in [-180, 180] and lat in [-90, 90], got {_show(value)}",
            code="out_of_range",
        )
    return [lon, lat]


def _positions(value: Any, where: str, minimum: int) -> list[list[float]]:
    if not isinstance(value, list):
        raise InvalidProposal(
            "geometry.coordinates", f"{where} must be an array of positions, got {_kind(value)}"
        )
    if len(value) > MAX_VERTICES:
        raise _too_many_vertices(where, len(value))
    if len(value) < minimum:
        raise InvalidProposal(
            "geometry.coordinates",
            f"{where} needs at least {minimum} positions, got {len(value)}",
            code="too_few_points",
            kind="LineString" if minimum == 2 else "Polygon",
            count=len(value) - (minimum == 4),  # a ring's last position repeats its first
            minimum=minimum - (minimum == 4),
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
                code="not_closed",
            )
    return rings


_COORDINATES: dict[str, Callable[[Any], list[Any]]] = {
    "Point": _point,
    "LineString": _line,
    "Polygon": _polygon,
}


def _count(coordinates: list) -> int:
    if coordinates and isinstance(coordinates[0], float):
        return 1
    return sum(_count(item) for item in coordinates)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _string(properties: dict[str, Any], name: str, code: str) -> str:
    value = properties.get(name)
    if value is None:
        message = f"{name!r} is missing; it must be a non-empty string"
        raise InvalidProposal(f"properties.{name}", message, code=code)
    if not isinstance(value, str) or not value:
        message = f"{name!r} must be a non-empty string, got {_show(value)}"
        raise InvalidProposal(f"properties.{name}", message, code=code)
    return value


def _kind(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _show(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
