"""On a phone (390 × 844, Russian) every map page shows its map in the first screen under a one-row
header whose menu button shows the sections and languages; the map is a region named after the page;
the «Все маршруты» link, the stops and the layer control's checkboxes are 44 px tap targets."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import PHONE
from tests.support.proposals_support import make_app

pytestmark = pytest.mark.browser
MAP_PAGES = ["/", "/tracks/walk-10000-steps", "/loops", "/proposals/new?site=school-yard-23", "/proposals"]
ROW_PX = 60  # one row of 44 px targets and its padding


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def phone(browser, page_log):
    context = browser.new_context(viewport=PHONE, locale="ru-RU")
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and page_log.console_errors.append(msg.text))
    page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    yield page
    context.close()


@pytest.mark.parametrize("path", MAP_PAGES)
def test_the_map_is_in_the_first_screen_under_a_one_row_header(phone, page_log, live_server, path):
    phone.goto(f"{live_server.url}{path}")
    phone.wait_for_selector(".leaflet-container")
    header = phone.locator("header.ecomap-header").bounding_box()
    assert header is not None and header["height"] <= ROW_PX
    assert phone.locator(".ecomap-nav").is_hidden()  # behind the menu button
    box = phone.locator(".folium-map").first.bounding_box()
    assert box is not None
    visible = min(box["y"] + box["height"], PHONE["height"]) - max(box["y"], 0)
    assert visible >= min(300, box["height"]), (path, box)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page_log.console_errors == [] and page_log.page_errors == []


def test_the_menu_button_shows_the_sections_and_languages(phone, live_server):
    phone.goto(f"{live_server.url}/tracks/walk-10000-steps")
    button = phone.get_by_role("button", name="Меню")
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(phone.get_by_role("link", name="Кольца")).to_be_visible()
    expect(phone.get_by_role("link", name="EN")).to_be_visible()
    phone.keyboard.press("Escape")
    expect(phone.locator(".ecomap-nav")).to_be_hidden()
    expect(button).to_be_focused()
    button.click()
    phone.get_by_role("link", name="EN").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("button", name="Menu")).to_be_visible()


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/", "Карта: Карта города: Сысерть"),
        ("/tracks/walk-10000-steps", "Карта: 10 000 шагов: пруд и парк"),
        ("/loops", "Карта: Кольца на цель по шагам"),
    ],
)
def test_the_focusable_map_is_a_region_named_after_the_page(phone, live_server, path, name):
    phone.goto(f"{live_server.url}{path}")
    region = phone.locator(".folium-map.leaflet-container")
    expect(region).to_have_attribute("role", "region")
    expect(region).to_have_attribute("aria-label", name)
    assert region.get_attribute("tabindex") == "0"


def _at_least_44(locator) -> None:
    for index in range(locator.count()):
        box = locator.nth(index).bounding_box()
        assert box is not None and box["width"] >= 43.5 and box["height"] >= 43.5, (
            index,
            box,
        )  # sub-pixel layout


def test_tap_targets_are_44_px(phone, live_server):
    phone.goto(f"{live_server.url}/tracks/walk-10000-steps")
    phone.wait_for_selector(".ecomap-track-stop")
    _at_least_44(phone.get_by_role("link", name="Все маршруты"))
    _at_least_44(phone.locator(".ecomap-track-stop"))
    phone.goto(f"{live_server.url}/")
    phone.locator(".leaflet-control-layers").hover()
    expect(phone.locator(".leaflet-control-layers-expanded")).to_have_count(1)
    labels = phone.locator(".leaflet-control-layers label:visible")
    assert labels.count() > 5
    for index in range(labels.count()):
        box = labels.nth(index).bounding_box()
        assert box is not None and box["height"] >= 43.5, (index, box)
