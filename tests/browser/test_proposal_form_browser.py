"""The proposal form in Chromium, in Russian on a phone and in English on a desktop: every problem
shown at once next to its field, a shape outside the site in red, then the private link that fits
its column with a copy button; axe-core finds no violation of any impact on the way."""

from __future__ import annotations

import re

import pytest
from shapely.geometry import Polygon

from geo.crs import in_metres
from tests.support.browser import (
    DESKTOP,
    GEOMAN_ACTIONS,
    GEOMAN_POLYGON,
    MAP_NAME,
    PHONE,
    POLYGON_READY_FOR,
    axe_violations,
    screenshot,
)
from tests.support.proposals_support import SCHOOL, make_app
from webmap.proposals.db import get_db
from webmap.proposals.service import get_sites
from webmap.proposals.store import Filters, find_proposals

pytestmark = pytest.mark.browser

MAP_READY = (
    "() => window.L && document.querySelector('.leaflet-interactive') "
    "&& document.querySelector('.leaflet-pm-toolbar')"
)
TO_SCREEN = (
    "([name, lat, lon]) => { const p = window[name].latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }"
)
EAST_EDGE = """(name) => {
    const map = window[name];
    return map.containerPointToLatLng([map.getSize().x - 20, map.getSize().y / 2]).lng;
}"""
# Below the band where Geoman shows "Finish / Undo the last point / Cancel" on a phone.
LATS = (56.4966, 56.49675)
INSIDE = [(60.8349, LATS[0]), (60.8355, LATS[0]), (60.8355, LATS[1]), (60.8349, LATS[1])]
RED = "#b71c1c"
TEXTS = {
    "ru": {
        "title": "Придумайте название для предложения.",
        "shape": "Фигура выходит за границы участка «Школьный двор школы № 23» на ",
        "area_unit": "\xa0м². Передвиньте её или нарисуйте заново внутри пунктирной линии.",
        "summary": "Предложение не отправлено. Исправьте, пожалуйста:",
        "sent": "Спасибо! Ваше предложение отправлено",
        "copy": "Скопировать ссылку",
        "selected": "Ссылка выделена: скопируйте её сочетанием Ctrl+C, а на телефоне — долгим нажатием.",
    },
    "en": {
        "title": "Give your proposal a title.",
        "shape": "The shape goes ",
        "area_unit": "\xa0m² beyond the boundary of “School No. 23 yard”. Move it or draw it again "
        "inside the dashed outline.",
        "summary": "The proposal was not sent. Please fix this:",
        "sent": "Thank you! Your proposal has been sent",
        "copy": "Copy the link",
        "copied": "The link is copied.",
    },
}
# Russian on a phone with the browser's language; English on a desktop whose browser asks for
# Russian: the page's ?lang= decides the server's messages too.
JOURNEYS = [
    pytest.param(PHONE, "ru-RU", "", "ru", id="ru-phone"),
    pytest.param(DESKTOP, "ru-RU", "&lang=en", "en", id="en-desktop"),
]


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def _screen_point(page, lon: float, lat: float) -> tuple[float, float]:
    name = page.evaluate(MAP_NAME)
    x, y = page.evaluate(TO_SCREEN, [name, lat, lon])
    box = page.locator(".folium-map").bounding_box()
    return box["x"] + x, box["y"] + y


def _draw_polygon(page, corners: list[tuple[float, float]]) -> None:
    """Draw a polygon with Geoman's tool, clicking each corner, then the first again."""
    page.evaluate("() => window.scrollTo(0, 0)")  # on a phone the map is above the form: scroll up to it
    points = [_screen_point(page, lon, lat) for lon, lat in corners]
    page.click(GEOMAN_POLYGON)
    actions = _box(page, GEOMAN_ACTIONS)
    drawn_on = _box(page, ".folium-map")
    if drawn_on["width"] <= 600:  # a phone: the finish bar at the map's foot, in one row, off the site
        assert actions["y"] >= drawn_on["y"] + 0.75 * drawn_on["height"], (actions, drawn_on)
        assert actions["y"] + actions["height"] <= drawn_on["y"] + drawn_on["height"], (actions, drawn_on)
        assert actions["height"] <= 48 and actions["x"] + actions["width"] <= drawn_on["width"], actions
    for x, y in points:  # a click there would press one of the drawing tool's own buttons
        inside_x = actions["x"] <= x <= actions["x"] + actions["width"]
        assert not (inside_x and actions["y"] <= y <= actions["y"] + actions["height"]), (x, y)
    for count, (x, y) in enumerate([*points, points[0]], start=1):
        page.mouse.move(x, y)
        page.mouse.click(x, y)
        if count <= len(points):  # each corner taken before the next click
            page.wait_for_function(POLYGON_READY_FOR, arg=count)


def _straddling(page, app) -> list[tuple[float, float]]:
    """A polygon from inside the school yard to 20 px short of the map's eastern edge, past the yard's."""
    with app.app_context():
        site = get_sites()[SCHOOL]
    lon_out = page.evaluate(EAST_EDGE, page.evaluate(MAP_NAME))
    corners = [(60.8352, LATS[0]), (lon_out, LATS[0]), (lon_out, LATS[1]), (60.8352, LATS[1])]
    reach = in_metres(Polygon(corners), site.crs_metric).difference(site.mask_metric).area
    assert reach > 1, "the test shape must reach out of the site beyond its tolerance"
    return corners


def _box(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box


def _no_horizontal_overflow(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def _fill_all_but_the_title(page) -> None:
    page.select_option("#proposal-category", "planter")
    page.fill("#proposal-materials", "old tyres, paint, soil")
    page.fill("#proposal-description", "Four painted tyre planters along the path.")
    page.fill("#proposal-author", "fox23")


def _assert_problems_shown(page, texts: dict[str, str]) -> None:
    title_error = page.locator("#proposal-title-error")
    shape_error = page.locator("#proposal-shape-error")
    title = page.locator("#proposal-title")
    assert title_error.inner_text() == texts["title"]
    shape_text = shape_error.inner_text()
    assert shape_text.startswith(texts["shape"]) and shape_text.endswith(texts["area_unit"])
    assert title_error.is_visible() and shape_error.is_visible()
    # each message next to its field, and tied to it for screen readers
    assert title.get_attribute("aria-invalid") == "true"
    assert "proposal-title-error" in title.get_attribute("aria-describedby").split()
    field, error = _box(page, "#proposal-title"), _box(page, "#proposal-title-error")
    assert 0 <= error["y"] - (field["y"] + field["height"]) < 24
    assert title.evaluate("(element) => getComputedStyle(element).borderTopColor") == "rgb(176, 0, 32)"
    described = page.locator(".folium-map").get_attribute("aria-describedby")
    assert "proposal-shape-error" in described.split()
    # the refused shape turns red on the map
    strokes = page.eval_on_selector_all(
        ".leaflet-overlay-pane path", "(paths) => paths.map((path) => path.getAttribute('stroke'))"
    )
    assert RED in strokes
    # the summary on top, announced and focused, lists both
    summary = page.locator("#proposal-problems")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("() => document.activeElement.id") == "proposal-problems"
    lines = summary.inner_text()
    assert texts["summary"] in lines and texts["title"] in lines and texts["shape"] in lines


def _assert_link_fits_and_copies(page, texts: dict[str, str], lang: str, token: str) -> None:
    link = page.locator("#proposal-link")
    assert link.inner_text().endswith(token)
    assert page.evaluate("() => document.activeElement.id") == "proposal-sent-title"
    assert page.locator("#proposal-sent-title").inner_text() == texts["sent"]
    column, box = _box(page, "#proposal-sent"), _box(page, "#proposal-link")
    assert column["x"] <= box["x"] and box["x"] + box["width"] <= column["x"] + column["width"]
    assert _no_horizontal_overflow(page)
    copy = page.locator("#proposal-copy")
    assert copy.inner_text() == texts["copy"]
    button = _box(page, "#proposal-copy")
    assert button["width"] >= 44 and button["height"] >= 44
    link.focus()
    page.keyboard.press("Tab")  # the copy button comes next
    assert page.evaluate("() => document.activeElement.id") == "proposal-copy"
    if lang == "ru":  # no clipboard for this page: the link is selected for the reader to copy
        page.evaluate("() => { navigator.clipboard.writeText = () => Promise.reject(new Error('denied')); }")
        page.keyboard.press("Enter")
        page.locator("#proposal-copy-status", has_text=texts["selected"]).wait_for()
        assert page.evaluate("() => window.getSelection().toString()") == link.inner_text()
    else:
        page.keyboard.press("Enter")
        page.locator("#proposal-copy-status", has_text=texts["copied"]).wait_for()
        assert page.evaluate("() => navigator.clipboard.readText()") == link.inner_text()


@pytest.mark.parametrize(("viewport", "locale", "query", "lang"), JOURNEYS)
def test_the_proposal_journey(open_context, serve, app, page_log, viewport, locale, query, lang):
    texts = TEXTS[lang]
    server = serve(app)
    page = open_context(viewport, locale)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.goto(f"{server.url}/proposals/new?site={SCHOOL}{query}")
    page.wait_for_function(MAP_READY)
    assert axe_violations(page) == []

    _draw_polygon(page, _straddling(page, app))
    _fill_all_but_the_title(page)
    page.click("#proposal-form button[type=submit]")
    page.locator("#proposal-shape-error:not(:empty)").wait_for()
    screenshot(page, f"proposal-form-problems-{lang}")

    _assert_problems_shown(page, texts)
    assert _no_horizontal_overflow(page)
    assert axe_violations(page) == []

    _draw_polygon(page, INSIDE)  # a new shape replaces the refused one
    page.fill("#proposal-title", "Planters from tyres")
    page.click("#proposal-form button[type=submit]")
    page.locator("#proposal-link").wait_for()
    screenshot(page, f"proposal-form-sent-{lang}")

    with app.app_context(), get_db().read() as session:
        (stored,) = find_proposals(session, Filters(("pending",)))
    assert stored.title == "Planters from tyres" and stored.author == "fox23"
    assert page.locator("#proposal-form").is_hidden()
    assert axe_violations(page) == []
    _assert_link_fits_and_copies(page, texts, lang, stored.token)
    assert page_log.page_errors == []
    assert page_log.foreign_requests(server.host) == []


def test_propose_another_idea_brings_back_an_empty_form(open_context, serve, app):
    server = serve(app)
    page = open_context(PHONE, "ru-RU")
    page.goto(f"{server.url}/proposals/new?site={SCHOOL}")
    page.wait_for_function(MAP_READY)
    _draw_polygon(page, INSIDE)
    page.fill("#proposal-title", "Скамейка")
    _fill_all_but_the_title(page)
    page.click("#proposal-form button[type=submit]")
    page.locator("#proposal-link").wait_for()

    page.click("#proposal-again")

    assert page.locator("#proposal-sent").is_hidden()
    assert page.locator("#proposal-title").input_value() == ""
    assert page.evaluate("() => document.activeElement.id") == "proposal-title"
    assert page.locator("#proposal-shape").inner_text() == "Пока ничего не нарисовано."


def test_a_spent_rate_limit_is_said_in_the_pages_language(open_context, serve, tmp_path):
    app = make_app(tmp_path, RATE_LIMIT="1/minute")
    server = serve(app)
    page = open_context(PHONE, "ru-RU")
    page.goto(f"{server.url}/proposals/new?site={SCHOOL}")
    page.wait_for_function(MAP_READY)
    for title in ("Первая", "Вторая"):
        _draw_polygon(page, INSIDE)
        page.fill("#proposal-title", title)
        _fill_all_but_the_title(page)
        page.click("#proposal-form button[type=submit]")
        if title == "Первая":
            page.locator("#proposal-link").wait_for()
            page.click("#proposal-again")

    result = page.locator("#proposal-result", has_text="С этого адреса")
    result.wait_for()

    # Retry-After is the limit's window rounded up: 60 s, or 61 when the second turns over meanwhile;
    # either way the number comes with its Russian plural form.
    assert re.fullmatch(
        "С этого адреса только что отправили много предложений. "
        r"Попробуйте ещё раз через (1 минуту|2 минуты)\.",
        result.inner_text(),
    )
