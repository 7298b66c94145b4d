"""A track page in Chromium: line and stops drawn, the GPX link downloads, the QR code decodes to it."""

from __future__ import annotations

import io
from pathlib import Path

import gpxpy
import pytest

from tests.support.browser import screenshot
from webmap.tracks import views as tracks

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def app(app):
    if "tracks" not in app.blueprints:
        tracks.init_app(app)
    return app


def open_track(page, live_server, track_id: str, lang: str = "en"):
    page.goto(f"{live_server.url}/tracks/{track_id}?lang={lang}")
    page.wait_for_selector("path.ecomap-track-line")
    page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")  # fitBounds has settled


def test_track_and_stops_are_drawn(page, page_log, live_server):
    open_track(page, live_server, "terrenkur-embankment")
    assert page.locator("path.ecomap-track-line").count() == 1
    badges = page.locator(".ecomap-track-stop .ecomap-stop-number")
    assert badges.all_inner_texts() == [str(number) for number in range(1, 8)]
    listed = page.locator(".track-stop-list .track-stop-badge").all_inner_texts()
    assert listed == [str(number) for number in range(1, 8)]
    badges.nth(2).click()  # the start and the finish share a place: one covers the other
    popup = page.locator(".leaflet-popup-content table.ecomap-popup")
    popup.wait_for()
    assert popup.inner_text().startswith("Bench\t3. ")  # the popup names the stop by its number in the list
    assert (
        page.locator(".track-stop-list li").nth(2).locator("h3").inner_text().endswith("Bench 2 by the water")
    )
    screenshot(page, "track-terrenkur")
    assert page_log.foreign_requests(live_server.host) == []
    assert page_log.console_errors == [] and page_log.page_errors == []


def test_download_link_returns_the_gpx(page, live_server):
    open_track(page, live_server, "walk-10000-steps")
    with page.expect_download() as download_info:
        page.locator(".track-download a.track-gpx").click()
    download = download_info.value
    assert download.suggested_filename == "walk-10000-steps.gpx"
    document = gpxpy.parse(Path(download.path()).read_text(encoding="utf-8"))
    assert document.name == "10,000 steps: the pond and the park"


def test_qr_code_opens_the_track_page(page, live_server):
    zxingcpp = pytest.importorskip("zxingcpp")
    image_module = pytest.importorskip("PIL.Image")
    open_track(page, live_server, "ski-talkov-kamen")
    png = page.locator(".track-qr svg").screenshot()
    # QR codes only: a 1D reader may see a short false barcode in the QR's modules
    image = image_module.open(io.BytesIO(png))
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [result.text for result in results] == [page.locator(".track-page-url").inner_text()]
    link = results[0].text
    assert link.startswith(live_server.url) and link.split("?")[0].endswith("/tracks/ski-talkov-kamen")
    page.goto(link)
    assert page.locator("h1").inner_text() == page.title().split(" · ")[0]


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
def test_phone_layout_fits_the_screen(page, page_log, live_server):
    open_track(page, live_server, "accessible-dam-centre", lang="ru")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    assert page.locator(".track-profile-svg").is_visible()
    screenshot(page, "track-accessible-phone")
    page.goto(f"{live_server.url}/tracks")
    assert page.locator(".track-card").count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page_log.foreign_requests(live_server.host) == []


def test_leaflet_speaks_russian(page, page_log, live_server):
    open_track(page, live_server, "terrenkur-embankment", lang="ru")
    stop = page.locator(".ecomap-track-stop").first
    assert stop.get_attribute("aria-label").startswith("1. Старт: ")
    box = stop.bounding_box()
    assert (
        box is not None and box["width"] >= 43.5 and box["height"] >= 43.5
    )  # a tap target (sub-pixel layout)
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Приблизить"
    leaflet = page.locator(".leaflet-control-attribution a[href='https://leafletjs.com']")
    assert leaflet.get_attribute("title") == "Библиотека JavaScript для интерактивных карт"
    assert page.evaluate("new L.Marker([56.5, 60.8]).options.alt") == "Маркер"
    assert page_log.console_errors == [] and page_log.page_errors == []
