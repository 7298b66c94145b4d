"""A small kit and a synthetic square site for the layout tests, built in metres near Sysert."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import to_degrees
from geo.kit import Kit, Material, Part
from geo.layout import PlacedPart, Placement, place_parts
from geo.sites import KeepClear, Site

CRS = "EPSG:32641"
ORIGIN = (366_700.0, 6_263_400.0)  # the south-west corner of the square, near the Sysert school yard
SIDE_M = 40.0
ICON = Path("kit/icons/none.svg")


def _material(material_id: str, unit: str, price: float) -> Material:
    names = {"ru": material_id, "en": material_id}
    return Material(material_id, names, unit, price, dt.date(2026, 11, 1), "test price", True)


def _part(part_id: str, width: float, depth: float, clear: float, materials, **extra) -> Part:
    names = {"ru": part_id, "en": part_id}
    fields = {
        "shape": "rect",
        "height_m": 0.5,
        "clear_source": "test",
        "labour_h": 2.0,
        "durability": "pilot",
        "season": "all-year",
        "icon": ICON,
        "source": "test",
        **extra,
    }
    return Part(
        part_id, names, names, width_m=width, depth_m=depth, clear_m=clear, materials=materials, **fields
    )


MATERIALS = {
    "pallet": _material("pallet", "pcs", 250.0),
    "board": _material("board", "pcs", 300.0),
    "paint": _material("paint", "l", 650.0),
}
PARTS = {
    "bench": _part("bench", 1.2, 0.8, 0.6, (("pallet", 2.0), ("board", 2.0), ("paint", 0.5))),
    "wall": _part("wall", 1.0, 19.4, 0.0, (("board", 10.0),), durability="interim", labour_h=5.0),
    "beam": _part("beam", 3.0, 0.3, 1.5, (("board", 3.0),), durability="interim"),
    "bale": _part("bale", 0.9, 0.45, 0.6, (("paint", 0.1),), season="summer", durability="demo"),
    "tyre": _part("tyre", 0.6, 0.6, 0.3, (("paint", 0.5),), shape="circle"),
}
KIT = Kit(Path("kit.toml"), PARTS, MATERIALS)


def to_wgs84(geometry: BaseGeometry) -> BaseGeometry:
    transformer = to_degrees(CRS)
    return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _entrance(entrance_id: str, x: float, y: float, origin: tuple[float, float]) -> KeepClear:
    point = shapely.Point(origin[0] + x, origin[1] + y)
    names = {"ru": entrance_id, "en": entrance_id}
    zone = point.buffer(1.0)
    return KeepClear(
        entrance_id, "entrance", names, "test", "test", to_wgs84(point), point, zone, 1.0, 2.0, None
    )


def square_site(
    origin: tuple[float, float] = ORIGIN,
    budget_rub: float | None = None,
    free_route_m: float = 1.5,
    height_m: float = SIDE_M,
) -> Site:
    """A 40 m square (or 40 m × ``height_m``) with an entrance in the middle of its west and east sides."""
    west, south = origin
    mask_metric = shapely.box(west, south, west + SIDE_M, south + height_m)
    shapely.prepare(mask_metric)
    entrances = (
        _entrance("west-gate", 0.0, height_m / 2, origin),
        _entrance("east-gate", SIDE_M, height_m / 2, origin),
    )
    names = {"ru": "квадрат", "en": "square"}
    mask = to_wgs84(mask_metric)
    return Site(
        "square", "test", "square", names, mask, CRS, mask_metric, entrances, free_route_m, budget_rub
    )


def placements(
    draft: Sequence[tuple[str, float, float, float]], origin: tuple[float, float] = ORIGIN
) -> list[Placement]:
    """Placements from ``(part, x, y, rotation)`` in metres east and north of ``origin``."""
    transformer = to_degrees(CRS)
    found = []
    for part, x, y, rotation in draft:
        lon, lat = transformer.transform(origin[0] + x, origin[1] + y)
        found.append(Placement(part, lon, lat, rotation))
    return found


def place(
    draft: Sequence[tuple[str, float, float, float]], origin: tuple[float, float] = ORIGIN
) -> list[PlacedPart]:
    return place_parts(KIT, placements(draft, origin), CRS)
