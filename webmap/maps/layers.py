"""A pack's layers as folium draws them: popup rows, tooltips, labels, styles and legend rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import folium
import folium.plugins
import shapely.geometry
from babel.dates import get_month_names
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from geo.layers import layer_features
from geo.pack import Layer
from webmap.maps.extras import (
    STYLE_KEY,
    EmbeddedGeoJson,
    geojson_text,
)
from webmap.maps.popups import POPUP_KEY, TOOLTIP_KEY, SafePopup, SafeTooltip, layer_name
from webmap.pageparts import page_part

LABEL_KEY = "_label"

LOCALIZED_FIELDS = ("name", "description", "hours", "amenities")
LABEL_MIN_ZOOM = 15  # place names are drawn on the map from this zoom on
LABEL_MAX_SPAN_DEG = 0.01  # ... for points and for shapes smaller than about a kilometre
# Seasonal uses look different: the rink icy blue, the cinema orange, closed grey and dashed.
USE_STYLES = {
    "rink": {"color": "#0d47a1", "fillColor": "#9fd3f2", "fillOpacity": 0.75},
    "cinema": {"color": "#6a3d9a", "fillColor": "#ff7f00", "fillOpacity": 0.65},
}
OTHER_USE_COLOURS = ("#00897b", "#c2185b", "#5d4037")
CLOSED_STYLE = {"color": "#616161", "fillColor": "#bdbdbd", "fillOpacity": 0.5, "dashArray": "4 4"}


LegendRow = tuple[str, str, str]  # colour, text, kind


@dataclass(frozen=True)
class LayerView:
    """A layer as drawn on a month in a language: its features (popup rows, tooltip, label and
    Leaflet style in their properties), the same as HTML-safe JSON text, and its legend rows."""

    collection: dict[str, Any]
    json_text: Markup
    legend: list[LegendRow]


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


def accuracy_text(accuracy: str, own_language: bool = False) -> str:
    """A pack's ``accuracy`` ("approximate: note") with its class in the request's language; the
    note is the pack's own text, in the pack's language (English), and said to be, unless it is in
    the request's language (``own_language``: a track's notes, written in each language).

    Unknown classes are shown as written.
    """
    grade, _colon, note = accuracy.partition(":")
    grades = {"approximate": _("approximate"), "surveyed": _("surveyed")}
    grade = grades.get(grade.strip(), grade.strip())
    note = note.strip()
    if note and own_language:
        return _("%(accuracy)s: %(note)s", accuracy=grade, note=note)
    return _("%(accuracy)s; the pack's note: %(note)s", accuracy=grade, note=note) if note else grade


def _field_text(properties: dict[str, Any], field: str, lang: str) -> str:
    if field == "accuracy" and properties.get("accuracy"):
        return accuracy_text(str(properties["accuracy"]))
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
    """The layer's GeoJSON on ``date`` with popup rows, tooltip text and, for places small enough
    to name on the map, label text in ``lang``."""
    collection = layer_features(layer, date)
    for feature in collection["features"]:
        properties = feature["properties"]
        properties[POPUP_KEY] = popup_rows(properties, layer.popup_fields, lang)
        properties[TOOLTIP_KEY] = tooltip_text(properties, lang)
        if layer.kind != "line" and _small(feature["geometry"]):
            properties[LABEL_KEY] = str(properties.get(f"name_{lang}", ""))
    return collection


def layer_view(layer: Layer, date: dt.date, lang: str) -> LayerView:
    """The layer as drawn on ``date`` in ``lang``, made once per app, language and, for layers with
    seasonal uses, month (the only part of the date they depend on). Read-only: shared by requests."""
    month = date.month if "uses" in layer.frame.columns else None
    return page_part(("layer", layer.id, month, lang), lambda: _layer_view(layer, date, lang))


def _layer_view(layer: Layer, date: dt.date, lang: str) -> LayerView:
    collection = display_features(layer, date, lang)
    style = _leaflet_style(layer.style)
    for feature in collection["features"]:
        feature["properties"][STYLE_KEY] = _feature_style(layer, style, feature["properties"])
    return LayerView(collection, geojson_text(collection), _layer_legend(layer, collection, lang))


def _feature_style(layer: Layer, style: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    """A feature's Leaflet style: its layer's, its seasonal use's, and for points a filled circle."""
    if "uses" in properties:
        use = properties.get("current_use")
        index = next((i for i, u in enumerate(properties["uses"]) if use and u["id"] == use["id"]), 0)
        style = {**style, **use_style(use, index)}
    if layer.kind == "point":
        marker = {"radius": layer.style.get("radius", 8), "fill": True, "fillOpacity": 0.85}
        style = {**marker, "fillColor": style.get("color"), **style}
    return style


def _small(geometry: dict[str, Any]) -> bool:
    """Whether a geometry is a point or spans less than LABEL_MAX_SPAN_DEG both ways."""
    west, south, east, north = shapely.geometry.shape(geometry).bounds
    return max(east - west, north - south) < LABEL_MAX_SPAN_DEG


def use_style(use: dict[str, Any] | None, index: int) -> dict[str, Any]:
    """How a seasonal place looks under its use in force (``index``: the use's place in its list)."""
    if use is None:
        return CLOSED_STYLE
    return USE_STYLES.get(use["id"]) or {
        "color": OTHER_USE_COLOURS[index % 3],
        "fillColor": OTHER_USE_COLOURS[index % 3],
        "fillOpacity": 0.6,
    }


def _layer_legend(layer: Layer, collection: dict[str, Any], lang: str) -> list[LegendRow]:
    """A layer's legend rows: one, or one per seasonal use and one for between seasons."""
    uses = next((f["properties"]["uses"] for f in collection["features"] if "uses" in f["properties"]), None)
    if not uses:
        return [(_legend_colour(layer), layer.legend[lang], layer.kind)]
    rows = [
        (use_style(use, index)["fillColor"], f"{use[f'name_{lang}']} ({_months(use['months'])})", layer.kind)
        for index, use in enumerate(uses)
    ]
    return [*rows, (CLOSED_STYLE["fillColor"], _("Between seasons: closed"), "polygon-closed")]


def _months(months: list[int]) -> str:
    names = get_month_names("abbreviated", context="stand-alone", locale=get_locale())
    return ", ".join(names[month] for month in months)


def layer_group(layer: Layer, view: LayerView, lang: str) -> tuple[folium.FeatureGroup, EmbeddedGeoJson]:
    """One layer as a named feature group holding its GeoJSON, with safe popups and tooltips."""
    group = folium.FeatureGroup(name=layer_name(layer.title[lang]), show=True)
    point = "circle" if layer.kind == "point" else None
    geojson = EmbeddedGeoJson(view.collection, view.json_text, point=point, control=False)
    SafePopup().add_to(geojson)
    SafeTooltip().add_to(geojson)
    geojson.add_to(group)
    return group, geojson


def _leaflet_style(style: dict[str, Any]) -> dict[str, Any]:
    """Manifest styles are snake case; Leaflet's path options are camel case."""
    names = {"fill_color": "fillColor", "fill_opacity": "fillOpacity", "dash_array": "dashArray"}
    return {names.get(key, key): value for key, value in style.items() if key != "radius"}


def _legend_colour(layer: Layer) -> str:
    return layer.style.get("fill_color") or layer.style.get("color", "#555")
