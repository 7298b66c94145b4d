"""Text in maps shown as text, never as HTML: GeoJson popups, tooltips and layer names."""

from __future__ import annotations

import html

from branca.element import MacroElement
from jinja2 import Template

POPUP_KEY = "_popup"
TOOLTIP_KEY = "_tooltip"


class SafePopup(MacroElement):
    """Bind a popup that lists a feature's ``_popup`` rows ([label, value]) as escaped text.

    A value may be a link to a page of ours, ``{"href": "/path", "text": "..."}``: only
    same-site paths become links, and their text is text too.

    folium's GeoJsonPopup puts property values into ``innerHTML``, so a value such
    as ``<img src=x onerror=...>`` would run; this one builds the table with
    ``textContent``.
    """

    _template = Template(
        r"""
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.bindPopup(function (layer) {
    const table = document.createElement("table");
    table.className = "ecomap-popup";
    const rows = (layer.feature.properties || {})[{{ this.key | tojson }}] || [];
    for (const [label, value] of rows) {
        const row = table.insertRow();
        const th = document.createElement("th");
        th.textContent = label;
        row.appendChild(th);
        const cell = row.insertCell();
        if (value && typeof value === "object") {
            const sameSite = /^\/(?!\/)/.test(value.href || "");
            const node = cell.appendChild(document.createElement(sameSite ? "a" : "span"));
            if (sameSite) node.href = value.href;
            node.textContent = value.text;
        } else {
            cell.textContent = value;
        }
    }
    return table;
}, {{ this.options | tojson }});
{% endmacro %}
"""
    )

    def __init__(self, max_width: int = 320):
        super().__init__()
        self._name = "SafePopup"
        self.key = POPUP_KEY
        self.options = {"maxWidth": max_width, "className": "ecomap-popup-pane"}


class SafeTooltip(MacroElement):
    """Bind a tooltip showing a feature's ``_tooltip`` text as escaped text."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.bindTooltip(function (layer) {
    const span = document.createElement("span");
    span.textContent = (layer.feature.properties || {})[{{ this.key | tojson }}] || "";
    return span;
}, {{ this.options | tojson }});
{% endmacro %}
"""
    )

    def __init__(self, sticky: bool = True):
        super().__init__()
        self._name = "SafeTooltip"
        self.key = TOOLTIP_KEY
        self.options = {"sticky": sticky}


def layer_name(text: str) -> str:
    """A layer or group name for Leaflet's layer controls, which put names into ``innerHTML``.

    >>> layer_name("<img src=x onerror=alert(1)> & co")
    '&lt;img src=x onerror=alert(1)&gt; &amp; co'
    """
    return html.escape(text, quote=False)
