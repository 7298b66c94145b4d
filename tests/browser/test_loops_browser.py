"""The loops page in Chromium: search a place or tap a start, see the loops as cards, choose one, download it.

Russian on a phone (390 x 844) and English on a desktop, with axe-core on the page before
and after the loops are shown.
"""

from __future__ import annotations

import re
from pathlib import Path

import gpxpy
import pytest
from playwright.sync_api import expect

from tests.support.browser import DESKTOP, PHONE, axe_violations, screenshot
from tests.test_loops_towns import TOWNS, town_pack
from webmap import create_app

pytestmark = pytest.mark.browser
JOURNEYS = [pytest.param(PHONE, "ru", id="ru-phone"), pytest.param(DESKTOP, "en", id="en-desktop")]
TEXTS = {
    "ru": {
        "query": "соединит",
        "place": "Соединительная улица",
        "start": "Старт: Соединительная улица.",
        "moved": r"Старт перенесён на ближайшую дорожку, \d+\xa0м\.",
        "on_path": "Старт — на дорожке.",
        "profile": "Профиль высот кольца 2",
        "repeated": "Что значат «повторы»",
        "elevation": "Высота от",
        "steps": "шаг",
    },
    "en": {
        "query": "CONNECTING st",
        "place": "Connecting street",
        "start": "Start: Connecting street.",
        "moved": r"Start moved to the nearest path, \d+\xa0m away\.",
        "on_path": "The start is on a path.",
        "profile": "Elevation profile of loop 2",
        "repeated": 'What "repeated" means',
        "elevation": "Elevation from",
        "steps": "steps",
    },
}
# The loops drawn on the map (the start's dashed line and the faint network are not interactive),
# with their stroke widths, and whether the map's view holds every one of them.
DRAWN_LOOPS = """() => {
    const map = window[document.getElementById('loops-app').dataset.map];
    const loops = [];
    map.eachLayer(layer => {
        if (layer.feature && layer.options && layer.options.weight && layer.options.interactive !== false
            && layer.feature.geometry.type === 'LineString') {
            loops.push({weight: layer.options.weight, opacity: layer.options.opacity,
                        inView: map.getBounds().pad(0.01).contains(layer.getBounds())});
        }
    });
    return loops;
}"""
# How much of the map's height is inside the window (0: scrolled out of sight, 1: all of it).
MAP_SEEN = """() => { const box = document.querySelector('#loops-app .folium-map').getBoundingClientRect();
    return Math.max(0, Math.min(box.bottom, window.innerHeight) - Math.max(box.top, 0)) / box.height; }"""
TAP = """latlng => { const map = window[document.getElementById('loops-app').dataset.map];
    map.fire('click', {latlng: L.latLng(latlng[0], latlng[1])}); }"""


def _ready(page) -> None:
    page.wait_for_load_state("load")
    page.wait_for_function("() => document.querySelector('.leaflet-control-locate a[role=button]') !== null")


@pytest.mark.parametrize(("viewport", "lang"), JOURNEYS)
def test_search_a_place_choose_loop_two_and_see_it(open_context, live_server, page_log, viewport, lang):
    texts = TEXTS[lang]
    page = open_context(viewport, lang)
    page.goto(f"{live_server.url}/loops?lang={lang}")
    _ready(page)
    assert axe_violations(page) == []
    page.locator("#loops-steps").fill("10000")
    search = page.locator("#loops-place")
    search.fill(texts["query"])
    option = page.get_by_role("option", name=re.compile(re.escape(texts["place"])))
    expect(option).to_be_visible()
    expect(search).to_have_attribute("aria-expanded", "true")
    screenshot(page, f"loops-{lang}-search")
    search.press("ArrowDown")
    assert axe_violations(page) == []  # the open list with an active option
    expect(option).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    search.press("Enter")
    expect(search).to_have_value(texts["place"])
    expect(search).to_have_attribute("aria-expanded", "false")
    cards = page.locator("#loops-list > li")
    expect(cards.first).to_be_visible()
    note = page.locator("#loops-start-note")
    expect(note).to_contain_text(texts["start"])
    expect(note).to_contain_text(texts["on_path"])  # a street starts at one of its nodes
    assert cards.count() >= 2, "the street's start has two loops or more at 10,000 steps"
    drawn = page.evaluate(DRAWN_LOOPS)
    assert len(drawn) == cards.count()
    assert all(loop["inView"] for loop in drawn), "the map fits every loop, not only the first"
    assert [loop["weight"] for loop in drawn].count(7) == 1
    screenshot(page, f"loops-{lang}-found")
    if viewport == PHONE:
        cards.nth(1).locator("dl").scroll_into_view_if_needed()
        assert page.evaluate(MAP_SEEN) < 0.5, "on a phone the second card is under the map"
        cards.nth(1).locator("dl").click()  # a tap anywhere on the card
        # the page brings the map back into sight, to show the loop just chosen
        page.wait_for_function(f"() => ({MAP_SEEN})() > 0.9")
    else:
        scrolled = page.evaluate("window.scrollY")
        cards.first.get_by_role("radio").focus()
        page.keyboard.press("ArrowDown")  # the radio group moves and chooses with the arrows
        assert page.evaluate("window.scrollY") == scrolled, "the keyboard's choice does not move the page"
    page.wait_for_function(f"() => ({DRAWN_LOOPS})()[1].inView")  # the map fits the chosen loop
    expect(cards.nth(1)).to_have_class(re.compile("loops-card-selected"))
    expect(cards.nth(1).get_by_role("radio")).to_be_checked()
    expect(cards.first).not_to_have_class(re.compile("loops-card-selected"))
    weights = [loop["weight"] for loop in page.evaluate(DRAWN_LOOPS)]
    assert weights[1] == 7 and weights.count(7) == 1, weights
    expect(page.locator("#loops-profile-title")).to_have_text(texts["profile"])
    chart = page.locator("#loops-profile-chart svg[role=img]")
    expect(chart).to_have_attribute("aria-label", re.compile(texts["elevation"]))
    assert chart.locator("polyline").count() >= 1
    assert chart.locator("text").all_text_contents()[-1] == cards.nth(1).locator("dd").first.inner_text()
    expect(cards.nth(1).locator("#loops-note")).to_contain_text(texts["repeated"])
    assert texts["steps"] in cards.nth(1).inner_text()
    assert axe_violations(page) == []
    for selector in (
        "#loops-place",
        "#loops-steps",
        "#loops-audience",
        ".loops-form button",
        ".loops-card-title",
    ):
        box = page.locator(selector).first.bounding_box()
        assert box["height"] >= 44, selector
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"loops-{lang}-loop-2")
    assert page_log.foreign_requests(live_server.host) == []
    assert page_log.page_errors == [] and page_log.console_errors == []


def test_an_imported_town_s_street_is_a_start(open_context, serve, page_log, tmp_path_factory):
    """Vaduz from OpenStreetMap: its streets' names are found, a click on one starts the loops."""
    root = town_pack(TOWNS["vaduz"], tmp_path_factory.mktemp("vaduz"))
    server = serve(create_app({"TESTING": True, "PACK": str(root), "TILES": "none"}))
    page = open_context(DESKTOP, "en")
    page.goto(f"{server.url}/loops?lang=en")
    _ready(page)
    page.locator("#loops-steps").fill("3000")
    page.locator("#loops-place").fill("furst-franz")
    page.get_by_role("option", name=re.compile("Fürst-Franz-Josef-Strasse")).click()
    expect(page.locator("#loops-list > li").first).to_be_visible()
    expect(page.locator("#loops-start-note")).to_contain_text(
        "Start: Fürst-Franz-Josef-Strasse. The start is on a path."
    )
    expect(page.locator("#loops-profile-chart")).to_contain_text("Heights are unknown on this loop")
    assert axe_violations(page) == []
    assert page_log.page_errors == [] and page_log.console_errors == []


@pytest.mark.parametrize(("viewport", "lang"), JOURNEYS)
def test_a_tap_off_the_paths_snaps_and_says_so(open_context, live_server, viewport, lang):
    page = open_context(viewport, lang)
    page.goto(f"{live_server.url}/loops?lang={lang}")
    _ready(page)
    page.locator("#loops-steps").fill("6000")
    page.evaluate(TAP, [56.4985, 60.8040])  # a yard west of the museum, off every path
    expect(page.locator("#loops-list > li").first).to_be_visible()
    note = page.locator("#loops-start-note").inner_text()
    metres = re.search(TEXTS[lang]["moved"].replace(r"\d+", r"(\d+)"), note)
    assert metres and 20 <= int(metres.group(1)) <= 500, note
    assert page.locator(".loops-error").count() == 0


@pytest.mark.parametrize(
    ("lang", "words"),
    [("ru", "в 11,2\xa0км от пешеходных дорожек"), ("en", "11.2\xa0km from the walking network")],
)
def test_a_start_too_far_is_refused_next_to_the_start_field(open_context, live_server, lang, words):
    page = open_context(PHONE, lang)
    page.goto(f"{live_server.url}/loops?lang={lang}")
    _ready(page)
    page.evaluate(TAP, [56.56, 60.60])
    note = page.locator("#loops-start-note")
    expect(note).to_contain_text(words)
    expect(note).to_have_class(re.compile("loops-error"))
    expect(page.locator("#loops-place")).to_have_attribute("aria-invalid", "true")
    assert page.locator("#loops-list li").count() == 0
    assert "from the walking network" not in note.inner_text() or lang == "en"


def test_a_goal_too_long_is_refused_next_to_the_steps(open_context, live_server):
    page = open_context(PHONE, "ru")
    page.goto(f"{live_server.url}/loops")
    _ready(page)
    page.locator("#loops-steps").fill("40000")
    page.locator("#loops-audience").select_option("limited-mobility")
    page.evaluate(TAP, [56.4948, 60.8112])
    note = page.locator("#loops-steps-note")
    expect(note).to_contain_text("40\xa0000 шагов")
    expect(page.locator("#loops-steps")).to_have_attribute("aria-invalid", "true")


def test_the_locate_button_works_from_the_keyboard(browser, live_server):
    context = browser.new_context(
        viewport=PHONE,
        locale="ru-RU",
        geolocation={"latitude": 56.4948, "longitude": 60.8112},
        permissions=["geolocation"],
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/loops")
        _ready(page)
        page.locator("#loops-steps").fill("6000")
        locate = page.get_by_role("button", name="Моё местоположение")
        for _ in range(30):  # Tab reaches it
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.matches('.leaflet-control-locate a')"):
                break
        else:
            pytest.fail("Tab never reached the locate button")
        box = locate.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
        page.keyboard.press("Enter")
        expect(page.locator("#loops-list > li").first).to_be_visible()
        expect(page.locator("#loops-start-note")).to_contain_text("Старт")
    finally:
        context.close()


def test_a_location_refused_is_said_in_russian(open_context, live_server):
    page = open_context(PHONE, "ru")  # the context grants no geolocation: Chromium refuses it
    page.goto(f"{live_server.url}/loops")
    _ready(page)
    page.get_by_role("button", name="Моё местоположение").press("Enter")
    note = page.locator("#loops-start-note")
    expect(note).to_contain_text("Местоположение недоступно: браузеру не разрешили его сообщить.")
    expect(note).to_have_class(re.compile("loops-error"))
    assert not re.search(r"[A-Za-z]", note.inner_text())


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_tap_a_start_and_get_loops(page, page_log, live_server):
    page.goto(f"{live_server.url}/loops?lang=en")
    page.locator("input[name=steps]").fill("6000")
    page.locator("select[name=audience]").select_option("seniors")
    page.evaluate(TAP, [56.4948, 60.8112])
    page.wait_for_selector("#loops-list li")
    items = page.locator("#loops-list li")
    assert 1 <= items.count() <= 3
    assert "steps" in items.first.inner_text()
    assert page.locator("path.leaflet-interactive").count() >= items.count()
    screenshot(page, "loops-phone")
    with page.expect_download() as download:
        items.first.locator("a").click()
    document = gpxpy.parse(Path(download.value.path()).read_text(encoding="utf-8"))
    assert len(document.tracks[0].segments[0].points) > 10
    assert page_log.foreign_requests(live_server.host) == []
    assert page_log.page_errors == []


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_a_start_off_the_network_says_why(page, live_server):
    page.goto(f"{live_server.url}/loops?lang=en")
    page.evaluate(TAP, [56.56, 60.60])
    page.locator("#loops-start-note").filter(has_text="500 m").wait_for()
    assert page.locator("#loops-list li").count() == 0
