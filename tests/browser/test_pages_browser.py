"""Journeys through the pages in Chromium, in Russian on a phone and in English on a desktop:
localised controls, metric figures, pinch-zoom, 44 px targets, keyboard order, numbered stops,
printing, and axe-core finding no violation of any impact."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf
import pytest
from playwright.sync_api import expect

from tests.support.browser import DESKTOP, GEOMAN_ACTIONS, GEOMAN_POLYGON, PHONE, axe_violations, screenshot
from webmap import create_app
from webmap.tracks.views import EXTENSION as TRACKS

pytestmark = pytest.mark.browser
JOURNEYS = [pytest.param(PHONE, "ru", id="ru-phone"), pytest.param(DESKTOP, "en", id="en-desktop")]
TEXTS = {
    "ru": {
        "zoom_in": "Приблизить",
        "layers": "Слои",
        "walking": "Пеший маршрут",
        "ski": "Лыжный маршрут",
        "rink": "Каток",
        "cinema": "Летний кинотеатр",
        "not_found": "Страница не найдена",
        "bad_date": "Даты 2026-13-45 не существует",
        "units": ("м", "км"),
    },
    "en": {
        "zoom_in": "Zoom in",
        "layers": "Layers",
        "walking": "Walking track",
        "ski": "Ski track",
        "rink": "Skating rink",
        "cinema": "Open-air cinema",
        "not_found": "Page not found",
        "bad_date": "The date 2026-13-45 does not exist",
        "units": ("m", "km"),
    },
}
OUR_CONTROLS = (
    ".leaflet-control-zoom-in",
    ".leaflet-control-zoom-out",
    ".leaflet-control-layers-toggle",
    ".leaflet-control-zoom-fullscreen",
    ".ecomap-legend summary",
)
ROUTE_INSIDE_MAP = """() => {
    const container = document.querySelector('.folium-map').getBoundingClientRect();
    const route = document.querySelector('path.ecomap-track-line').getBoundingClientRect();
    return route.width > 0 && route.left >= container.left - 1 && route.right <= container.right + 1
        && route.top >= container.top - 1 && route.bottom <= container.bottom + 1;
}"""
SET_ZOOM = "(zoom) => window[document.querySelector('.folium-map').id].setZoom(zoom, {animate: false})"


def _map_ready(page) -> None:
    page.wait_for_function("() => window.L && document.querySelector('.leaflet-interactive')")


def _popup_shown(page) -> None:
    """Wait for a popup's table, faded fully in (axe measures contrast as drawn)."""
    expect(page.locator(".leaflet-popup-content table.ecomap-popup")).to_have_count(1)
    page.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")


def _catalog(app):
    return app.extensions[TRACKS]


def _assert_clean(page_log, live_server) -> None:
    assert page_log.foreign_requests(live_server.host) == []
    assert page_log.console_errors == [] and page_log.page_errors == []


@pytest.mark.parametrize(("viewport", "lang"), JOURNEYS)
def test_city_map_journey(open_context, live_server, page_log, viewport, lang):
    texts = TEXTS[lang]
    page = open_context(viewport, lang)
    page.goto(f"{live_server.url}/?lang={lang}&date=2026-01-15")
    _map_ready(page)
    viewports = page.locator('meta[name="viewport"]').evaluate_all("metas => metas.map(m => m.content)")
    assert viewports == ["width=device-width, initial-scale=1"]  # pinch-zoom allowed
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == texts["zoom_in"]
    assert page.locator(".leaflet-control-layers-toggle").get_attribute("aria-label") == texts["layers"]
    scale = page.locator(".leaflet-control-scale").inner_text().strip()
    assert re.fullmatch(r"[\d\s,.]+\xa0(\w+)", scale).group(1) in texts["units"]
    assert page.locator(".leaflet-control-scale-line").count() == 1  # metres only, no feet or miles
    for selector in OUR_CONTROLS:
        box = page.locator(selector).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, selector
    legend = page.locator(".ecomap-legend")
    if not legend.evaluate("details => details.open"):  # folded on a phone, open on a desktop
        page.locator(".ecomap-legend summary").click()
    for key in ("walking", "ski", "rink", "cinema"):
        assert texts[key] in legend.inner_text()
    swatch = ".ecomap-legend-row:has-text('{}') .ecomap-swatch"
    rink = page.locator(swatch.format(texts["rink"])).evaluate("e => getComputedStyle(e).backgroundColor")
    cinema = page.locator(swatch.format(texts["cinema"])).evaluate("e => getComputedStyle(e).backgroundColor")
    assert rink != cinema
    assert axe_violations(page) == []
    screenshot(page, f"pages-city-{lang}")
    page.evaluate(SET_ZOOM, 16)
    labels = page.locator(".ecomap-place-label")
    assert any(texts["rink"].split()[0] in label for label in labels.all_inner_texts())
    page.evaluate(SET_ZOOM, 13)
    expect(labels).to_have_count(0)  # Leaflet fades a removed tooltip out for 200 ms
    _assert_clean(page_log, live_server)


FEATURE_POINT = """(featureId) => {
    const map = window[document.querySelector('.folium-map').id];
    let found = null;
    map.eachLayer(layer => {
        if (layer.feature && layer.feature.id === featureId && layer.getLatLng) found = layer;
    });
    map.setView(found.getLatLng(), 16, {animate: false});
    const point = map.latLngToContainerPoint(found.getLatLng());
    const box = map.getContainer().getBoundingClientRect();
    return {x: box.left + point.x, y: box.top + point.y};
}"""


@pytest.mark.parametrize(("viewport", "lang"), JOURNEYS)
def test_city_map_with_its_layer_list_and_a_popup_open(open_context, live_server, page_log, viewport, lang):
    """axe-core finds nothing either once the layer list is unfolded (every layer and track in it,
    out of season ones too) or with a place's popup open."""
    page = open_context(viewport, lang)
    page.goto(f"{live_server.url}/?lang={lang}&tracks=all")
    _map_ready(page)
    page.locator(".leaflet-control-layers").hover()
    expect(page.locator(".leaflet-control-layers-expanded")).to_have_count(1)
    assert axe_violations(page) == []
    page.keyboard.press("Escape")
    page.locator(".ecomap-title, .ecomap-brand").first.hover()  # folds the list on a desktop
    point = page.evaluate(FEATURE_POINT, "learning-bazhov-museum")
    page.mouse.click(point["x"], point["y"])
    _popup_shown(page)
    assert axe_violations(page) == []
    _assert_clean(page_log, live_server)


@pytest.mark.parametrize(("viewport", "lang"), JOURNEYS)
def test_track_page_with_its_layer_list_and_a_stop_open(open_context, live_server, page_log, viewport, lang):
    page = open_context(viewport, lang)
    page.goto(f"{live_server.url}/tracks/walk-10000-steps?lang={lang}")
    page.wait_for_function("() => document.querySelector('.folium-map').dataset.fitted === 'true'")
    page.locator(".leaflet-control-layers").hover()
    expect(page.locator(".leaflet-control-layers-expanded")).to_have_count(1)
    assert axe_violations(page) == []
    page.locator(".track-page h1").hover()
    page.locator(".ecomap-track-stop").first.click()
    _popup_shown(page)
    assert axe_violations(page) == []
    _assert_clean(page_log, live_server)


def test_keyboard_reaches_the_map_controls_before_any_shape(open_context, live_server):
    page = open_context(PHONE, "ru")
    page.goto(f"{live_server.url}/?lang=ru")
    _map_ready(page)
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        where = page.evaluate(
            """() => { const e = document.activeElement;
                if (e.closest('.leaflet-control-container')) return 'control';
                if (e.closest('.leaflet-map-pane')) return 'shape';
                return e.classList.contains('folium-map') ? 'map' : 'page'; }"""
        )
        reached.append(where)
        if where == "control":
            break
    assert reached[-1] == "control" and "shape" not in reached
    assert page.locator(".folium-map path[tabindex]:not([tabindex='-1'])").count() == 0


@pytest.mark.parametrize(("viewport", "lang"), JOURNEYS)
def test_track_list_journey(open_context, app, live_server, page_log, viewport, lang):
    page = open_context(viewport, lang)
    page.goto(f"{live_server.url}/tracks?lang={lang}")
    month = dt.date.today().month
    catalog = _catalog(app)
    flagged = page.locator(".track-card:has(.track-season-off)").evaluate_all(
        "cards => cards.map(c => c.dataset.track)"
    )
    assert sorted(flagged) == sorted(
        track.id for track in catalog.tracks.values() if not track.runs_in(month)
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert axe_violations(page) == []
    _assert_clean(page_log, live_server)


@pytest.mark.parametrize(("viewport", "lang"), JOURNEYS)
def test_track_page_journey(open_context, app, live_server, page_log, viewport, lang):
    catalog = _catalog(app)
    month = dt.date.today().month
    for track in catalog.tracks.values():
        page = open_context(viewport, lang)
        page.goto(f"{live_server.url}/tracks/{track.id}?lang={lang}")
        page.wait_for_selector("path.ecomap-track-line")
        page.wait_for_function("() => document.querySelector('.folium-map').dataset.fitted === 'true'")
        page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
        assert page.evaluate(ROUTE_INSIDE_MAP), f"{track.id}: the route is not wholly in view"
        numbers = [str(number) for number in range(1, len(track.stops) + 1)]
        assert page.locator(".ecomap-track-stop .ecomap-stop-number").all_inner_texts() == numbers
        assert page.locator(".track-stop-list .track-stop-badge").all_inner_texts() == numbers
        assert (page.locator(".track-season-off").count() == 1) == (not track.runs_in(month))
        assert (
            page.locator(".track-download a.track-gpx").get_attribute("href").split("?")[0].endswith(".gpx")
        )
        page_url = page.locator(".track-page-url").inner_text()
        assert page_url.startswith(f"{live_server.url}/tracks/{track.id}?")
        for selector in (".leaflet-control-zoom-in", ".track-download a.track-gpx"):
            box = page.locator(selector).bounding_box()
            assert box["width"] >= 44 and box["height"] >= 44, selector
        assert axe_violations(page) == [], track.id
        page.close()
    _assert_clean(page_log, live_server)


@pytest.mark.parametrize(("viewport", "lang"), JOURNEYS)
def test_error_pages_journey(open_context, live_server, page_log, viewport, lang):
    page = open_context(viewport, lang)
    for path, status, text in [("/nowhere", 404, "not_found"), ("/?date=2026-13-45", 400, "bad_date")]:
        separator = "&" if "?" in path else "?"
        response = page.goto(f"{live_server.url}{path}{separator}lang={lang}")
        assert response.status == status
        assert TEXTS[lang][text] in page.locator("main").inner_text()
        assert axe_violations(page) == [], path


def test_a_track_prints_on_one_a4_page(open_context, app, live_server):
    for track in _catalog(app).tracks.values():
        page = open_context(PHONE, "ru")
        page.goto(f"{live_server.url}/tracks/{track.id}?lang=ru")
        page.wait_for_selector("path.ecomap-track-line")
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 718, "height": 1040})  # A4 less the margins, at 96 dpi
        page.wait_for_function(ROUTE_INSIDE_MAP)
        pdf = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
        assert len(pdf.pages) == 1, track.id
        text = pdf.pages[0].extract_text()
        assert track.name["ru"].split(":")[0] in text and "Остановки" in text
        assert (
            page.locator(".ecomap-header").is_hidden() and page.locator(".leaflet-control-zoom").is_hidden()
        )
        assert page.locator(".track-qr svg").is_visible()
        page.close()


def _print(page) -> None:
    """What a browser does when asked to print: the ``beforeprint`` event, then the print layout."""
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")


MAP_SIZE = "() => Object.values(window[document.querySelector('.folium-map').id].getSize())"
MM = 96 / 25.4  # CSS pixels in a millimetre


@pytest.mark.parametrize(
    "viewport", [PHONE, DESKTOP, {"width": 2200, "height": 900}], ids=["phone", "desktop", "wide"]
)
def test_a_track_prints_on_one_a4_page_from_any_window_width(open_context, live_server, viewport):
    page = open_context(viewport, "ru")
    page.goto(f"{live_server.url}/tracks/walk-10000-steps?lang=ru")
    page.wait_for_selector("path.ecomap-track-line")
    _print(page)
    width, height = page.evaluate(MAP_SIZE)  # Leaflet measured the map as it prints
    assert (width, height) == (pytest.approx(190 * MM, abs=2), pytest.approx(92 * MM, abs=2))
    page.wait_for_function(ROUTE_INSIDE_MAP)
    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert float(box.width) < float(box.height)  # A4 portrait


def test_the_city_map_prints_on_one_a4_landscape_page_with_title_date_legend_scale_and_north(
    open_context, live_server
):
    page = open_context(PHONE, "ru")
    page.goto(f"{live_server.url}/?lang=ru&date=2026-07-01")
    _map_ready(page)
    legend = page.locator("details.ecomap-legend")
    legend.evaluate("(legend) => { legend.open = false; }")
    _print(page)
    width, height = page.evaluate(MAP_SIZE)
    assert (width, height) == (pytest.approx(281 * MM, abs=2), pytest.approx(182 * MM, abs=2))
    assert page.locator(".leaflet-interactive").first.is_visible()
    for selector in (".ecomap-legend .ecomap-legend-row", ".leaflet-control-scale", ".ecomap-print-north"):
        assert page.locator(selector).first.is_visible(), selector
    for selector in (".leaflet-control-zoom", ".leaflet-control-layers", ".ecomap-header"):
        assert page.locator(selector).is_hidden(), selector
    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (pytest.approx(842, abs=2), pytest.approx(595, abs=2))
    text = re.sub(r"\s+", " ", pdf.pages[0].extract_text())
    assert "Карта города: Сысерть" in text and "1 июл. 2026" in text
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert legend.get_attribute("open") is None  # folded back as it was


def test_a_notice_says_when_the_base_map_cannot_load(open_context, serve):
    # port 9 (discard) is one Chromium refuses at once: the tiles fail without leaving the machine
    app = create_app({"TESTING": True, "TILES": "http://127.0.0.1:9/{z}/{x}/{y}.png"})
    server = serve(app)
    page = open_context(PHONE, "ru")
    page.goto(f"{server.url}/?lang=ru")
    notice = page.locator(".ecomap-tile-notice")
    notice.wait_for()
    assert "Подложка карты не загрузилась" in notice.inner_text()
    assert page.locator(".leaflet-interactive").count() > 0


@pytest.mark.parametrize(
    ("lang", "polygon", "finish"),
    [("ru", "Закрасить площадь (многоугольник)", "Готово"), ("en", "Paint an area (a polygon)", "Done")],
)
def test_the_drawing_tool_speaks_the_pages_language(open_context, live_server, lang, polygon, finish):
    page = open_context(PHONE, "ru")
    page.goto(f"{live_server.url}/proposals/new?site=school-yard-23&lang={lang}")
    page.wait_for_function("() => window.L && L.PM && L.PM.activeLang === " + repr(lang))
    button = page.locator(".button-container", has=page.locator(GEOMAN_POLYGON))
    assert button.get_attribute("title") == polygon
    assert (
        button.locator("a.leaflet-buttons-control-button").get_attribute("aria-label") == polygon
    )  # its name
    button.locator("a.leaflet-buttons-control-button").click()
    assert page.locator(f"{GEOMAN_ACTIONS} .action-finish").inner_text() == finish
