"""HTML pages: the officials' city map and the health check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Blueprint, Flask, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _

from webmap.citymap import OverlaySource, build_city_map
from webmap.db import EXTENSION as DATABASE
from webmap.errors import ApiError, wants_json
from webmap.i18n import select_language
from webmap.pack_access import get_pack, get_tiles, parse_date
from webmap.pagecache import cached_page, proposals_version

bp = Blueprint("pages", __name__)
OVERLAYS = "ecomap.citymap_overlays"


def add_city_map_overlays(app: Flask, source: OverlaySource) -> None:
    """Let another part of the app (tracks, proposals) add layer groups to the city map."""
    app.extensions.setdefault(OVERLAYS, []).append(source)


@bp.get("/")
def city_map():
    """The city map with every layer, in the chosen language, as in force on ``?date=``.

    The page depends on the language, the date, ``?tracks=all`` and the approved proposals only,
    and is cached on just these: other arguments (``utm_source``, a typo) are ignored, and the
    page's own links carry only the arguments that made it.
    """
    lang = select_language()
    date_text = request.args.get("date") or None
    date = _page_date(date_text)
    show_all = request.args.get("tracks") == "all"
    args = {"date": date.isoformat() if date_text else None, "tracks": "all" if show_all else None}
    key = ("city_map", lang, date, tuple(args.values()), proposals_version())
    return cached_page(key, lambda: _render_city_map(lang, date, page_lang_url(args)))


def page_lang_url(args: dict[str, str | None]) -> Callable[[str], str]:
    """The page's ``lang_url`` for base.html's language links: this page with only ``args``
    (None values left out), so that the links depend on nothing the page's cache key leaves out."""
    endpoint, view_args = request.endpoint, dict(request.view_args or {})
    kept = {name: value for name, value in args.items() if value is not None}
    return lambda lang: url_for(endpoint, **view_args, **kept, lang=lang)


def _render_city_map(lang: str, date: dt.date, lang_url: Callable[[str], str]) -> str:
    pack = get_pack()
    overlays = [
        overlay for source in current_app.extensions.get(OVERLAYS, ()) for overlay in source(pack, date, lang)
    ]
    folium_map = build_city_map(pack, date, lang, get_tiles(), overlays)
    root = folium_map.get_root()
    root.render()
    return render_template(
        "citymap.html",
        lang_url=lang_url,
        city_name=pack.name[lang],
        date=date,
        map_header=root.header.render(),
        map_html=root.html.render(),
        map_script=root.script.render(),
    )


def _page_date(text: str | None) -> dt.date:
    """``?date=`` for a page: a bad one is a 400 error page in the reader's language (JSON if asked)."""
    try:
        return parse_date(text)
    except ApiError:
        if wants_json():
            raise
        abort(
            400,
            _(
                "The date %(date)s does not exist; write it as YYYY-MM-DD, such as %(example)s.",
                date=text,
                example=dt.date.today().isoformat(),
            ),
        )


@bp.get("/healthz")
def healthz():
    """200 with the pack's id and layer count; 503 and status "degraded" while the database cannot be written.

    The database check is a write rolled back (``Database.writable``): a read-only, missing or
    unreachable database is "down".
    """
    pack = get_pack()
    database = current_app.extensions.get(DATABASE)
    database_ok = database is None or database.writable()
    body = {
        "status": "ok" if database_ok else "degraded",
        "pack": pack.id,
        "layers": len(pack.layers),
        "database": "ok" if database_ok else "down",
        "time": _now(),
    }
    return body, 200 if database_ok else 503


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
