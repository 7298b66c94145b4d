"""Parts placed on a site: footprints and clear zones in metres, from longitude, latitude and rotation."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import Polygon

from geo.crs import to_metric
from geo.kit import Kit, Part

CIRCLE_QUAD_SEGMENTS = 8  # a circle's footprint is a 32-gon


@dataclass(frozen=True)
class Placement:
    """A part of the kit put down at ``lon``, ``lat`` (WGS84), turned clockwise from north."""

    part: str
    lon: float
    lat: float
    rotation_deg: float = 0.0  # clockwise from north, [0, 360)


@dataclass(frozen=True)
class PlacedPart:
    """A placed part: its index in the draft, the part, its footprint and clear zone in metres."""

    index: int
    part: Part
    footprint: Polygon = field(repr=False, compare=False)
    clear_zone: Polygon = field(repr=False, compare=False)


def place_parts(kit: Kit, placements: Sequence[Placement], crs_metric: str) -> list[PlacedPart]:
    """The footprints and clear zones of ``placements`` in ``crs_metric`` (part ids already checked).

    Unrotated, a part's width runs east-west and its depth north-south; it is turned clockwise
    about its centre by ``rotation_deg``. The clear zone is the footprint grown by the part's
    ``clear_m``.
    """
    if not placements:
        return []
    parts = [kit.parts[placement.part] for placement in placements]
    lons = np.array([placement.lon for placement in placements], dtype=float)
    lats = np.array([placement.lat for placement in placements], dtype=float)
    xs, ys = to_metric(crs_metric).transform(lons, lats)
    footprints = [
        _footprint(part, float(x), float(y), placement.rotation_deg)
        for part, x, y, placement in zip(parts, np.atleast_1d(xs), np.atleast_1d(ys), placements, strict=True)
    ]
    clear_m = np.array([part.clear_m for part in parts])
    clear_zones = shapely.buffer(np.array(footprints, dtype=object), clear_m, quad_segs=CIRCLE_QUAD_SEGMENTS)
    shapely.prepare(clear_zones)
    return [
        PlacedPart(index, part, footprint, zone)
        for index, (part, footprint, zone) in enumerate(zip(parts, footprints, clear_zones, strict=True))
    ]


def _footprint(part: Part, x: float, y: float, rotation_deg: float) -> Polygon:
    if part.shape == "circle":
        return shapely.Point(x, y).buffer(part.width_m / 2, quad_segs=CIRCLE_QUAD_SEGMENTS)
    return rectangle(x, y, part.width_m, part.depth_m, rotation_deg)


def rectangle(x: float, y: float, width_m: float, depth_m: float, rotation_deg: float) -> Polygon:
    """A ``width_m`` × ``depth_m`` rectangle centred on ``x``, ``y``, turned clockwise by ``rotation_deg``.

    Quarter turns are exact (no sine rounding), so a part turned by 90° is exactly upright.

    >>> rectangle(0, 0, 2, 1, 90).bounds
    (-0.5, -1.0, 0.5, 1.0)
    >>> rectangle(10, 10, 2, 1, 360).equals(rectangle(10, 10, 2, 1, 0))
    True
    """
    sin, cos = _sin_cos(rotation_deg)
    half_w, half_d = width_m / 2, depth_m / 2
    corners = ((-half_w, -half_d), (half_w, -half_d), (half_w, half_d), (-half_w, half_d))
    # Clockwise by θ: x' = x cos θ + y sin θ, y' = −x sin θ + y cos θ.
    return Polygon([(x + dx * cos + dy * sin, y - dx * sin + dy * cos) for dx, dy in corners])


def _sin_cos(rotation_deg: float) -> tuple[float, float]:
    turn = rotation_deg % 360.0
    exact = {0.0: (0.0, 1.0), 90.0: (1.0, 0.0), 180.0: (0.0, -1.0), 270.0: (-1.0, 0.0)}
    if turn in exact:
        return exact[turn]
    radians = math.radians(turn)
    return math.sin(radians), math.cos(radians)
