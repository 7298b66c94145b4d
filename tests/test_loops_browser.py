"""The loops page on a phone in Chromium: tap a start, see up to three loops drawn, download one as GPX."""

from __future__ import annotations

from pathlib import Path

import gpxpy
import pytest

from tests.browser import screenshot
from webmap import loops

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def app(app):
    loops.init_app(app)  # until webmap/__init__.py registers it
    return app


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_tap_a_start_and_get_loops(page, page_log, live_server):
    page.goto(f"{live_server.url}/loops?lang=en")
    page.locator("input[name=steps]").fill("6000")
    page.locator("select[name=audience]").select_option("seniors")
    page.evaluate(
        "() => { const map = window[document.getElementById('loops-app').dataset.map];"
        " map.fire('click', {latlng: L.latLng(56.4948, 60.8112)}); }"
    )
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
    page.evaluate(
        "() => { const map = window[document.getElementById('loops-app').dataset.map];"
        " map.fire('click', {latlng: L.latLng(56.56, 60.60)}); }"
    )
    page.locator("#loops-status").filter(has_text="500 m").wait_for()
    assert page.locator("#loops-list li").count() == 0
