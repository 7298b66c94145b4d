"""Map behaviour of our own pages: fit to a route at any size, numbered stops, place labels,
a notice when the base map's tiles fail, keyboard order that reaches the controls first, and
GeoJSON layers whose data is written out once, not on every render."""

from __future__ import annotations

import functools
from typing import Any

import branca.element
import folium
from branca.element import MacroElement
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup


class FitRoute(MacroElement):
    """Fit the map to ``bounds`` ([[south, west], [north, east]]) now and whenever its box changes
    size (a phone's address bar, rotating, printing), so the whole route is always in view."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map, bounds) {
    const fit = function () { map.invalidateSize(false); map.fitBounds(bounds, {padding: [12, 12]}); };
    fit();
    if (window.ResizeObserver) new ResizeObserver(fit).observe(map.getContainer());
    window.addEventListener("beforeprint", fit);
    map.getContainer().dataset.fitted = "true";
})({{ this._parent.get_name() }}, {{ this.bounds | tojson }});
{% endmacro %}
"""
    )

    def __init__(self, bounds: list[list[float]]):
        super().__init__()
        self._name = "FitRoute"
        self.bounds = bounds


class TileErrorNotice(MacroElement):
    """A visible notice on the map, in the page's language, once the base map's tiles fail to load."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map, tiles) {
    let shown = false;
    tiles.on("tileerror", function () {
        if (shown) return;
        shown = true;
        const notice = L.control({position: "topright"});
        notice.onAdd = function () {
            const box = L.DomUtil.create("div", "ecomap-tile-notice");
            box.setAttribute("role", "status");
            box.textContent = {{ this.text | tojson }};
            return box;
        };
        notice.addTo(map);
    });
})({{ this._parent.get_name() }}, {{ this.tiles.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, tiles, text: str):
        super().__init__()
        self._name = "TileErrorNotice"
        self.tiles = tiles
        self.text = text


class PlaceLabels(MacroElement):
    """Labels with the names of the places whose features carry ``_label`` text, shown from
    ``min_zoom`` on while their layer is shown (text as text, never HTML)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map, layers, minZoom) {
    const groups = layers.map(function (layer) {
        const labels = L.layerGroup();
        layer.eachLayer(function (feature) {
            const text = ((feature.feature || {}).properties || {})._label;
            if (!text) return;
            const at = feature.getLatLng ? feature.getLatLng() : feature.getBounds().getCenter();
            const span = document.createElement("span");
            span.textContent = text;
            const options = {permanent: true, className: "ecomap-place-label", interactive: false};
            options.direction = feature.getLatLng ? "top" : "center";
            L.tooltip(options).setLatLng(at).setContent(span).addTo(labels);
        });
        return [layer, labels];
    });
    const update = function () {
        for (const [layer, labels] of groups) {
            const show = map.getZoom() >= minZoom && map.hasLayer(layer);
            if (show && !map.hasLayer(labels)) labels.addTo(map);
            if (!show && map.hasLayer(labels)) map.removeLayer(labels);
        }
    };
    map.on("zoomend overlayadd overlayremove", update);
    map.whenReady(update);
})(
    {{ this._parent.get_name() }},
    [{% for layer in this.layers %}{{ layer.get_name() }}{{ "" if loop.last else ", " }}{% endfor %}],
    {{ this.min_zoom }}
);
{% endmacro %}
"""
    )

    def __init__(self, layers: list, min_zoom: int):
        super().__init__()
        self._name = "PlaceLabels"
        self.layers = layers
        self.min_zoom = min_zoom


class ControlsFirst(MacroElement):
    """Keyboard order: the map's controls come before its shapes, and drawn SVG shapes are left
    out of the tab order (their popups open by click; the legend and layer list name them)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map) {
    const container = map.getContainer();
    const corners = container.querySelector(".leaflet-control-container");
    if (corners) container.insertBefore(corners, container.firstChild);
    const quiet = function () {
        container.querySelectorAll("path.leaflet-interactive, svg").forEach(function (node) {
            node.setAttribute("tabindex", "-1");
            node.setAttribute("focusable", "false");
        });
    };
    quiet();
    map.on("layeradd zoomend", quiet);
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self):
        super().__init__()
        self._name = "ControlsFirst"


STYLE_KEY = "_style"  # a feature's Leaflet path options (for points: its circle marker's)
ICON_KEY = "_icon"  # a point feature's badge HTML, built and escaped in Python


class EmbeddedGeoJson(folium.GeoJson):
    """folium's GeoJson with its data and styles prepared once, outside the request.

    ``json_text`` is the FeatureCollection already written as HTML-safe JSON (``<``, ``>``, ``&``
    and ``'`` escaped, as Jinja's ``tojson`` does) and each feature carries its own Leaflet style
    in ``_style``, so rendering a page neither writes the data out again nor maps styles feature by
    feature (folium's GeoJson does both on every render). Points are drawn as circle markers
    (``point="circle"``, options from ``_style``) or as div icons (``point="icon"``, the HTML in
    ``_icon``, ``point_options`` for the icon, its tooltip text as its ``alt``, which
    static/leaflet-locale.js makes the focusable badge's accessible name).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJson(null, {
    style: function (feature) { return feature.properties._style || {}; },
{%- if this.point == "circle" %}
    pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, feature.properties._style); },
{%- elif this.point == "icon" %}
    pointToLayer: function (feature, latlng) {
        const icon = L.divIcon(Object.assign({}, {{ this.point_options | tojson }}));
        icon.options.html = feature.properties._icon;
        return L.marker(latlng, {icon: icon, alt: feature.properties._tooltip || ""});
    },
{%- endif %}
    ...{{ this.options | tojson }}
});
{{ this.get_name() }}.addData({{ this.json_text }});
{% endmacro %}
"""
    )

    def __init__(
        self,
        collection: dict[str, Any],
        json_text: Markup,
        point: str | None = None,
        point_options: dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(collection, **kwargs)
        self.json_text = json_text
        self.point = point
        self.point_options = point_options or {}


def geojson_text(collection: dict[str, Any]) -> Markup:
    """``collection`` as JSON that is safe inside an HTML ``<script>``: Jinja's ``tojson``.

    >>> str(geojson_text({"name": "</script><b>"}))
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    return htmlsafe_json_dumps(collection)


def memoize_element_names() -> None:
    """Let branca work out what it recomputes for every map from a few fixed strings only once.

    ``Element.get_name()`` runs on every mention of a layer in every template and rebuilds its
    prefix from the class label character by character each time (a quarter of an uncached city
    map's render, cProfile), and every ``Figure`` compiles its one-line ``<meta>`` element as a new
    Jinja template (a tenth). The labels are our and folium's class names and the templates
    folium's own fixed texts (map text never becomes one: see render_folium_verbatim), a small set:
    both are kept, the templates up to the last 64.
    """
    if not hasattr(branca.element._camelify, "cache_info"):
        branca.element._camelify = functools.cache(branca.element._camelify)
    if not hasattr(branca.element.Template, "cache_info"):
        # A deliberate patch of branca's name for jinja2's class, which mypy does not allow without this.
        branca.element.Template = functools.lru_cache(maxsize=64)(branca.element.Template)  # type: ignore[misc, assignment]
