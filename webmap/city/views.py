"""HTML pages: the officials' city map and the health check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from webmap.city.map import build_city_map
from webmap.health import probe_all
from webmap.http import units
from webmap.http.errors import ApiError, wants_json
from webmap.http.i18n import page_lang_url, select_language
from webmap.maps.overlays import city_map_overlays, overlays_version
from webmap.maps.parts import map_parts
from webmap.pack_access import get_pack, get_tiles, parse_date
from webmap.pagecache import cached_page

bp = Blueprint("pages", __name__)


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
    key = ("city_map", lang, date, tuple(args.values()), overlays_version())
    return cached_page(key, lambda: _render_city_map(lang, date, page_lang_url(args)))


def _render_city_map(lang: str, date: dt.date, lang_url: Callable[[str], str]) -> str:
    pack = get_pack()
    folium_map = build_city_map(pack, date, lang, get_tiles(), city_map_overlays(pack, date, lang))
    return render_template(
        "citymap.html",
        lang_url=lang_url,
        city_name=pack.name[lang],
        date=date,
        date_text=units.date(date, lang),
        **map_parts(folium_map),
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
    """200 with the pack's id and layer count; 503 and status "degraded" while a probe fails.

    The features register the probes (``webmap/health.py``): the proposals' database is a real write
    of its own row (``Database.writable``), so a read-only, missing, unreachable, immutable or full
    database is "down" (docs/security.md).
    """
    pack = get_pack()
    probes = probe_all()
    healthy = all(probes.values())
    body = {"status": "ok" if healthy else "degraded", "pack": pack.id, "layers": len(pack.layers)}
    body.update({name: "ok" if ok else "down" for name, ok in probes.items()})
    body["time"] = _now()
    return body, 200 if healthy else 503


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
