"""Leaflet-Geoman (npm's @geoman-io/leaflet-geoman-free) on a folium map: the freehand tools of the
proposal page (a point, a line, an area; edit, move, rotate and remove them), in the page's language.

Geoman replaces Leaflet.draw, which is no longer maintained: it works with touch, drags, rotates and
snaps. Its files are vendored like folium's own (webmap/maps/assets.py ASSETS).
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

GEOMAN_VERSION = "2.20.2"  # the exact version in package.json
_CDN = f"https://cdn.jsdelivr.net/npm/@geoman-io/leaflet-geoman-free@{GEOMAN_VERSION}/dist"
# Geoman's own translations; ``texts`` override some of them with ours (Flask-Babel's).
LANGUAGES = ("ru", "en")


class Geoman(JSCSSMixin, MacroElement):
    """Geoman's toolbar on its map, drawing into ``feature_group``, its texts in ``lang``.

    Layers already on the map (the site's outline) are left out of Geoman's edit, drag, rotate and
    removal modes, and so is any layer made with ``pmIgnore: true`` (the kit's parts).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.eachLayer(function (layer) {
                if (layer.options) { layer.options.pmIgnore = true; }
            });
            {{ this._parent.get_name() }}.pm.setGlobalOptions(Object.assign(
                {{ this.global_options | tojson }}, {layerGroup: {{ this.feature_group.get_name() }}}
            ));
            {{ this._parent.get_name() }}.pm.addControls({{ this.controls | tojson }});
            {{ this._parent.get_name() }}.pm.setLang(
                {{ this.lang | tojson }}, {{ this.texts | tojson }}, "en"
            );
        {% endmacro %}
        """
    )

    # folium's JSCSSMixin declares these as (mutable) attributes; webmap/maps/assets.py replaces them
    default_js = [("leaflet-geoman.js", f"{_CDN}/leaflet-geoman.js")]  # noqa: RUF012
    default_css = [("leaflet-geoman.css", f"{_CDN}/leaflet-geoman.css")]  # noqa: RUF012

    def __init__(
        self, feature_group: folium.FeatureGroup, lang: str, texts: dict[str, Any], colour: str = "#1565c0"
    ) -> None:
        super().__init__()
        self._name = "Geoman"
        self.lang = lang if lang in LANGUAGES else "en"
        self.texts = texts
        self.feature_group = feature_group
        self.controls = {
            "position": "topleft",
            "drawMarker": True,
            "drawPolyline": True,
            "drawPolygon": True,
            "drawRectangle": False,
            "drawCircle": False,
            "drawCircleMarker": False,
            "drawText": False,
            "cutPolygon": False,
            "editMode": True,
            "dragMode": True,
            "rotateMode": True,
            "removalMode": True,
        }
        path = {"color": colour, "pmIgnore": False}
        self.global_options = {
            "pathOptions": path,
            "templineStyle": {"color": colour},
            "hintlineStyle": {"color": colour, "dashArray": [5, 5]},
            "allowSelfIntersection": False,
            "snappable": True,
        }
