"""What every HTML page shares: folium's map parts fitted into our pages (pinch-zoom allowed)."""

from __future__ import annotations

import re

from flask import Flask
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.exceptions import default_exceptions

from webmap.http.logs import request_id

# folium writes its own viewport meta that forbids zooming (user-scalable=no, maximum-scale=1),
# which keeps people with low vision from enlarging the page; base.html has one that allows it.
FOLIUM_VIEWPORT = re.compile(r"<meta\s+name=\"viewport\"[^>]*>\s*", re.IGNORECASE)


def without_viewport_lock(html: str) -> Markup:
    """``html`` without folium's viewport meta (only ours, in base.html, stays).

    >>> str(without_viewport_lock('<meta name="viewport" content="user-scalable=no" />\\n<style>a{}</style>'))
    '<style>a{}</style>'
    """
    return Markup(FOLIUM_VIEWPORT.sub("", str(html)))


def leaflet_texts() -> dict:
    """What static/leaflet-locale.js needs to speak the page's language: control titles, markers' alt
    text, the attribution's Leaflet link title, unit symbols."""
    return {
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
        "layers": _("Layers"),
        "closePopup": _("Close"),
        "marker": _("Marker"),
        "mapOf": _("Map: %(title)s"),
        "leaflet": _("A JavaScript library for interactive maps"),
        "m": _("m"),
        "km": _("km"),
    }


def error_texts(status: int, message: str | None) -> tuple[str, str]:
    """An error page's title and message in the reader's language: werkzeug's own English
    descriptions (and the internal error's, which names the request) give way to ours; a message
    the app wrote stays."""
    titles = {
        400: _("This request cannot be answered"),
        403: _("This page is not open to you"),
        404: _("Page not found"),
        405: _("This page cannot be used this way"),
        413: _("What was sent is too large"),
        429: _("Too many attempts"),
        500: _("Something went wrong on our side"),
        503: _("This page is unavailable right now"),
    }
    generic = {
        400: _("The address or the form has a mistake. Go back and check it."),
        403: _("You may need to sign in first."),
        404: _("There is no page at this address. Check the address, or start from the city map."),
        405: _("Go back and try again from the page you came from."),
        413: _("Send a smaller drawing or text."),
        429: _("Please wait a minute and try again."),
        500: _("It has been logged as request %(request)s. Please try again later.", request=request_id()),
        503: _("Please try again in a minute."),
    }
    title = titles.get(status, _("Error %(status)s", status=status))
    werkzeug_default = default_exceptions.get(status)
    if status == 500 or not message or (werkzeug_default and message == werkzeug_default.description):
        message = generic.get(status, "")
    return title, message


def init_app(app: Flask) -> None:
    """Offer the page filters and the Leaflet texts to templates."""
    app.add_template_filter(without_viewport_lock)
    app.add_template_global(leaflet_texts)
    app.add_template_global(error_texts)
