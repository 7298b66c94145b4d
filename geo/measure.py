"""Measure layers in metres and square metres, in the pack's metric CRS."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd


@dataclass(frozen=True)
class LayerSummary:
    """A layer's feature count and its total area or length in metric units."""

    layer_id: str
    features: int
    area_m2: float
    length_m: float

    def __str__(self) -> str:
        """One line for ``ecomap check-data``.

        >>> print(LayerSummary("yard", 1, 7_000.4, 0.0))
        yard: 1 feature(s), 7,000 m²
        >>> print(LayerSummary("pond", 1, 3_380_000.0, 0.0))
        pond: 1 feature(s), 3.38 km²
        """
        figures = f"{self.features} feature(s)"
        if self.area_m2 >= 1e6:
            figures += f", {self.area_m2 / 1e6:,.2f} km²"
        elif self.area_m2:
            figures += f", {self.area_m2:,.0f} m²"
        if self.length_m:
            figures += f", {self.length_m / 1e3:,.2f} km"
        return f"{self.layer_id}: {figures}"


def areas_m2(frame: gpd.GeoDataFrame, crs_metric: str) -> pd.Series:
    """Area of each feature in square metres, measured in ``crs_metric``."""
    return frame.geometry.to_crs(crs_metric).area


def lengths_m(frame: gpd.GeoDataFrame, crs_metric: str) -> pd.Series:
    """Length (perimeter for polygons) of each feature in metres, in ``crs_metric``."""
    return frame.geometry.to_crs(crs_metric).length


def summarize_layer(layer_id: str, kind: str, frame: gpd.GeoDataFrame, crs_metric: str) -> LayerSummary:
    """Count a layer's features and add up their area (polygons) or length (lines)."""
    area_m2 = float(areas_m2(frame, crs_metric).sum()) if kind == "polygon" else 0.0
    length_m = float(lengths_m(frame, crs_metric).sum()) if kind == "line" else 0.0
    return LayerSummary(layer_id, len(frame), area_m2, length_m)
