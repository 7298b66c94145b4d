"""HTML pages: the officials' city map and the health check."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template, request

from webmap.citymap import build_city_map
from webmap.i18n import select_language
from webmap.pack_access import get_pack, get_tiles, parse_date

bp = Blueprint("pages", __name__)


@bp.get("/")
def city_map():
    """The city map with every layer, in the chosen language, as in force on ``?date=``."""
    date = parse_date(request.args.get("date"))
    lang = select_language()
    pack = get_pack()
    folium_map = build_city_map(pack, date, lang, get_tiles())
    root = folium_map.get_root()
    root.render()
    return render_template(
        "citymap.html",
        city_name=pack.name[lang],
        date=date,
        map_header=root.header.render(),
        map_html=root.html.render(),
        map_script=root.script.render(),
    )


@bp.get("/healthz")
def healthz():
    """200 with the pack's id and layer count once the pack is loaded."""
    pack = get_pack()
    return {"status": "ok", "pack": pack.id, "layers": len(pack.layers), "time": _now()}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
