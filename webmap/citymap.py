"""Build the officials' city map with folium: every layer, grouped, styled, with a legend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import folium
import folium.plugins
from flask_babel import gettext as _

from geo.coords import latlon
from geo.layers import layer_features
from geo.pack import CityPack, Layer
from webmap.controls import Legend, MetricScale
from webmap.popups import POPUP_KEY, TOOLTIP_KEY, SafePopup, SafeTooltip, layer_name

LOCALIZED_FIELDS = ("name", "description", "hours", "amenities")


@dataclass(frozen=True)
class Tiles:
    """The base map's tile source; ``url`` None means a plain background."""

    url: str | None
    attribution: str = ""


def field_labels() -> dict[str, str]:
    """Popup labels of the fields a manifest may list, in the request's language."""
    return {
        "name": _("Name"),
        "description": _("Description"),
        "current_use": _("In use now"),
        "address": _("Address"),
        "hours": _("Opening hours"),
        "amenities": _("Amenities"),
        "accuracy": _("Accuracy"),
        "source": _("Source"),
        "url": _("Website"),
    }


def popup_rows(properties: dict[str, Any], fields: tuple[str, ...], lang: str) -> list[list[str]]:
    """The ``[label, text]`` rows of a feature's popup in ``lang``, skipping empty fields."""
    labels = field_labels()
    rows = []
    for field in fields:
        value = _field_text(properties, field, lang)
        if value:
            rows.append([labels.get(field, field), value])
    return rows


def _field_text(properties: dict[str, Any], field: str, lang: str) -> str:
    if field == "current_use":
        if "uses" not in properties:
            return ""
        use = properties.get("current_use")
        return use[f"name_{lang}"] if use else _("Between seasons: closed")
    key = f"{field}_{lang}" if field in LOCALIZED_FIELDS else field
    value = properties.get(key)
    return "" if value is None else str(value)


def tooltip_text(properties: dict[str, Any], lang: str) -> str:
    """A feature's name, and its use in force when it has seasonal uses."""
    name = str(properties.get(f"name_{lang}", ""))
    use = properties.get("current_use")
    return f"{name}: {use[f'name_{lang}']}" if use else name


def display_features(layer: Layer, date: dt.date, lang: str) -> dict[str, Any]:
    """The layer's GeoJSON on ``date`` with popup rows and tooltip text in ``lang``."""
    collection = layer_features(layer, date)
    for feature in collection["features"]:
        properties = feature["properties"]
        properties[POPUP_KEY] = popup_rows(properties, layer.popup_fields, lang)
        properties[TOOLTIP_KEY] = tooltip_text(properties, lang)
    return collection


Overlay = tuple[str, folium.FeatureGroup]
OverlaySource = Callable[[CityPack, dt.date, str], list[Overlay]]


def build_city_map(
    pack: CityPack, date: dt.date, lang: str, tiles: Tiles, overlays: Iterable[Overlay] = ()
) -> folium.Map:
    """The city map: base tiles (or none), layers in their groups, legend, scale, full screen.

    ``overlays`` are more ``(group title, feature group)`` pairs, such as the tracks or the
    approved proposals, put into the layer control after the pack's own layers.
    """
    city_map = folium.Map(
        location=latlon(pack.center_lon, pack.center_lat),
        zoom_start=pack.zoom,
        tiles=None,
        max_zoom=19,
        max_bounds=True,
        min_lat=pack.bbox[1],
        max_lat=pack.bbox[3],
        min_lon=pack.bbox[0],
        max_lon=pack.bbox[2],
    )
    lean_assets(city_map)
    if tiles.url:
        folium.TileLayer(tiles.url, attr=tiles.attribution, name=_("Base map"), control=False).add_to(
            city_map
        )
    groups: dict[str, list[folium.FeatureGroup]] = {}
    for layer in pack.layers.values():
        feature_group = _layer_group(layer, date, lang).add_to(city_map)
        groups.setdefault(layer_name(pack.groups[layer.group][lang]), []).append(feature_group)
    for group_title, feature_group in overlays:
        feature_group.layer_name = layer_name(feature_group.layer_name)
        groups.setdefault(layer_name(group_title), []).append(feature_group.add_to(city_map))
    folium.plugins.GroupedLayerControl(groups, exclusive_groups=False, collapsed=True).add_to(city_map)
    folium.plugins.Fullscreen(title=_("Full screen"), title_cancel=_("Exit full screen")).add_to(city_map)
    entries = [(_legend_colour(layer), layer.legend[lang], layer.kind) for layer in pack.layers.values()]
    Legend(_("Legend"), entries).add_to(city_map)
    MetricScale().add_to(city_map)
    return city_map


LEAFLET_ASSETS = ("leaflet", "leaflet_css")


def lean_assets(folium_map: folium.Map) -> folium.Map:
    """Load only Leaflet for this map, not folium's jQuery, Bootstrap and icon fonts.

    Our popups, tooltips, legend and circle markers need none of them, and each is
    another request before the map draws (bench/bench_citymap.py). Plugins added to
    the map still bring their own scripts.
    """
    folium_map.default_js = [asset for asset in type(folium_map).default_js if asset[0] in LEAFLET_ASSETS]
    folium_map.default_css = [asset for asset in type(folium_map).default_css if asset[0] in LEAFLET_ASSETS]
    return folium_map


def _layer_group(layer: Layer, date: dt.date, lang: str) -> folium.FeatureGroup:
    """One layer as a named feature group holding a GeoJson with safe popups and tooltips."""
    group = folium.FeatureGroup(name=layer_name(layer.title[lang]), show=True)
    style = _leaflet_style(layer.style)
    options: dict[str, Any] = {"style_function": lambda _feature: style, "highlight_function": None}
    if layer.kind == "point":
        marker_style = {"fill": True, "fill_opacity": 0.85, "fill_color": style.get("color"), **style}
        options["marker"] = folium.CircleMarker(radius=layer.style.get("radius", 8), **marker_style)
    geojson = folium.GeoJson(display_features(layer, date, lang), control=False, **options)
    SafePopup().add_to(geojson)
    SafeTooltip().add_to(geojson)
    geojson.add_to(group)
    return group


def _leaflet_style(style: dict[str, Any]) -> dict[str, Any]:
    """Manifest styles are snake case; Leaflet's path options are camel case."""
    names = {"fill_color": "fillColor", "fill_opacity": "fillOpacity", "dash_array": "dashArray"}
    return {names.get(key, key): value for key, value in style.items() if key != "radius"}


def _legend_colour(layer: Layer) -> str:
    return layer.style.get("fill_color") or layer.style.get("color", "#555")
