"""Text in maps shown as text, never as HTML or code: GeoJson popups, tooltips, layer names, attribution,
and folium's rendering itself."""

from __future__ import annotations

import html
import json
import re

from branca.element import Element, Figure, MacroElement
from jinja2 import Template

URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")

POPUP_KEY = "_popup"
TOOLTIP_KEY = "_tooltip"


# Defined once per page, before the maps' own code: the functions that build popups and tooltips.
SAFE_TEXT_SCRIPT = r"""
var ecomapSafeText = {
    // A member of a GeometryCollection (a proposal's freehand line with its kit parts) carries no
    // feature of its own: Leaflet gives it to the collection's group, which the click passes through.
    feature: function (layer) {
        if (layer.feature) return layer.feature;
        for (const id in layer._eventParents || {}) {
            if (layer._eventParents[id].feature) return layer._eventParents[id].feature;
        }
        return {};
    },
    popup: function (layer) {
        const table = document.createElement("table");
        table.className = "ecomap-popup";
        const rows = (ecomapSafeText.feature(layer).properties || {})[POPUP_KEY] || [];
        for (const [label, value] of rows) {
            const row = table.insertRow();
            if (label) {
                const th = document.createElement("th");
                th.scope = "row";
                th.textContent = label;
                row.appendChild(th);
            }
            const cell = row.insertCell();
            if (!label) cell.colSpan = 2;
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
    },
    tooltip: function (layer) {
        const span = document.createElement("span");
        span.textContent = (ecomapSafeText.feature(layer).properties || {})[TOOLTIP_KEY] || "";
        return span;
    }
};
""".replace("POPUP_KEY", json.dumps(POPUP_KEY)).replace("TOOLTIP_KEY", json.dumps(TOOLTIP_KEY))
SAFE_TEXT_NAME = "ecomap_safe_text"


class _SafeText(MacroElement):
    """Puts SAFE_TEXT_SCRIPT once at the start of the page's map script, then its own binding."""

    # Unannotated like branca's MacroElement.render, which returns None where Element.render returns str.
    def render(self, **kwargs):
        figure = self.get_root()
        if isinstance(figure, Figure) and SAFE_TEXT_NAME not in figure.script._children:
            figure.script.add_child(Verbatim(SAFE_TEXT_SCRIPT), name=SAFE_TEXT_NAME, index=0)
        super().render(**kwargs)


class SafePopup(_SafeText):
    """Bind a popup that lists a feature's ``_popup`` rows ([label, value]) as escaped text.

    A value may be a link to a page of ours, ``{"href": "/path", "text": "..."}``: only
    same-site paths become links, and their text is text too. A row without a label spans the
    table (no empty header cell).

    folium's GeoJsonPopup puts property values into ``innerHTML``, so a value such
    as ``<img src=x onerror=...>`` would run; this one builds the table with
    ``textContent`` (SAFE_TEXT_SCRIPT, written once per page).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.bindPopup(ecomapSafeText.popup, {{ this.options | tojson }});
{% endmacro %}
"""
    )

    def __init__(self, max_width: int = 320):
        super().__init__()
        self._name = "SafePopup"
        self.options = {"maxWidth": max_width, "className": "ecomap-popup-pane"}


class SafeTooltip(_SafeText):
    """Bind a tooltip showing a feature's ``_tooltip`` text as escaped text (SAFE_TEXT_SCRIPT)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.bindTooltip(ecomapSafeText.tooltip, {{ this.options | tojson }});
{% endmacro %}
"""
    )

    def __init__(self, sticky: bool = True):
        super().__init__()
        self._name = "SafeTooltip"
        self.options = {"sticky": sticky}


def layer_name(text: str) -> str:
    """A layer or group name for Leaflet's layer controls, which put names into ``innerHTML``.

    >>> layer_name("<img src=x onerror=alert(1)> & co")
    '&lt;img src=x onerror=alert(1)&gt; &amp; co'
    """
    return html.escape(text, quote=False)


def attribution_html(text: str) -> str:
    """A tile attribution for Leaflet's attribution control, which shows it as HTML: the text escaped,
    each http(s) URL in it made a link by us.

    >>> attribution_html("© OSM <b>x</b> https://osm.org/copyright")
    '© OSM &lt;b&gt;x&lt;/b&gt; <a href="https://osm.org/copyright" rel="noopener noreferrer">https://osm.org/copyright</a>'
    >>> attribution_html('https://x.example/"><img src=x>')
    '<a href="https://x.example/" rel="noopener noreferrer">https://x.example/</a>&quot;&gt;&lt;img src=x&gt;'
    """
    parts, start = [], 0
    for match in URL.finditer(text):
        url = html.escape(match.group(), quote=True)
        parts += [
            html.escape(text[start : match.start()]),
            f'<a href="{url}" rel="noopener noreferrer">{url}</a>',
        ]
        start = match.end()
    return "".join([*parts, html.escape(text[start:])])


class Verbatim(Element):
    """Text that is already rendered, put out as it is."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "Verbatim"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def _render_macro_element(self: MacroElement, **kwargs) -> None:
    """branca's MacroElement.render, with each rendered part kept verbatim."""
    figure = self.get_root()
    if not isinstance(figure, Figure):
        raise TypeError(f"cannot render {self._name}: it is not in a Figure")
    macros = self._template.module.__dict__
    for part in ("header", "html", "script"):
        macro = macros.get(part)
        if macro is not None:
            getattr(figure, part).add_child(Verbatim(macro(self, kwargs)), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


def render_folium_verbatim() -> None:
    """Stop branca from rendering map text a second time as a Jinja template.

    branca 0.8 wraps each rendered part of every MacroElement (folium's maps, layers, GeoJson, our
    controls) in ``Element(text)``, whose text becomes a Jinja template rendered again with the page:
    ``{{ 7*7 }}`` in a pack's layer name or a student's proposal title came out as 49, and
    ``{{ lipsum.__globals__... }}`` ran code on the server. The parts are kept verbatim instead.
    """
    # A deliberate patch of branca's method, which mypy does not allow without this.
    MacroElement.render = _render_macro_element  # type: ignore[method-assign]
