"""The installable web app and its offline side: the manifest (names in the reader's language, icons),
the service worker (static/sw.js, served at /sw.js so that it controls every page; Workbox's routing
and strategies, vendored from npm), the page that says a page needs a connection, and the list of the
tracks saved for offline (static/offline.js keeps them in the browser's Cache Storage).

The map's base tiles are never saved: a tile server's usage policy (OpenStreetMap's) forbids bulk
downloads, so a saved track opens offline on a plain background and its page says so beforehand.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, current_app, render_template, url_for
from flask_babel import gettext as _

from webmap.http.i18n import page_lang_url, select_language

bp = Blueprint("offline", __name__)
THEME_COLOUR = "#1f5130"
ICON_SIZES = (192, 512)


def init_app(app: Flask) -> None:
    """Serve the manifest, the service worker and the offline pages; offer their texts to templates."""
    if "offline" not in app.blueprints:
        app.register_blueprint(bp)
    app.add_template_global(offline_texts)
    app.jinja_env.globals["theme_colour"] = THEME_COLOUR


def offline_texts() -> dict[str, str]:
    """What static/offline.js says, in the page's language (sizes are formatted there with Intl)."""
    return {
        "saving": _("Saving…"),
        "saved": _("Saved for offline: %(size)s."),
        "failed": _("Could not save it: %(reason)s"),
        "none": _("Nothing is saved for offline yet. Open a track and choose “Save for offline”."),
        "delete": _("Delete"),
        "deleted": _("Deleted."),
        "savedOn": _("saved on %(date)s"),
        "unsupported": _("This browser cannot keep pages for offline use."),
    }


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest in the reader's language."""
    lang = select_language()
    body = {
        "name": _("ecomap: Sysert's eco-routes"),
        "short_name": _("ecomap"),
        "description": _("Health tracks, step-goal loops and urban projects of Sysert, also offline."),
        "lang": lang,
        "start_url": url_for("pages.city_map", lang=lang),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": url_for("static", filename=f"icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in ICON_SIZES
        ],
    }
    response = current_app.response_class(current_app.json.dumps(body), mimetype="application/manifest+json")
    response.vary.add("Accept-Language")
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker, from the site's root so that its scope is every page; never cached long, so
    that a new version reaches the browsers at once."""
    assert current_app.static_folder is not None, "Flask(__name__) serves webmap/static"
    script = (Path(current_app.static_folder) / "sw.js").read_bytes()
    response = current_app.response_class(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline_page():
    """What the service worker shows for a page that is not saved when there is no connection."""
    return render_template("offline.html", lang=select_language())


@bp.get("/saved")
def saved_page():
    """The tracks saved for offline on this device, with their sizes, to open or delete."""
    return render_template("saved.html", lang_url=page_lang_url({}))
