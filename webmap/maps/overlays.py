"""More layer groups for the city map from other parts of the app (the tracks, the approved proposals).

Each part registers a source at start (``add_city_map_overlays``), with what its layers depend on
beyond the pack, the date and the language (its ``version``); the city map asks them all
(``city_map_overlays``, ``overlays_version`` for its cache key), so that the city knows none of the
parts that draw on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable

import folium
from flask import Flask, current_app

from geo.pack import CityPack

OVERLAYS = "ecomap.citymap_overlays"
Overlay = tuple[str, folium.FeatureGroup]
OverlaySource = Callable[[CityPack, dt.date, str], list[Overlay]]
OverlayVersion = Callable[[], Hashable]


def add_city_map_overlays(app: Flask, source: OverlaySource, version: OverlayVersion | None = None) -> None:
    """Let another part of the app (tracks, proposals) add layer groups to the city map.

    ``version`` says what those layers depend on beyond the pack, the date and the language (such
    as the approved proposals), so that a cached city map is drawn anew when it changes.
    """
    app.extensions.setdefault(OVERLAYS, []).append((source, version))


def overlays_version() -> tuple[Hashable, ...]:
    """What every registered source's layers depend on now: part of the city map's cache key."""
    return tuple(version() for _source, version in current_app.extensions.get(OVERLAYS, ()) if version)


def city_map_overlays(pack: CityPack, date: dt.date, lang: str) -> list[Overlay]:
    """Every registered source's ``(group title, feature group)`` pairs for the city map on ``date``."""
    sources = current_app.extensions.get(OVERLAYS, ())
    return [overlay for source, _version in sources for overlay in source(pack, date, lang)]
