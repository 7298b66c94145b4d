"""Interface language: ``?lang=``, then the browser's Accept-Language, then the default."""

from __future__ import annotations

import zoneinfo

from flask import Flask, current_app, request, url_for
from flask_babel import Babel

LANGUAGES = ("ru", "en")


def select_language() -> str:
    """The request's language: a valid ``?lang=``, else the browser's best match, else the default."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES) or current_app.config["DEFAULT_LANGUAGE"]


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with our catalogues, the language selector and the time zone of the dates shown."""
    zone = app.config["TIMEZONE"]
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"ECOMAP_TIMEZONE: {zone!r} is not a time zone name such as 'Asia/Yekaterinburg'"
        ) from None
    app.config["BABEL_DEFAULT_TIMEZONE"] = zone
    Babel(app, locale_selector=select_language, default_translation_directories="translations")

    @app.context_processor
    def language_context():
        return {"lang": select_language(), "languages": LANGUAGES, "lang_url": lang_url}


def lang_url(lang: str) -> str:
    """This page's URL in another language (the city map's for pages without an endpoint)."""
    if request.endpoint is None or request.endpoint == "static":
        return url_for("pages.city_map", lang=lang)
    return url_for(request.endpoint, **{**(request.view_args or {}), **request.args.to_dict(), "lang": lang})
