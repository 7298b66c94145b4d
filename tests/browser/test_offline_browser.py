"""The installable app offline, on a Russian phone: save a track, go offline, reopen it whole (page,
map, layers, GPX, profile, sign); any other page says plainly it needs a connection; the saved list
shows the track with its size and deletes it. The base map's tiles are never fetched for saving."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import PHONE
from webmap import create_app
from webmap.tracks import views as tracks

pytestmark = pytest.mark.browser
TRACK = "/tracks/terrenkur-embankment?lang=ru"


@pytest.fixture
def app(app):
    if "tracks" not in app.blueprints:
        tracks.init_app(app)
    return app


@pytest.fixture
def phone(browser, page_log):
    context = browser.new_context(viewport=PHONE, locale="ru-RU", service_workers="allow")
    page = context.new_page()
    page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    page.on("request", lambda request: page_log.requests.append(request.url))
    yield context, page
    context.close()


def _save(page, live_server) -> None:
    page.goto(f"{live_server.url}{TRACK}")
    page.wait_for_selector("path.ecomap-track-line")
    page.wait_for_function("async () => !!(await navigator.serviceWorker.ready).active")
    page.get_by_role("button", name="Сохранить для офлайна").click()
    expect(page.locator("#track-save-status")).to_contain_text("Сохранено для офлайна")


def test_a_saved_track_opens_whole_offline(phone, page_log, live_server):
    context, page = phone
    _save(page, live_server)
    kept = page.evaluate(
        """async () => (await (await caches.open('ecomap-track-terrenkur-embankment')).keys())
            .map((request) => new URL(request.url).pathname)"""
    )
    for path in (
        "/tracks/terrenkur-embankment",
        "/tracks/terrenkur-embankment.gpx",
        "/tracks/terrenkur-embankment/sign",
        "/api/tracks/terrenkur-embankment",
        "/static/vendor/leaflet/dist/leaflet.js",
        "/static/tracks.css",
    ):
        assert path in kept, path
    context.set_offline(True)
    page.reload()
    expect(page.locator("h1")).to_have_text("Терренкур у плотины")
    assert page.evaluate("!!navigator.serviceWorker.controller")  # the worker answered
    page.wait_for_selector("path.ecomap-track-line")  # the map and its layers, drawn by our scripts
    expect(page.locator(".ecomap-track-stop")).to_have_count(7)
    expect(page.locator(".track-profile-svg")).to_be_visible()
    gpx = page.evaluate(
        "async (url) => (await fetch(url)).text()", page.locator("a.track-gpx").get_attribute("href")
    )
    assert gpx.startswith("<?xml") and "<gpx" in gpx
    page.locator(".track-sign-link").click()
    expect(page.locator(".sign-qr svg")).to_be_visible()
    assert page_log.page_errors == []


def test_offline_another_page_says_it_needs_a_connection(phone, live_server):
    context, page = phone
    _save(page, live_server)
    context.set_offline(True)
    page.goto(f"{live_server.url}/loops?lang=ru")
    expect(page.locator("h1")).to_have_text("Этой странице нужно подключение")
    page.get_by_role("link", name="Сохранено для офлайна").click()
    expect(page.locator(".saved-track a")).to_have_text("Терренкур у плотины")


def test_the_saved_list_shows_sizes_and_deletes(phone, live_server):
    _context, page = phone
    _save(page, live_server)
    page.goto(f"{live_server.url}/saved?lang=ru")
    item = page.locator(".saved-track")
    expect(item).to_have_count(1)
    expect(item.locator(".saved-size")).to_contain_text(re.compile(r"\d+(,\d)?\s(кБ|МБ)"))
    item.get_by_role("button").click()
    expect(item).to_have_count(0)
    assert (
        page.evaluate("async () => (await caches.keys()).filter((n) => n.startsWith('ecomap-track-'))") == []
    )


def test_with_map_tiles_the_page_says_the_base_map_stays_online(browser, serve):
    app = create_app({"TESTING": True, "TILES": "http://127.0.0.1:9/{z}/{x}/{y}.png"})
    if "tracks" not in app.blueprints:
        tracks.init_app(app)
    server = serve(app)
    context = browser.new_context(viewport=PHONE, locale="ru-RU")
    page = context.new_page()
    page.goto(f"{server.url}{TRACK}")
    expect(page.locator(".track-offline-note")).to_contain_text("Подложка карты не сохраняется")
    context.close()
