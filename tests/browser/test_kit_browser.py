"""The kit designer in Chromium, in Russian on a touch phone and in English on a desktop driven by
the keyboard where it can be: parts placed on the school yard, turned, one bench put in the street
gate's keep-clear zone (the problem listed and the bench outlined red on the map), moved out, the bill
following every change, the proposal sent and its bill found again at the private link. axe-core
finds no violation on load, while placing and with a problem shown. The rules are the server's
(/api/proposals/check): the page only draws what it answers."""

from __future__ import annotations

import math
from typing import Any

import numpy
import pytest
import shapely
from shapely.geometry import Point, shape
from shapely.ops import unary_union

from tests.support.browser import DESKTOP, MAP_NAME, PHONE, axe_violations, screenshot
from tests.support.proposals_support import SCHOOL, make_app

pytestmark = pytest.mark.browser

KIT_READY = "() => document.querySelector('#kit[data-ready]')"
CHECKED = (
    "() => { const kit = document.getElementById('kit'); return kit.dataset.ready && !kit.dataset.pending; }"
)
TO_SCREEN = (
    "([name, lat, lon]) => { const p = window[name].latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }"
)
MAP_IN_VIEW = """() => {
    const box = document.querySelector('.folium-map').getBoundingClientRect();
    return box.top >= -1 && box.bottom <= window.innerHeight + 1;  // subpixel layout
}"""
# The map is not panning or zooming: screen points computed now stay where they are.
MAP_STILL = """() => {
    const map = window[Object.keys(window).find((key) => /^map_[0-9a-f]+$/.test(key))];
    return !(map._panAnim && map._panAnim._inProgress) && !map._animatingZoom;
}"""
NEXT_FRAME = "() => new Promise((resolve) => requestAnimationFrame(() => resolve(true)))"
PART_AT = """(index) => {
    const part = window.ecomapKit.draft().parts[index];
    return part ? [part.lon, part.lat] : null;
}"""
NO_KEEP_CLEAR_PROBLEM = "() => !document.querySelector(\"#kit-problems li[data-rule='keep-clear']\")"
CULPRIT_PATHS = """() => Array.from(document.querySelectorAll('path.kit-culprit')).map((path) => ({
    stroke: path.getAttribute('stroke'), dash: path.getAttribute('stroke-dasharray')}))"""
BENCH = "pallet-bench"
GATE = "street-gate"
RED = "#b71c1c"
M_PER_DEGREE = 111_320
TEXTS = {
    "ru": {"ok": "Всё в порядке", "rotated": "поворот 15°", "send": "Отправить на рассмотрение"},
    "en": {"ok": "No problems", "rotated": "turned 15°", "send": "Send for review"},
}
PARTS = ["planter-box", "raised-bed", "picnic-table", "tyre-planter", "chalkboard"]  # five, then a bench


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def designer(open_context):
    """Open a page carrying axe-core: a touch phone in Russian or a desktop in English."""

    def open_page(kind: str):
        if kind == "phone":
            return open_context(PHONE, "ru-RU", touch=True)
        return open_context(DESKTOP, "en-GB")

    return open_page


# ---- where to put things: the yard, its keep-clear zones, free spots, in metres on a local plane ----


class Plane:
    """Longitude and latitude as metres east and north of a point: the yard is 100 m across."""

    def __init__(self, lon: float, lat: float) -> None:
        self.lon, self.lat = lon, lat
        self.k = M_PER_DEGREE * math.cos(math.radians(lat))

    def to_metres(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.lon) * self.k, (lat - self.lat) * M_PER_DEGREE

    def in_metres(self, geometry: Any) -> Any:
        scale = numpy.array([self.k, M_PER_DEGREE])
        return shapely.transform(geometry, lambda coords: (coords - [self.lon, self.lat]) * scale)

    def to_degrees(self, x: float, y: float) -> tuple[float, float]:
        return self.lon + x / self.k, self.lat + y / M_PER_DEGREE


def _yard(app, lang: str) -> tuple[dict, Any, list[dict]]:
    client = app.test_client()
    kit = client.get(f"/api/kit?site={SCHOOL}&lang={lang}").get_json()
    (site,) = [f for f in client.get("/api/sites").get_json()["features"] if f["id"] == SCHOOL]
    return kit, shape(site["geometry"]), kit["keep_clear"]["features"]


def _free_spots(mask, keep_clear: list[dict], count: int) -> list[tuple[float, float]]:
    """``count`` points of the yard 4 m from its edge, 5 m from every keep-clear zone and 8 m apart."""
    plane = Plane(mask.centroid.x, mask.centroid.y)
    inside = plane.in_metres(mask).buffer(-4)
    zones = []
    for zone in keep_clear:
        drawn = zone["properties"].get("zone")  # the zone as the server drew it, or the feature
        reach = (
            0 if drawn else zone["properties"].get("clear_radius_m") or zone["properties"].get("width_m") or 2
        )
        zones.append(plane.in_metres(shape(drawn or zone["geometry"])).buffer(reach + 5))
    free = inside.difference(unary_union(zones))
    minx, miny, maxx, maxy = free.bounds
    spots: list[Point] = []
    y = miny
    while y <= maxy and len(spots) < count:
        x = minx
        while x <= maxx and len(spots) < count:
            spot = Point(x, y)
            if free.contains(spot) and all(spot.distance(other) >= 8 for other in spots):
                spots.append(spot)
            x += 2
        y += 2
    assert len(spots) == count, f"the yard has room for {len(spots)} parts, not {count}"
    return [plane.to_degrees(spot.x, spot.y) for spot in spots]


def _gate(keep_clear: list[dict]) -> tuple[float, float]:
    (gate,) = [
        zone for zone in keep_clear if zone.get("id") == GATE or zone["properties"].get("kind") == "gate"
    ]
    point = shape(gate["geometry"]).representative_point()
    return point.x, point.y


# ---- driving the page ----


def _screen_point(page, lon: float, lat: float) -> tuple[float, float]:
    page.wait_for_function(MAP_STILL)
    x, y = page.evaluate(TO_SCREEN, [page.evaluate(MAP_NAME), lat, lon])
    box = page.locator(".folium-map").bounding_box()
    return box["x"] + x, box["y"] + y


def _tap_map(page, lon: float, lat: float, touch: bool) -> None:
    page.wait_for_function(MAP_IN_VIEW)
    x, y = _screen_point(page, lon, lat)
    if touch:
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)


def _place(page, part: str, lon: float, lat: float, touch: bool) -> None:
    count = page.locator("#kit-placed li").count()
    button = page.locator(f"button.kit-part[data-part='{part}']")
    if touch:
        button.tap()
    else:
        button.click()
    assert button.get_attribute("aria-pressed") == "true"
    _tap_map(page, lon, lat, touch)
    page.locator("#kit-placed li").nth(count).wait_for()
    page.wait_for_function(CHECKED)


def _press(page, selector: str, touch: bool, times: int = 1) -> None:
    for _ in range(times):
        if touch:
            page.locator(selector).tap()
        else:
            page.locator(selector).focus()
            page.keyboard.press("Enter")
    page.wait_for_function(CHECKED)


def _move_by_buttons(page, metres_east: int, metres_north: int, touch: bool) -> None:
    east = (
        "#kit-tools [data-kit-action=move][data-east='1']"
        if metres_east > 0
        else "#kit-tools [data-kit-action=move][data-east='-1']"
    )
    north = (
        "#kit-tools [data-kit-action=move][data-north='1']"
        if metres_north > 0
        else "#kit-tools [data-kit-action=move][data-north='-1']"
    )
    _press(page, east, touch, abs(metres_east))
    _press(page, north, touch, abs(metres_north))


def _bill_total(page) -> str:
    return page.locator("#kit-bill-total").inner_text()


def _assert_buttons_big_enough(page) -> None:
    small = page.evaluate(
        """() => Array.from(document.querySelectorAll('#kit button')).filter((button) => {
            const box = button.getBoundingClientRect();
            return box.width > 0 && (box.width < 44 || box.height < 44);
        }).map((button) => button.outerHTML.slice(0, 80))"""
    )
    assert small == []


def _assert_keep_clear_problem(page, bench_index: int) -> None:
    problem = page.locator("#kit-problems li[data-rule='keep-clear']").first
    problem.wait_for()
    assert problem.inner_text().strip()
    assert page.locator("#kit-problems").get_attribute("aria-live") == "polite"
    culprits = page.evaluate(CULPRIT_PATHS)
    assert culprits and all(path["stroke"] == RED and path["dash"] for path in culprits), culprits
    item = page.locator("#kit-placed li").nth(bench_index).locator("button")
    assert "kit-placed-culprit" in item.get_attribute("class")


def _fill_texts_and_send(page, lang: str, touch: bool) -> str:
    page.fill("#proposal-title", "Двор для всех" if lang == "ru" else "A yard for everyone")
    page.select_option("#proposal-category", "bench")
    page.fill("#proposal-materials", "поддоны, доски" if lang == "ru" else "pallets, boards")
    page.fill(
        "#proposal-description", "Скамейки, клумбы и стол." if lang == "ru" else "Benches, planters, a table."
    )
    page.fill("#proposal-author", f"fox-{lang}")
    send = page.locator("#proposal-form button[type=submit]")
    assert send.inner_text() == TEXTS[lang]["send"]
    if touch:
        send.tap()
    else:
        send.focus()
        page.keyboard.press("Enter")
    link = page.locator("#proposal-link")
    link.wait_for()
    return link.get_attribute("href")


def _assert_bill_at_private_link(page, url: str, total: str) -> None:
    page.goto(url)
    bill = page.locator(".proposal-bill")
    bill.wait_for()
    assert total in bill.inner_text()
    assert axe_violations(page) == []


# ---- the journeys ----


def test_russian_phone_journey(designer, serve, app, page_log):
    _kit, mask, keep_clear = _yard(app, "ru")
    spots = _free_spots(mask, keep_clear, len(PARTS) + 1)
    server = serve(app)
    page = designer("phone")
    page.goto(f"{server.url}/proposals/new?site={SCHOOL}")
    page.wait_for_function(KIT_READY)
    assert axe_violations(page) == []
    _assert_buttons_big_enough(page)

    for part, (lon, lat) in zip(PARTS, spots, strict=False):
        _place(page, part, lon, lat, touch=True)
    assert page.locator("#kit-placed li").count() == 5
    assert page.locator("#kit-bill").is_visible()
    page.locator("#kit-placed li").nth(2).locator("button").tap()
    _press(page, ".kit-map-tools [data-kit-action=rotate][data-degrees='15']", touch=True)  # by the thumb
    assert TEXTS["ru"]["rotated"] in page.locator("#kit-placed li").nth(2).inner_text()
    before = _bill_total(page)

    gate_lon, gate_lat = _gate(keep_clear)
    page.evaluate("() => window.scrollTo(0, 0)")
    _place(page, BENCH, gate_lon, gate_lat, touch=True)
    _assert_keep_clear_problem(page, 5)
    _assert_buttons_big_enough(page)  # the problems' buttons too
    assert _bill_total(page) != before  # the bench costs something
    assert axe_violations(page) == []
    screenshot(page, "kit-phone-problem-ru")
    page.locator("#kit-problems").scroll_into_view_if_needed()
    screenshot(page, "kit-phone-problem-list-ru")
    page.evaluate("() => window.scrollTo(0, 0)")

    # out of the zone with the arrow buttons, to the free spot left over
    plane = Plane(gate_lon, gate_lat)
    east, north = plane.to_metres(*spots[5])
    _move_by_buttons(page, round(east), round(north), touch=True)
    page.wait_for_function(NO_KEEP_CLEAR_PROBLEM)
    assert page.evaluate(CULPRIT_PATHS) == []
    total = _bill_total(page)
    _assert_buttons_big_enough(page)
    screenshot(page, "kit-phone-placed-ru")
    assert axe_violations(page) == []

    url = _fill_texts_and_send(page, "ru", touch=True)
    _assert_bill_at_private_link(page, url, total)
    assert page_log.page_errors == [] and page_log.console_errors == []
    assert page_log.foreign_requests(server.host) == []


def test_english_desktop_journey_with_the_keyboard(designer, serve, app, page_log):
    _kit, mask, keep_clear = _yard(app, "en")
    spots = _free_spots(mask, keep_clear, len(PARTS) + 1)
    server = serve(app)
    page = designer("desktop")
    page.goto(f"{server.url}/proposals/new?site={SCHOOL}&lang=en")
    page.wait_for_function(KIT_READY)
    assert axe_violations(page) == []

    # the first part by keyboard alone: chosen, put in the middle of the map, then moved to its spot
    page.locator(f"button.kit-part[data-part='{PARTS[0]}']").focus()
    page.keyboard.press("Enter")
    page.locator("#kit-place-centre").focus()
    assert axe_violations(page) == []  # while placing
    page.keyboard.press("Enter")
    page.wait_for_function(CHECKED)
    centre = page.evaluate(PART_AT, 0)
    east, north = Plane(*centre).to_metres(*spots[0])
    _move_by_buttons(page, round(east), round(north), touch=False)
    for part, (lon, lat) in list(zip(PARTS, spots, strict=False))[1:]:
        _place(page, part, lon, lat, touch=False)
    assert page.locator("#kit-placed li").count() == 5

    # select the third from the list, turn it, duplicate it and remove the copy, by keyboard
    page.locator("#kit-placed li").nth(2).locator("button").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.dataset.index") == "2"  # focus kept
    _press(page, "#kit-tools [data-kit-action=rotate][data-degrees='15']", touch=False)
    assert TEXTS["en"]["rotated"] in page.locator("#kit-placed li").nth(2).inner_text()
    _press(page, "#kit-tools [data-kit-action=duplicate]", touch=False)
    assert page.locator("#kit-placed li").count() == 6
    _press(page, "#kit-tools [data-kit-action=remove]", touch=False)
    assert page.locator("#kit-placed li").count() == 5
    before = _bill_total(page)

    gate_lon, gate_lat = _gate(keep_clear)
    _place(page, BENCH, gate_lon, gate_lat, touch=False)
    _assert_keep_clear_problem(page, 5)
    assert _bill_total(page) != before
    assert axe_violations(page) == []
    screenshot(page, "kit-desktop-problem-en")

    # the problem's button selects the culprit; its icon is dragged out with the mouse
    page.locator("#kit-problems li[data-rule='keep-clear'] button").first.focus()
    page.keyboard.press("Enter")
    assert page.locator("#kit-placed li").nth(5).locator("button").get_attribute("aria-pressed") == "true"
    bench = page.evaluate(PART_AT, 5)
    start = _screen_point(page, *bench)
    end = _screen_point(page, *spots[5])
    page.mouse.move(*start)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(
            start[0] + (end[0] - start[0]) * step / 10, start[1] + (end[1] - start[1]) * step / 10
        )
    page.evaluate(NEXT_FRAME)  # Leaflet moves a dragged marker on the next frame: let it get there
    page.mouse.up()
    page.wait_for_function(CHECKED)
    page.wait_for_function(NO_KEEP_CLEAR_PROBLEM)
    assert page.evaluate(CULPRIT_PATHS) == []
    total = _bill_total(page)
    screenshot(page, "kit-desktop-placed-en")
    assert axe_violations(page) == []

    url = _fill_texts_and_send(page, "en", touch=False)
    _assert_bill_at_private_link(page, url, total)
    assert page_log.page_errors == [] and page_log.console_errors == []
    assert page_log.foreign_requests(server.host) == []


def test_the_handle_turns_a_part_and_the_server_draws_it_turned(designer, serve, app, page_log):
    _kit, mask, keep_clear = _yard(app, "en")
    (spot,) = _free_spots(mask, keep_clear, 1)
    server = serve(app)
    page = designer("desktop")
    page.goto(f"{server.url}/proposals/new?site={SCHOOL}&lang=en")
    page.wait_for_function(KIT_READY)
    _place(page, "pallet-sofa", *spot, touch=False)
    handle = page.locator(".kit-rotate-handle")
    box = handle.bounding_box()
    centre = _screen_point(page, *spot)
    start = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    radius = centre[1] - start[1]  # the handle starts due north of the part
    assert radius > 40

    page.mouse.move(*start)
    page.mouse.down()
    for step in range(1, 11):  # a quarter turn round the part, clockwise
        angle = math.radians(9 * step)
        page.mouse.move(centre[0] + radius * math.sin(angle), centre[1] - radius * math.cos(angle))
    page.evaluate(NEXT_FRAME)
    page.mouse.up()
    page.wait_for_function(CHECKED)

    assert page.evaluate("() => window.ecomapKit.draft().parts[0].rotation_deg") == 90
    assert "turned 90°" in page.locator("#kit-placed li").first.inner_text()
    # the server's footprint: the sofa (2.4 m east-west) now runs north-south on the screen
    footprint = page.locator("path.kit-selected").bounding_box()
    assert footprint["height"] > footprint["width"]
    assert page_log.page_errors == []


def test_a_summer_part_in_an_all_year_project_until_the_season_says_summer(designer, serve, app, page_log):
    _kit, mask, keep_clear = _yard(app, "ru")
    (spot,) = _free_spots(mask, keep_clear, 1)
    server = serve(app)
    page = designer("phone")
    page.goto(f"{server.url}/proposals/new?site={SCHOOL}")
    page.wait_for_function(KIT_READY)
    assert page.locator("#kit-season").input_value() == "all-year"
    _place(page, "hay-bale-seat", *spot, touch=True)

    problem = page.locator("#kit-problems li[data-rule='season']")
    problem.wait_for()
    assert page.evaluate(CULPRIT_PATHS)  # the hay bales outlined on the map
    assert axe_violations(page) == []
    page.select_option("#kit-season", "summer")
    page.wait_for_function(CHECKED)

    assert problem.count() == 0 and page.evaluate(CULPRIT_PATHS) == []
    assert page.evaluate("() => window.ecomapKit.draft().season") == "summer"
    assert page_log.page_errors == []


def test_without_the_kit_the_page_still_takes_a_drawing(designer, serve, app):
    server = serve(app)
    page = designer("desktop")
    page.route("**/api/kit?*", lambda route: route.fulfill(status=503, body="{}"))
    page.goto(f"{server.url}/proposals/new?site={SCHOOL}&lang=en")

    status = page.locator("#kit-status", has_text="The kit of parts could not be loaded")
    status.wait_for()
    assert page.locator("#kit-palette").is_hidden() and page.locator(".leaflet-pm-toolbar").first.is_visible()
    assert axe_violations(page) == []
