"""Leaflet controls of our own: the legend and a metric-only scale bar."""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template


class Legend(MacroElement):
    """A collapsible legend control listing ``(colour, text, kind)`` entries."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
    const legend = L.control({position: "bottomleft"});
    legend.onAdd = function () {
        const box = L.DomUtil.create("details", "ecomap-legend leaflet-bar");
        box.open = window.innerWidth > 600;
        const summary = L.DomUtil.create("summary", "", box);
        summary.textContent = {{ this.title | tojson }};
        for (const [colour, text, kind] of {{ this.entries | tojson }}) {
            const row = L.DomUtil.create("div", "ecomap-legend-row", box);
            const swatch = L.DomUtil.create("span", "ecomap-swatch ecomap-swatch-" + kind, row);
            swatch.style.background = colour;
            L.DomUtil.create("span", "", row).textContent = text;
        }
        L.DomEvent.disableClickPropagation(box);
        return box;
    };
    legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(self, title: str, entries: list[tuple[str, str, str]]):
        super().__init__()
        self._name = "Legend"
        self.title = title
        self.entries = entries


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres and kilometres only."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
L.control.scale({imperial: false, maxWidth: 160}).addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self):
        super().__init__()
        self._name = "MetricScale"
