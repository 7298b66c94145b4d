"""The app's loaded city pack, its measured tracks, the tile setting and the request's date."""

from __future__ import annotations

import contextlib
import datetime as dt
import re

from flask import Flask, current_app

from geo.pack import CityPack, load_pack
from routes.catalog import Catalog
from webmap.http.errors import ApiError
from webmap.maps.base import Tiles
from webmap.maps.popups import attribution_html

EXTENSION = "ecomap.pack"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # RFC 3339's full-date, OpenAPI's format: date
CATALOG = "ecomap.tracks"  # set by the tracks feature at start (webmap/tracks/views.py)


def init_app(app: Flask) -> None:
    """Load the pack named by the PACK setting once, at start-up (PackError if it is broken)."""
    app.extensions[EXTENSION] = load_pack(app.config["PACK"])


def get_pack() -> CityPack:
    return current_app.extensions[EXTENSION]


def get_catalog() -> Catalog:
    """The app's measured tracks."""
    return current_app.extensions[CATALOG]


def get_tiles() -> Tiles:
    """The base map tiles: the pack's, none at all, or a URL from ECOMAP_TILES.

    The attribution is plain text (escaped, its URLs made links): Leaflet shows it as HTML.
    """
    setting = current_app.config["TILES"].strip()
    pack = get_pack()
    if setting.lower() == "none":
        return Tiles(None)
    if not setting:
        return Tiles(pack.tiles_url, attribution_html(pack.tiles_attribution))
    return Tiles(setting, attribution_html(current_app.config["TILES_ATTRIBUTION"] or pack.tiles_attribution))


def parse_date(text: str | None, today: dt.date | None = None) -> dt.date:
    """The ``?date=YYYY-MM-DD`` argument, today when absent; a 400 naming the bad value otherwise."""
    if not text:
        return today or dt.date.today()
    if ISO_DATE.fullmatch(text):  # fromisoformat alone takes 20260701 and 2026-W27 too
        with contextlib.suppress(ValueError):  # 2026-02-30
            return dt.date.fromisoformat(text)
    raise ApiError(400, f"'date' must be a date as YYYY-MM-DD, got {text!r}", field="date")
