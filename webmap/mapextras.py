"""Map behaviour of our own pages: fit to a route at any size, numbered stops, place labels,
a notice when the base map's tiles fail, and keyboard order that reaches the controls first."""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template


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
