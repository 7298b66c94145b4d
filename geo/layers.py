"""Layers as GeoJSON for a date: seasonal uses resolved to the use in force."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from geo.coords import bbox_of
from geo.pack import Layer
from geo.seasons import use_on


def layer_features(layer: Layer, date: dt.date) -> dict[str, Any]:
    """Return ``layer`` as an RFC 7946 FeatureCollection, with ``current_use`` on ``date``.

    Features that list seasonal ``uses`` get ``current_use``: the use in force on
    ``date``, or None between seasons. Missing optional properties are left out.
    """
    features = []
    for feature in layer.frame.iterfeatures(na="drop", show_bbox=False):
        properties = {key: value for key, value in feature["properties"].items() if not _is_nan(value)}
        if "uses" in properties:
            properties["current_use"] = use_on(properties["uses"], date)
        features.append(
            {
                "type": "Feature",
                "id": feature["id"],
                "properties": properties,
                "geometry": feature["geometry"],
            }
        )
    return {"type": "FeatureCollection", "features": features}


def layer_bounds(layer: Layer) -> list[float]:
    """The layer's ``[west, south, east, north]`` in WGS84 degrees."""
    return bbox_of(layer.frame.total_bounds)


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)
