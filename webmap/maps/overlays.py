"""More layer groups for the city map from other parts of the app (the tracks, the approved proposals).

Each part registers a source at start (``add_city_map_overlays``); the city map asks them all
(``city_map_overlays``), so that the city knows none of the parts that draw on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import folium
from flask import Flask, current_app

from geo.pack import CityPack

OVERLAYS = "ecomap.citymap_overlays"
Overlay = tuple[str, folium.FeatureGroup]
OverlaySource = Callable[[CityPack, dt.date, str], list[Overlay]]


def add_city_map_overlays(app: Flask, source: OverlaySource) -> None:
    """Let another part of the app (tracks, proposals) add layer groups to the city map."""
    app.extensions.setdefault(OVERLAYS, []).append(source)


def city_map_overlays(pack: CityPack, date: dt.date, lang: str) -> list[Overlay]:
    """Every registered source's ``(group title, feature group)`` pairs for the city map on ``date``."""
    return [
        overlay for source in current_app.extensions.get(OVERLAYS, ()) for overlay in source(pack, date, lang)
    ]
