"""The one place where GeoJSON's (lon, lat) order meets Leaflet's [lat, lon]."""

from __future__ import annotations

from collections.abc import Iterable

BBox = tuple[float, float, float, float]


def latlon(lon: float, lat: float) -> list[float]:
    """Return a Leaflet/folium ``[lat, lon]`` location from GeoJSON-ordered lon, lat.

    >>> latlon(60.8167, 56.5)
    [56.5, 60.8167]
    """
    return [lat, lon]


def leaflet_bounds(bbox: BBox) -> list[list[float]]:
    """Return ``[[south, west], [north, east]]`` from a ``(west, south, east, north)`` bbox.

    >>> leaflet_bounds((60.5, 56.3, 61.0, 56.6))
    [[56.3, 60.5], [56.6, 61.0]]
    """
    west, south, east, north = bbox
    return [latlon(west, south), latlon(east, north)]


def bbox_of(bounds: Iterable[float]) -> list[float]:
    """Round a ``(west, south, east, north)`` bounds tuple to 6 decimals (about 0.1 m).

    >>> bbox_of((60.123456789, 56.1, 60.2, 56.3))
    [60.123457, 56.1, 60.2, 56.3]
    """
    return [round(float(value), 6) for value in bounds]
