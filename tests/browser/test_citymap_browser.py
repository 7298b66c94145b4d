"""The officials' city map in Debian's Chromium: drawn, interactive, offline, on a phone too."""

from __future__ import annotations

import pytest

from tests.support.browser import DRAWN_FEATURE_IDS, screenshot

pytestmark = pytest.mark.browser

FEATURE_SCREEN_POINT = """(featureId) => {
    const map = window[document.querySelector('.folium-map').id];
    let found = null;
    map.eachLayer(layer => { if (layer.feature && layer.feature.id === featureId) found = layer; });
    const latlng = found.getLatLng ? found.getLatLng() : found.getBounds().getCenter();
    const point = map.latLngToContainerPoint(latlng);
    const box = map.getContainer().getBoundingClientRect();
    return {x: box.left + point.x, y: box.top + point.y};
}"""


def _all_feature_ids(client) -> set[str]:
    ids = set()
    for layer in client.get("/api/layers").json["layers"]:
        ids |= {feature["id"] for feature in client.get(f"/api/layers/{layer['id']}").json["features"]}
    return ids


def _open(page, live_server, path="/"):
    page.goto(live_server.url + path)
    page.wait_for_function("() => window.L && document.querySelector('.leaflet-interactive')")


def test_city_map_draws_every_layer_offline(page, page_log, live_server, client):
    _open(page, live_server)
    assert page.evaluate("() => typeof L") == "object"
    drawn = set(page.evaluate(DRAWN_FEATURE_IDS))
    layer_ids = _all_feature_ids(client)
    track_ids = {track["id"] for track in client.get("/api/tracks").json["tracks"]}
    assert layer_ids <= drawn
    assert drawn - layer_ids <= track_ids
    assert page.locator(".leaflet-control-scale").count() == 1
    assert page.locator(".leaflet-control-zoom-fullscreen").count() == 1
    assert "Природный парк «Бажовские места»" in page.locator(".ecomap-legend").inner_text()
    screenshot(page, "city-map")
    assert page_log.foreign_requests(live_server.host) == []
    assert page_log.console_errors == []
    assert page_log.page_errors == []


def test_layer_control_hides_and_shows_a_layer(page, live_server):
    _open(page, live_server)
    page.locator(".leaflet-control-layers").hover()
    checkbox = page.locator(".leaflet-control-layers label", has_text="Водохранилища").locator("input")
    assert "reservoir-sysert" in page.evaluate(DRAWN_FEATURE_IDS)
    checkbox.uncheck()
    assert "reservoir-sysert" not in page.evaluate(DRAWN_FEATURE_IDS)
    checkbox.check()
    assert "reservoir-sysert" in page.evaluate(DRAWN_FEATURE_IDS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("?lang=ru&date=2026-01-15", "Каток"), ("?lang=en&date=2026-07-10", "Open-air cinema")],
    ids=["winter-ru", "summer-en"],
)
def test_popup_opens_in_the_chosen_language_with_the_use_in_force(page, live_server, query, expected):
    _open(page, live_server, "/" + query)
    point = page.evaluate(FEATURE_SCREEN_POINT, "rink-cinema-plot")
    page.mouse.click(point["x"], point["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert expected in popup.inner_text()


@pytest.mark.parametrize("page", [{"width": 390, "height": 844}], indirect=True, ids=["phone"])
def test_phone_screen_shows_map_and_controls(page, page_log, live_server):
    _open(page, live_server)
    box = page.locator(".folium-map").bounding_box()
    assert box["width"] == pytest.approx(390, abs=1)
    assert box["height"] > 500
    toggle = page.locator(".leaflet-control-layers-toggle").bounding_box()
    assert toggle["width"] >= 44 and toggle["x"] + toggle["width"] <= 390
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "city-map-phone")
    assert page_log.console_errors == []
