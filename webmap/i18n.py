"""Interface language: ``?lang=``, then the browser's Accept-Language, then the default."""

from __future__ import annotations

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
    """Set up Flask-Babel with our catalogues and the language selector."""
    Babel(app, locale_selector=select_language, default_translation_directories="translations")

    @app.context_processor
    def language_context():
        return {"lang": select_language(), "languages": LANGUAGES, "lang_url": lang_url}


def lang_url(lang: str) -> str:
    """This page's URL in another language (the city map's for pages without an endpoint)."""
    if request.endpoint is None or request.endpoint == "static":
        return url_for("pages.city_map", lang=lang)
    return url_for(request.endpoint, **{**(request.view_args or {}), **request.args.to_dict(), "lang": lang})
