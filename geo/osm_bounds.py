"""Frame a new pack: its bounds from the extract's header or its walking network, and its zoom."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from geo.coords import BBox

HEADER_MIN_SHARE = 0.9  # header bounds holding less of the walking network are wrong
HEADER_MAX_AREA_RATIO = 16.0  # header bounds this many times the data's area frame mostly nothing
OUTLIER_AREA_RATIO = 4.0  # data whose full extent is this many times its core has stray far ways
CORE_QUANTILES = (0.005, 0.995)
MIN_SPAN_DEG = 0.001  # about 100 m: the smallest side a frame is measured with
MARGIN_DEG = 0.0002  # about 20 m around the data, so that no way runs along the frame's edge
MAP_SIZE_PX = (1024, 768)
ZOOM_RANGE = (10, 18)


@dataclass(frozen=True)
class Frame:
    """The bounds a new pack is framed by and why they were chosen."""

    bbox: BBox
    reason: str


def choose_frame(header: BBox | None, lons: np.ndarray, lats: np.ndarray) -> Frame:
    """The pack's bounds: the header's when they frame the walking network, else the network's own.

    ``lons``, ``lats``: every position of the walking network's ways, unclipped (not empty).

    >>> lons, lats = np.array([9.50, 9.52, 9.54]), np.array([47.12, 47.14, 47.15])
    >>> frame = choose_frame(None, lons, lats)
    >>> frame.bbox
    (9.4998, 47.1198, 9.5402, 47.1502)
    >>> frame.reason
    "the walking network's extent (the extract's header gives no bounds)"
    >>> choose_frame((9.49, 47.11, 9.55, 47.16), lons, lats).reason
    "the extract's header bounds"
    >>> choose_frame((9.50, 47.12, 9.51, 47.13), lons, lats).reason.split(":")[0]
    "the walking network's extent (the header's bounds [9.5, 47.12, 9.51, 47.13] hold 33 % of its positions)"
    """
    data, data_reason = data_box(lons, lats)
    if header is None:
        return Frame(outwards(data), f"{data_reason} (the extract's header gives no bounds)")
    west, south, east, north = header
    inside = (lons >= west) & (lons <= east) & (lats >= south) & (lats <= north)
    share = float(np.mean(inside))
    shown = [round(value, 6) for value in header]
    if share < HEADER_MIN_SHARE:
        why = f"the header's bounds {shown} hold {share * 100:.0f} % of its positions"
        return Frame(outwards(data), f"{data_reason} ({why})")
    if _area(header) > HEADER_MAX_AREA_RATIO * _area(data):
        ratio = _area(header) / _area(data)
        return Frame(outwards(data), f"{data_reason} (the header's bounds {shown} are {ratio:.0f}× larger)")
    return Frame(outwards(header), "the extract's header bounds")


def data_box(lons: np.ndarray, lats: np.ndarray) -> tuple[BBox, str]:
    """The extent of the positions, or of their central 99 % when a few stray far away.

    >>> lons = np.concatenate([np.linspace(9.50, 9.54, 500), [12.0]])
    >>> lats = np.concatenate([np.linspace(47.12, 47.15, 500), [48.0]])
    >>> box, reason = data_box(lons, lats)
    >>> [round(value, 4) for value in box], reason
    ([9.5, 47.12, 9.5401, 47.1501], "the central 99 % of the walking network's positions")
    """
    full = (float(lons.min()), float(lats.min()), float(lons.max()), float(lats.max()))
    low, high = CORE_QUANTILES
    core_lons, core_lats = np.quantile(lons, [low, high]), np.quantile(lats, [low, high])
    core = (float(core_lons[0]), float(core_lats[0]), float(core_lons[1]), float(core_lats[1]))
    if _area(full) > OUTLIER_AREA_RATIO * _area(core):
        return _widened(core), f"the central {(high - low) * 100:.0f} % of the walking network's positions"
    return _widened(full), "the walking network's extent"


def _widened(box: BBox) -> BBox:
    return (box[0] - MARGIN_DEG, box[1] - MARGIN_DEG, box[2] + MARGIN_DEG, box[3] + MARGIN_DEG)


def _area(box: BBox) -> float:
    return max(box[2] - box[0], MIN_SPAN_DEG) * max(box[3] - box[1], MIN_SPAN_DEG)


def outwards(box: BBox) -> BBox:
    """The box rounded outwards to 4 decimals (about 10 m).

    >>> outwards((9.50012, 47.1, 9.53981, 47.2))
    (9.5001, 47.1, 9.5399, 47.2)
    """
    west, south = math.floor(box[0] * 1e4) / 1e4, math.floor(box[1] * 1e4) / 1e4
    east, north = math.ceil(box[2] * 1e4) / 1e4, math.ceil(box[3] * 1e4) / 1e4
    return (west, south, east, north)


def fit_zoom(box: BBox) -> int:
    """The closest web-map zoom at which the box fits a 1024 x 768 map.

    >>> fit_zoom((9.505, 47.125, 9.545, 47.155)), fit_zoom((11.2568, 46.4548, 11.2581, 46.4557))
    (14, 18)
    """
    width_px, height_px = MAP_SIZE_PX
    lon_span = max(box[2] - box[0], 1e-9)
    lat_span = max(box[3] - box[1], 1e-9) / math.cos(math.radians((box[1] + box[3]) / 2))
    zoom = math.floor(math.log2(min(width_px / lon_span, height_px / lat_span) * 360 / 256))
    return min(max(zoom, ZOOM_RANGE[0]), ZOOM_RANGE[1])
