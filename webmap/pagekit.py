"""What every HTML page shares: folium's map parts fitted into our pages (pinch-zoom allowed)."""

from __future__ import annotations

import functools
import json
import re

from flask import Flask
from flask_babel import gettext as _
from markupsafe import Markup

from webmap.assets import draw_locale_path

# folium writes its own viewport meta that forbids zooming (user-scalable=no, maximum-scale=1),
# which keeps people with low vision from enlarging the page; base.html has one that allows it.
FOLIUM_VIEWPORT = re.compile(r"<meta\s+name=\"viewport\"[^>]*>\s*", re.IGNORECASE)


def without_viewport_lock(html: str) -> Markup:
    """``html`` without folium's viewport meta (only ours, in base.html, stays).

    >>> str(without_viewport_lock('<meta name="viewport" content="user-scalable=no" />\\n<style>a{}</style>'))
    '<style>a{}</style>'
    """
    return Markup(FOLIUM_VIEWPORT.sub("", str(html)))


def leaflet_texts(lang: str, with_draw: bool = False) -> dict:
    """What static/leaflet-locale.js needs to speak ``lang``: control titles, unit symbols and,
    for pages with Leaflet.draw, its texts (npm's leaflet-draw-locales, vendored)."""
    texts = {
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
        "layers": _("Layers"),
        "closePopup": _("Close"),
        "m": _("m"),
        "km": _("km"),
    }
    if with_draw:
        texts["draw"] = draw_texts(lang)
    return texts


@functools.cache
def draw_texts(lang: str) -> dict:
    """Leaflet.draw's ``L.drawLocal`` in ``lang``, read once from the vendored file."""
    return json.loads(draw_locale_path(lang).read_text(encoding="utf-8"))


def init_app(app: Flask) -> None:
    """Offer the page filters and the Leaflet texts to templates."""
    app.add_template_filter(without_viewport_lock)
    app.add_template_global(leaflet_texts)
