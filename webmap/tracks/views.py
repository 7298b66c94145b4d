"""Health tracks for residents: the list, a track's page, its GPX file and the tracks API."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable

from flask import Blueprint, Flask, abort, current_app, make_response, render_template, request, url_for
from flask_babel import gettext as _
from folium import FeatureGroup
from markupsafe import Markup

from geo.pack import CityPack
from routes.catalog import MODES, SEASONS, Catalog, load_catalog, select_tracks, track_feature, track_summary
from routes.gpx import build_gpx
from routes.metrics import DEFAULT_MASS_KG
from routes.tracks import Track
from webmap.errors import PrintUnavailable
from webmap.http import units
from webmap.http.caching import conditional
from webmap.http.errors import ApiError, add_domain_error
from webmap.http.i18n import page_lang_url, select_language
from webmap.http.links import public_url, varies_by_host
from webmap.http.params import decimal
from webmap.maps.layers import accuracy_text
from webmap.maps.overlays import add_city_map_overlays
from webmap.maps.parts import map_parts
from webmap.pack_access import CATALOG, get_catalog, get_pack, get_tiles
from webmap.pagecache import cached_page
from webmap.printing import chromium, render_pdf
from webmap.tracks import map as trackmap
from webmap.tracks import page as trackpage
from webmap.tracks import sign

EXTENSION = CATALOG
MASS_RANGE_KG = (20.0, 250.0)
GPX_MAX_AGE_S = 3600
GPX_CACHE = "ecomap.gpx_cache"
GPX_CACHE_SIZE = 256

bp = Blueprint("tracks", __name__)


def init_app(app: Flask) -> None:
    """Load and measure the pack's tracks once (TrackError if they are broken); serve the blueprint."""
    with app.app_context():
        app.extensions[EXTENSION] = load_catalog(get_pack())
    app.extensions[GPX_CACHE] = functools.lru_cache(maxsize=GPX_CACHE_SIZE)(_gpx_bytes)
    if "tracks" not in app.blueprints:
        app.register_blueprint(bp)
        add_city_map_overlays(app, city_map_overlays)
        add_domain_error(app, PrintUnavailable)


def city_map_overlays(pack: CityPack, date: dt.date, lang: str) -> list[tuple[str, FeatureGroup]]:
    """The tracks for the city map's "Tracks" group; ``?tracks=all`` shows those out of season too."""
    show_all = request.args.get("tracks") == "all"
    return [(_("Tracks"), group) for group in trackmap.track_layers(get_catalog(), date, lang, show_all)]


@bp.get("/api/tracks")
def api_tracks():
    """Every track with its metrics, filtered by ``audience``, ``mode`` and ``season``; with an ETag."""
    catalog = get_catalog()
    mass_kg = _mass_kg()
    tracks = select_tracks(catalog, **_filters(catalog))
    body = {"tracks": [_with_links(track_summary(catalog, track, mass_kg)) for track in tracks]}
    return conditional(make_response(body))


@bp.get("/api/tracks/<track_id>")
def api_track(track_id: str):
    """One track as a GeoJSON Feature with its metrics and stops; with an ETag."""
    catalog = get_catalog()
    track = catalog.tracks.get(track_id)
    if track is None:
        raise ApiError(404, f"no track {track_id!r}; GET /api/tracks lists them", field="track_id")
    feature = track_feature(catalog, track, _mass_kg())
    _with_links(feature["properties"])
    return conditional(make_response(feature, 200, {"Content-Type": "application/geo+json"}))


@bp.get("/tracks")
def track_list():
    """The residents' list of tracks with their key figures, filtered like the API."""
    catalog = get_catalog()
    try:
        filters = _filters(catalog)
    except ApiError as error:
        labels = {"audience": _("Who"), "mode": _("How"), "season": _("When")}
        field = labels.get(error.field or "", error.field)
        abort(400, _("There is no such choice for “%(field)s”; pick one from the list.", field=field))
    lang = select_language()
    tracks = select_tracks(catalog, **filters)
    today = dt.date.today()
    cards = [trackpage.track_card(catalog, track, filters["audience"], lang, today=today) for track in tracks]
    return render_template(
        "tracks.html", cards=cards, filters=filters, catalog=catalog, modes=MODES, seasons=list(SEASONS)
    )


@bp.get("/tracks/<track_id>")
def track_page(track_id: str):
    """A track on its map, with the chosen audience's figures, profile, stops, GPX and QR code."""
    catalog = get_catalog()
    track = _page_track(catalog, track_id)
    audience_id = _audience_of(track)
    lang = select_language()
    # Cached on what the page depends on; other arguments are ignored. The host only counts where
    # the QR code names it (no ECOMAP_PUBLIC_URL).
    host = None if current_app.config.get("PUBLIC_URL", "").strip() else request.host_url
    varies_by_host()
    key = ("track", track.id, audience_id, lang, dt.date.today(), host)
    lang_url = page_lang_url({"audience": audience_id})
    return cached_page(key, lambda: _render_track_page(catalog, track, audience_id, lang, lang_url))


def _render_track_page(
    catalog: Catalog, track: Track, audience_id: str, lang: str, lang_url: Callable[[str], str]
) -> str:
    gpx_url = url_for("tracks.track_gpx", track_id=track.id, lang=lang, audience=audience_id)
    page_url = public_url("tracks.track_page", track_id=track.id, lang=lang, audience=audience_id)
    tiles = get_tiles()
    parts = map_parts(trackmap.build_track_map(get_pack(), catalog, track, lang, tiles))
    sign_url = url_for("tracks.track_sign", track_id=track.id, lang=lang, audience=audience_id)
    # what "Save for offline" keeps besides the page and the files it loaded (static/offline.js)
    offline = {
        "id": track.id,
        "name": track.name[lang],
        "urls": [
            gpx_url,
            sign_url,
            url_for("tracks.api_track", track_id=track.id),
            url_for("offline.saved_page", lang=lang),
        ],
    }
    return render_template(
        "track.html",
        lang_url=lang_url,
        track=track,
        card=trackpage.track_card(catalog, track, audience_id, lang, today=dt.date.today()),
        audiences=[catalog.audiences[name] for name in track.audiences],
        audience_id=audience_id,
        stops=trackpage.stop_rows(catalog, track, lang),
        passes=trackpage.passage_rows(catalog, track, lang),
        profile=trackpage.track_profile(catalog, track, lang),
        gpx_url=gpx_url,
        sign_url=sign_url,
        offline=offline,
        route=trackpage.route_for_position(catalog, track, lang),
        tiles_online=tiles.url is not None,
        page_url=page_url,
        qr_svg=trackpage.qr_svg(page_url),
        source=track.source[lang],
        accuracy=accuracy_text(track.accuracy[lang], own_language=True),
        elevation_note=accuracy_text(track.elevation_note[lang], own_language=True),
        **parts,
    )


@bp.get("/tracks/<track_id>/sign")
def track_sign(track_id: str):
    """The track's trailhead sign: an A4 portrait sheet to print, self-contained."""
    catalog = get_catalog()
    track = _page_track(catalog, track_id)
    return _sign_html(catalog, track, _audience_of(track), select_language())


@bp.get("/tracks/<track_id>/sign.pdf")
def track_sign_pdf(track_id: str):
    """The trailhead sign printed to PDF by headless Chromium (503 without it)."""
    catalog = get_catalog()
    track = _page_track(catalog, track_id)
    html = _sign_html(catalog, track, _audience_of(track), select_language(), for_pdf=True)
    response = current_app.response_class(render_pdf(html, chromium()), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{track.id}-sign.pdf"'
    return response


def _sign_html(catalog: Catalog, track: Track, audience_id: str, lang: str, for_pdf: bool = False) -> str:
    page_url = public_url("tracks.track_page", track_id=track.id, lang=lang, audience=audience_id)
    pack = get_pack()
    card = trackpage.track_card(catalog, track, audience_id, lang)
    drawing, scale = sign.route_svg(
        catalog, track, pack.crs_metric, _("Map of %(track)s", track=card["name"])
    )
    return render_template(
        "track_sign.html",
        track=track,
        card=card,
        city=pack.name[lang],
        map_svg=drawing,
        scale_text="1:" + units.number(scale),
        stops=trackpage.stop_rows(catalog, track, lang),
        page_url=page_url,
        qr_svg=Markup(trackpage.qr_svg(page_url)),
        pdf_url=None if for_pdf else url_for("tracks.track_sign_pdf", track_id=track.id, lang=lang),
        page_link=url_for("tracks.track_page", track_id=track.id, lang=lang, audience=audience_id),
        date_text=units.date(dt.date.today()),
        lang=lang,
    )


@bp.get("/tracks/<track_id>.gpx")
def track_gpx(track_id: str):
    """The track as a GPX 1.1 attachment in the request's language, with ETag and caching headers."""
    catalog = get_catalog()
    track = _page_track(catalog, track_id)
    document, etag = _cached_gpx(catalog, track, _audience_of(track), select_language())
    response = current_app.response_class(document, mimetype="application/gpx+xml")
    response.headers["Content-Disposition"] = f'attachment; filename="{track.id}.gpx"'
    response.headers["Cache-Control"] = f"public, max-age={GPX_MAX_AGE_S}"
    response.vary.add("Accept-Language")
    response.set_etag(etag)
    return response.make_conditional(request)


def _cached_gpx(catalog: Catalog, track: Track, audience_id: str, lang: str) -> tuple[bytes, str]:
    """The GPX bytes and their ETag from the app's cache (see ``_gpx_bytes``)."""
    return current_app.extensions[GPX_CACHE](track.id, audience_id, lang, public_url("pages.city_map"))


def _gpx_bytes(track_id: str, audience_id: str, lang: str, _host_url: str) -> tuple[bytes, str]:
    """The GPX bytes and their ETag, built once per track, audience, language and host.

    The tracks are loaded once at start-up and never change while the app runs, so
    the document is a pure function of these keys (the host is in the track's link);
    the cache is bounded, since the host comes from the request.
    """
    catalog = get_catalog()
    document = gpx_document(catalog, catalog.tracks[track_id], audience_id, lang).encode("utf-8")
    return document, hashlib.sha1(document, usedforsecurity=False).hexdigest()


def gpx_document(catalog: Catalog, track: Track, audience_id: str, lang: str) -> str:
    """The GPX text of a track for an audience, linking to its page (needs a request context)."""
    page_url = public_url("tracks.track_page", track_id=track.id, lang=lang)
    return build_gpx(track, lang, trackpage.gpx_text(get_pack(), catalog, track, audience_id, lang), page_url)


def _audience_of(track: Track) -> str:
    """The ``audience`` argument, one of the track's (its first by default); 400 otherwise."""
    audience_id = request.args.get("audience") or track.audiences[0]
    if audience_id not in track.audiences:
        abort(400, _("This track is not meant for the audience %(audience)s.", audience=audience_id))
    return audience_id


def _page_track(catalog: Catalog, track_id: str) -> Track:
    track = catalog.tracks.get(track_id)
    if track is None:
        abort(404, _("There is no track %(track)s.", track=track_id))
    return track


def _filters(catalog: Catalog) -> dict[str, str | None]:
    """The ``audience``, ``mode`` and ``season`` arguments, each checked; ApiError 400 names a bad one."""
    allowed = {"audience": sorted(catalog.audiences), "mode": list(MODES), "season": list(SEASONS)}
    filters = {}
    for name, values in allowed.items():
        value = request.args.get(name) or None
        if value is not None and value not in values:
            raise ApiError(400, f"'{name}' must be one of {', '.join(values)}, got {value!r}", field=name)
        filters[name] = value
    return filters


def _mass_kg() -> float:
    """The ``mass_kg`` argument (default 70 kg), a number within MASS_RANGE_KG."""
    text = request.args.get("mass_kg")
    if not text:
        return DEFAULT_MASS_KG
    try:
        mass_kg = decimal(text)
    except ValueError:
        mass_kg = float("nan")
    if not MASS_RANGE_KG[0] <= mass_kg <= MASS_RANGE_KG[1]:
        low, high = MASS_RANGE_KG
        raise ApiError(
            400, f"'mass_kg' must be a number from {low:g} to {high:g}, got {text!r}", field="mass_kg"
        )
    return mass_kg


def _with_links(summary: dict) -> dict:
    track_id = summary["id"]
    summary["links"] = {
        "page": url_for("tracks.track_page", track_id=track_id),
        "gpx": url_for("tracks.track_gpx", track_id=track_id),
        "api": url_for("tracks.api_track", track_id=track_id),
    }
    return summary
