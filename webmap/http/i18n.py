"""Interface language: ``?lang=``, then the browser's Accept-Language, then the default."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

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


def page_lang_url(args: dict[str, str | None]) -> Callable[[str], str]:
    """The page's ``lang_url`` for base.html's language links: this page with only ``args``
    (None values left out), so that the links depend on nothing the page's cache key leaves out."""
    endpoint, view_args = request.endpoint, dict(request.view_args or {})
    assert endpoint is not None, "called by a view, whose request has an endpoint"
    kept: dict[str, Any] = {name: value for name, value in args.items() if value is not None}
    return lambda lang: url_for(endpoint, **view_args, **kept, lang=lang)
