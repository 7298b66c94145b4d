"""The base map: a folium map with the app's tile layer (or a plain background), and lean assets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import folium
from flask_babel import gettext as _

from webmap.maps.extras import TileErrorNotice

LEAFLET_ASSETS = ("leaflet", "leaflet_css")


@dataclass(frozen=True)
class Tiles:
    """The base map's tile source; ``url`` None means a plain background."""

    url: str | None
    attribution: str = ""


def base_map(
    tiles: Tiles,
    *,
    lean: bool = False,
    notice: str | None = None,
    tile_options: dict[str, Any] | None = None,
    **options: Any,
) -> folium.Map:
    """A folium map made with ``options``, with the base tiles under every layer when there are any.

    ``lean`` loads only Leaflet (``lean_assets``); ``notice`` is said on the map when the tiles
    cannot be loaded; ``tile_options`` go to the tile layer (such as ``max_native_zoom``).
    """
    folium_map = folium.Map(tiles=None, **options)
    if lean:
        lean_assets(folium_map)
    if tiles.url:
        base = folium.TileLayer(
            tiles.url, attr=tiles.attribution, name=_("Base map"), control=False, **(tile_options or {})
        )
        base.add_to(folium_map)
        if notice:
            TileErrorNotice(base, notice).add_to(folium_map)
    return folium_map


def lean_assets(folium_map: folium.Map) -> folium.Map:
    """Load only Leaflet for this map, not folium's jQuery, Bootstrap and icon fonts.

    Our popups, tooltips, legend and circle markers need none of them, and each is
    another request before the map draws (bench/bench_citymap.py). Plugins added to
    the map still bring their own scripts.
    """
    folium_map.default_js = [asset for asset in type(folium_map).default_js if asset[0] in LEAFLET_ASSETS]
    folium_map.default_css = [asset for asset in type(folium_map).default_css if asset[0] in LEAFLET_ASSETS]
    return folium_map
