"""The ecomap web app: the Flask factory that serves the city's maps, layers and API."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from types import ModuleType
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from webmap.settings import read_settings

MAX_BODY_BYTES = 1024 * 1024  # every request body; POST /api/proposals has its own, smaller limit


class _UnicodeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with non-ASCII text (the Russian names and messages) written as it is."""

    ensure_ascii = False


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the app with settings from ``ECOMAP_*`` variables, overridden by ``test_config``."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(read_settings(os.environ))
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    if test_config:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or _instance_secret(Path(app.instance_path))
    app.json = _UnicodeJSONProvider(app)

    from webmap import offline, pack_access, pagecache, pagekit
    from webmap.http import (
        caching,
        compression,
        errors,
        i18n,
        links,
        logs,
        openapi,
        params,
        proxy,
        security,
        units,
    )
    from webmap.maps import assets

    app.url_map.converters["int"] = params.AsciiIntegerConverter  # before any route is added
    logs.init_app(app)  # first, so that its after_request runs last and logs the final status
    static_url_path = app.static_url_path
    assert static_url_path is not None, "Flask(__name__) serves webmap/static"
    assets.use_local_assets(static_url_path)
    pack_access.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    units.init_app(app)
    pagekit.init_app(app)
    pagecache.init_app(app)
    offline.init_app(app)
    for feature in features():
        feature.init_app(app)
    openapi.init_app(app)
    caching.init_app(app)
    links.init_app(app)
    compression.init_app(app)
    proxy.init_app(app)
    security.init_app(app)  # last, so that it hashes the scripts of the page before compression
    return app


def features() -> tuple[ModuleType, ...]:
    """The feature packages, in the order ``create_app`` registers them.

    Each has ``init_app(app)`` (its blueprints, city-map overlays, error words and API part),
    ``register_commands(cli)`` (for ``webmap.cli``) and ``check_pack(pack)`` (for gunicorn's master,
    before it forks). Imported when asked for, so that ``import webmap`` stays light.
    """
    from webmap import city, loops, proposals, tracks

    return (city, tracks, proposals, loops)


def _instance_secret(instance: Path) -> str:
    """A random secret key kept in the instance folder, so sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
