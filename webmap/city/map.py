"""Build the officials' city map with folium: every layer, grouped, styled, with a legend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import folium
import folium.plugins
from flask_babel import gettext as _

from geo.coords import latlon
from geo.pack import CityPack
from webmap.maps.base import Tiles, base_map
from webmap.maps.controls import Legend, MetricScale
from webmap.maps.extras import ControlsFirst, PlaceLabels
from webmap.maps.layers import LABEL_MIN_ZOOM, LegendRow, layer_group, layer_view
from webmap.maps.overlays import Overlay
from webmap.maps.popups import layer_name


def build_city_map(
    pack: CityPack, date: dt.date, lang: str, tiles: Tiles, overlays: Iterable[Overlay] = ()
) -> folium.Map:
    """The city map: base tiles (or none), layers in their groups, legend, scale, full screen.

    ``overlays`` are more ``(group title, feature group)`` pairs, such as the tracks or the
    approved proposals, put into the layer control after the pack's own layers.
    """
    city_map = base_map(
        tiles,
        lean=True,
        notice=_tile_notice(),
        location=latlon(pack.center_lon, pack.center_lat),
        zoom_start=pack.zoom,
        max_zoom=19,
        max_bounds=True,
        min_lat=pack.bbox[1],
        max_lat=pack.bbox[3],
        min_lon=pack.bbox[0],
        max_lon=pack.bbox[2],
    )
    groups: dict[str, list[folium.FeatureGroup]] = {}
    entries: list[LegendRow] = []
    labelled = []
    for layer in pack.layers.values():
        view = layer_view(layer, date, lang)
        feature_group, geojson = layer_group(layer, view, lang)
        feature_group.add_to(city_map)
        groups.setdefault(layer_name(pack.groups[layer.group][lang]), []).append(feature_group)
        entries += view.legend
        labelled.append(geojson)
    for group_title, feature_group in overlays:
        entries += getattr(feature_group, "legend_entries", None) or []
        if not hasattr(feature_group, "legend_entries"):
            entries += _overlay_legend(feature_group)
        feature_group.layer_name = layer_name(feature_group.layer_name)
        feature_group.add_to(city_map)
        groups.setdefault(layer_name(group_title), []).append(feature_group)
    folium.plugins.GroupedLayerControl(groups, exclusive_groups=False, collapsed=True).add_to(city_map)
    folium.plugins.Fullscreen(title=_("Full screen"), title_cancel=_("Exit full screen")).add_to(city_map)
    Legend(_("Legend"), list(dict.fromkeys(entries))).add_to(city_map)
    MetricScale().add_to(city_map)
    PlaceLabels(labelled, LABEL_MIN_ZOOM).add_to(city_map)
    ControlsFirst().add_to(city_map)
    return city_map


def _tile_notice() -> str:
    return _("The base map could not be loaded: check the connection. The layers are still shown.")


def _overlay_legend(group: folium.FeatureGroup) -> list[LegendRow]:
    """A legend row for another part's overlay (such as the approved proposals): its name, with
    the colour and kind of its first feature."""
    for child in group._children.values():
        if isinstance(child, folium.GeoJson) and child.data.get("features"):
            feature = child.data["features"][0]
            style_function = getattr(child, "style_function", None)
            style = style_function(feature) if style_function else {}
            kind = {"Point": "point", "LineString": "line"}.get(feature["geometry"]["type"], "polygon")
            return [(style.get("fillColor") or style.get("color", "#555"), group.layer_name, kind)]
    return []
