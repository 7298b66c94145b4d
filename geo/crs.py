"""Metric CRSs: the UTM zone of a place, and geometries from WGS84 into a metric CRS (metres) and back."""

from __future__ import annotations

import math
from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from geo.coords import BBox

WGS84 = "EPSG:4326"


def metric_crs(box: BBox) -> str:
    """The UTM zone of a ``(west, south, east, north)`` box, by geopandas' ``estimate_utm_crs``.

    >>> metric_crs((60.78, 56.48, 60.84, 56.52)), metric_crs((24.93, 60.16, 24.95, 60.18))
    ('EPSG:32641', 'EPSG:32635')
    """
    crs = gpd.GeoSeries([shapely.box(*box)], crs=WGS84).estimate_utm_crs()
    return f"EPSG:{crs.to_epsg()}"


def utm_crs(lon: float, lat: float) -> str:
    """The UTM zone of a place (metres where a pack gives no metric CRS).

    UTM zones are bounded by whole degrees (every 6° of longitude, and the equator), so the
    place's zone is that of the 1° cell holding it, which is looked up once (a lookup in
    PROJ's database takes about 0.1 s).

    >>> utm_crs(60.8, 56.5), utm_crs(-70.6, -33.4), utm_crs(5.999, 0.0), utm_crs(6.0, -0.001)
    ('EPSG:32641', 'EPSG:32719', 'EPSG:32631', 'EPSG:32732')
    """
    return _cell_utm_crs(math.floor(lon), math.floor(lat))


@lru_cache(maxsize=256)
def _cell_utm_crs(west: int, south: int) -> str:
    return metric_crs((west, south, west + 1, south + 1))


@lru_cache(maxsize=16)
def to_metric(crs_metric: str) -> Transformer:
    """The transformer from WGS84 (lon, lat) to ``crs_metric`` (x, y in metres), built once per CRS.

    pyproj's transformers are thread-safe, so one serves every request.

    >>> x, y = to_metric("EPSG:32641").transform(63.0, 0.0)
    >>> round(x), round(y)
    (500000, 0)
    """
    return Transformer.from_crs(WGS84, crs_metric, always_xy=True)


@lru_cache(maxsize=16)
def to_degrees(crs_metric: str) -> Transformer:
    """The transformer from ``crs_metric`` (x, y in metres) back to WGS84 (lon, lat), built once per CRS.

    >>> lon, lat = to_degrees("EPSG:32641").transform(500000.0, 0.0)
    >>> round(lon, 6), round(lat, 6)
    (63.0, 0.0)
    """
    return Transformer.from_crs(crs_metric, WGS84, always_xy=True)


def in_metres(geometry: BaseGeometry, crs_metric: str) -> BaseGeometry:
    """``geometry`` from WGS84 longitude/latitude into ``crs_metric`` (metres).

    >>> round(in_metres(shapely.Point(63.0, 0.0), "EPSG:32641").x)
    500000
    """
    transformer = to_metric(crs_metric)
    return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def in_degrees(geometry: BaseGeometry, crs_metric: str) -> BaseGeometry:
    """``geometry`` from ``crs_metric`` (metres) back into WGS84 longitude/latitude, to 7 decimals (~1 cm).

    >>> in_degrees(shapely.Point(500000.0, 0.0), "EPSG:32641").coords[0]
    (63.0, 0.0)
    """
    transformer = to_degrees(crs_metric)
    return shapely.transform(
        geometry, lambda xy: np.round(np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])), 7)
    )
