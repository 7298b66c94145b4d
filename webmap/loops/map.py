"""The loops page's map: base tiles (or none), the walkable network drawn faintly, and "my location"."""

from __future__ import annotations

import datetime as dt

import folium
from flask_babel import gettext as _
from folium.plugins import LocateControl

from geo.coords import latlon
from geo.layers import layer_features
from geo.osm import load_mapping
from geo.pack import CityPack
from webmap.maps.base import base_map
from webmap.pack_access import get_tiles


def loops_map(pack: CityPack) -> folium.Map:
    """The page's map: base tiles (or none), the walkable network drawn faintly, and "my location"."""
    loop_map = base_map(
        get_tiles(),
        lean=True,  # no jQuery, Bootstrap or Font Awesome: the locate button draws its own icon
        control_scale=True,
        location=latlon(pack.center_lon, pack.center_lat),
        zoom_start=pack.zoom,
    )
    for layer_id in load_mapping(pack.path).layers_with_role("network"):
        if layer_id in pack.layers:
            network = layer_features(pack.layers[layer_id], dt.date.today())
            style = {"color": "#6b7d6b", "weight": 2, "opacity": 0.5, "interactive": False}
            folium.GeoJson(network, style_function=lambda _f, style=style: style, control=False).add_to(
                loop_map
            )
    LocateControl(
        strings={"title": _("Use my location")},
        icon="ecomap-locate-icon",
        iconLoading="ecomap-locate-icon ecomap-locate-loading",
        metric=True,
        showPopup=False,
        locateOptions={"watch": False, "enableHighAccuracy": True},
    ).add_to(loop_map)
    return loop_map
