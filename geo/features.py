"""Checks of raw GeoJSON features against RFC 7946 and a pack's rules, before shapely sees them."""

from __future__ import annotations

import math
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.validation import explain_validity

from geo.coords import BBox
from geo.seasons import check_uses

GEOMETRY_TYPES = {
    "point": {"Point", "MultiPoint"},
    "line": {"LineString", "MultiLineString"},
    "polygon": {"Polygon", "MultiPolygon"},
}
REQUIRED_PROPERTIES = ("name_ru", "name_en", "description_ru", "description_en", "source", "accuracy")
OPTIONAL_PROPERTIES = (
    "uses",
    "address",
    "hours_ru",
    "hours_en",
    "amenities_ru",
    "amenities_en",
    "url",
)
ACCURACY_LEVELS = ("surveyed", "approximate")


def check_properties(properties: Any) -> list[str]:
    """Return what is wrong with a feature's properties (empty when they are fine).

    >>> check_properties({"name_ru": "Парк"})[0]
    "property 'name_en' is missing"
    """
    if not isinstance(properties, dict):
        return [f"'properties' must be an object, got {type(properties).__name__}"]
    messages = []
    for key in REQUIRED_PROPERTIES:
        value = properties.get(key)
        if value is None:
            messages.append(f"property '{key}' is missing")
        elif not isinstance(value, str) or not value.strip():
            messages.append(f"property '{key}' must be a non-empty text, got {value!r}")
    accuracy = properties.get("accuracy")
    if isinstance(accuracy, str) and accuracy.split(":")[0].strip() not in ACCURACY_LEVELS:
        messages.append(
            f"property 'accuracy' must start with one of {', '.join(ACCURACY_LEVELS)}, got {accuracy!r}"
        )
    unknown = sorted(set(properties) - set(REQUIRED_PROPERTIES) - set(OPTIONAL_PROPERTIES))
    for key in unknown:
        messages.append(f"unknown property '{key}'")
    if "uses" in properties:
        messages.extend(check_uses(properties["uses"]))
    return messages


def check_geometry(geometry: Any, kind: str, bbox: BBox) -> list[str]:
    """Return what is wrong with a raw GeoJSON geometry of a layer of ``kind``.

    >>> check_geometry({"type": "Point", "coordinates": [56.5, 60.8]}, "point", (60, 56, 61, 57))
    ['coordinate [56.5, 60.8] is outside the city bounding box (60, 56, 61, 57): swapped lat/lon?']
    """
    if not isinstance(geometry, dict):
        return ["geometry is missing"]
    geometry_type = geometry.get("type")
    allowed = GEOMETRY_TYPES[kind]
    if geometry_type not in allowed:
        return [f"geometry type {geometry_type!r} does not fit a {kind} layer ({', '.join(sorted(allowed))})"]
    coordinates = geometry.get("coordinates")
    messages = _check_positions(coordinates, _depth(geometry_type), bbox)
    if messages:
        return messages
    messages = _check_shape(geometry_type, coordinates)
    if messages:
        return messages
    if kind == "polygon":
        messages = _check_rings(geometry_type, coordinates)
        if messages:
            return messages
    geom = shape(geometry)
    if geom.is_empty:
        return ["geometry is empty"]
    if not geom.is_valid:
        return [f"invalid geometry: {explain_validity(geom)}"]
    return []


def _depth(geometry_type: str) -> int:
    """Nesting depth of positions: 0 for a Point, 3 for a MultiPolygon."""
    return {
        "Point": 0,
        "MultiPoint": 1,
        "LineString": 1,
        "MultiLineString": 2,
        "Polygon": 2,
        "MultiPolygon": 3,
    }[geometry_type]


def _check_positions(coordinates: Any, depth: int, bbox: BBox) -> list[str]:
    """Check that coordinates nest as the type says and every position is a lon/lat in bbox."""
    if depth == 0:
        return _check_position(coordinates, bbox)
    if not isinstance(coordinates, list) or not coordinates:
        return [f"coordinates must be a non-empty list, got {coordinates!r}"[:200]]
    messages: list[str] = []
    for item in coordinates:
        messages.extend(_check_positions(item, depth - 1, bbox))
        if len(messages) >= 3:
            break
    return messages


def _check_shape(geometry_type: str, coordinates: Any) -> list[str]:
    """Check what shapely cannot build: positions of mixed dimensions, lines of one position.

    >>> _check_shape("LineString", [[60.8, 56.5], [60.81, 56.5, 250.0]])
    ['positions mix [lon, lat] and [lon, lat, elevation]; give every position a height or none']
    >>> _check_shape("MultiLineString", [[[60.8, 56.5], [60.81, 56.5]], [[60.8, 56.5]]])
    ['line 1 has 1 position, a line needs at least 2']
    """
    depth = _depth(geometry_type)
    lists = [coordinates]
    for _ in range(depth):
        lists = [item for items in lists for item in items]
    if len({len(position) for position in lists}) > 1:
        return ["positions mix [lon, lat] and [lon, lat, elevation]; give every position a height or none"]
    lines = {"LineString": [coordinates], "MultiLineString": coordinates}.get(geometry_type, [])
    return [
        f"line {index} has {len(line)} position, a line needs at least 2"
        for index, line in enumerate(lines)
        if len(line) < 2
    ]


def _check_position(position: Any, bbox: BBox) -> list[str]:
    if (
        not isinstance(position, list)
        or len(position) not in (2, 3)
        or not all(_is_number(value) for value in position)
    ):
        return [f"position {position!r} must be [lon, lat] or [lon, lat, elevation] numbers"[:200]]
    lon, lat = position[0], position[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return [f"coordinate {position!r} is outside WGS84 (lon -180..180, lat -90..90)"]
    west, south, east, north = bbox
    if not (west <= lon <= east and south <= lat <= north):
        swapped = west <= lat <= east and south <= lon <= north
        hint = ": swapped lat/lon?" if swapped else ""
        return [f"coordinate {position!r} is outside the city bounding box {bbox}{hint}"]
    return []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_rings(geometry_type: str, coordinates: Any) -> list[str]:
    """Check that every ring is closed, has four positions and winds by the right-hand rule."""
    polygons = coordinates if geometry_type == "MultiPolygon" else [coordinates]
    messages = []
    for polygon_index, rings in enumerate(polygons):
        for ring_index, ring in enumerate(rings):
            name = "exterior ring" if ring_index == 0 else f"hole {ring_index}"
            if geometry_type == "MultiPolygon":
                name = f"polygon {polygon_index} {name}"
            if len(ring) < 4:
                messages.append(f"{name} has {len(ring)} positions, a ring needs at least 4")
            elif ring[0][:2] != ring[-1][:2]:
                messages.append(f"{name} is not closed: it starts at {ring[0]} and ends at {ring[-1]}")
            elif ring_index == 0 and not shapely.is_ccw(shapely.LinearRing(ring)):
                messages.append(f"{name} winds clockwise; RFC 7946 wants exterior rings counter-clockwise")
            elif ring_index > 0 and shapely.is_ccw(shapely.LinearRing(ring)):
                messages.append(f"{name} winds counter-clockwise; RFC 7946 wants holes clockwise")
    return messages
