"""Spatial layers of a city pack: loading, checking, measuring and seasons."""

from geo.errors import PackError, Problem
from geo.measure import LayerSummary, summarize_layer
from geo.pack import CityPack, Layer, check_pack, load_pack
from geo.seasons import use_on

__all__ = [
    "CityPack",
    "Layer",
    "LayerSummary",
    "PackError",
    "Problem",
    "check_pack",
    "load_pack",
    "summarize_layer",
    "use_on",
]
