"""The city map page as HTML: tile settings, local assets only, escaping of pack texts."""

from __future__ import annotations

import json

import folium
import pytest

from tests.conftest import SYSERT_PACK
from tests.support.browser import screenshot
from tests.support.packs import CITY_TOML, good_layers, write_pack
from webmap import create_app
from webmap.maps.overlays import add_city_map_overlays
from webmap.maps.popups import POPUP_KEY, SafePopup


def _page(tiles: str, attribution: str = "", pack=SYSERT_PACK) -> str:
    app = create_app({"TESTING": True, "PACK": str(pack), "TILES": tiles, "TILES_ATTRIBUTION": attribution})
    response = app.test_client().get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("tiles", "attribution", "present", "absent"),
    [
        ("none", "", [], ["tile.openstreetmap.org", "L.tileLayer("]),
        ("", "", ["https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors"], []),
        (
            "https://tiles.example.org/{z}/{x}/{y}.png",
            "© Example tiles",
            ["https://tiles.example.org/{z}/{x}/{y}.png", "© Example tiles"],
            ["tile.openstreetmap.org"],
        ),
    ],
    ids=["none", "pack-default", "custom-url"],
)
def test_tile_setting(tiles, attribution, present, absent):
    html = _page(tiles, attribution)
    for text in present:
        assert text in html or json.dumps(text)[1:-1] in html
    for text in absent:
        assert text not in html


XSS = "<img src=x onerror=\"document.title='pwned'\">"


@pytest.fixture
def hostile_pack(tmp_path):
    layers = good_layers()
    layers["rink-cinema"][0]["properties"]["name_ru"] = XSS
    layers["rink-cinema"][0]["properties"]["description_ru"] = "<script>document.title='pwned'</script>"
    return write_pack(tmp_path / "hostile", layers)


@pytest.mark.browser
def test_pack_texts_show_as_text_in_popups_and_tooltips(page, serve, hostile_pack):
    app = create_app({"TESTING": True, "PACK": str(hostile_pack), "TILES": "none"})
    server = serve(app)
    page.goto(server.url + "/?date=2026-01-10")
    page.wait_for_function("() => window.L && document.querySelector('.leaflet-interactive')")
    marker = page.locator("path.leaflet-interactive").last
    marker.hover()
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert XSS in popup.inner_text()
    assert page.locator(".leaflet-popup-content img, .leaflet-tooltip img").count() == 0
    assert page.title() != "pwned"
    screenshot(page, "escaped-popup")


@pytest.mark.browser
def test_layer_and_group_names_show_as_text_in_the_layer_control(page, serve, tmp_path):
    """Leaflet puts layer names into innerHTML: pack titles and overlays (tracks) are escaped."""
    city = CITY_TOML.replace('title_ru = "Парк"', f"title_ru = {json.dumps(XSS)}").replace(
        'title_ru = "Природа"', "title_ru = '<b onmouseover=alert(1)>Природа</b>'"
    )
    pack = write_pack(tmp_path / "p", city_toml=city)
    app = create_app({"TESTING": True, "PACK": str(pack), "TILES": "none"})
    add_city_map_overlays(app, lambda pack, date, lang: [(XSS, folium.FeatureGroup(name=f"{XSS} track"))])
    server = serve(app)
    page.goto(server.url + "/?lang=ru")
    page.wait_for_function("() => window.L && document.querySelector('.leaflet-interactive')")
    control = page.locator(".leaflet-control-layers")
    control.hover()
    text = control.inner_text()
    assert XSS in text
    assert f"{XSS} track" in text
    assert "<b onmouseover=alert(1)>Природа</b>" in text
    assert control.locator("img, b").count() == 0
    assert page.title() != "pwned"


def _linked_overlay(pack, date, lang):
    rows = [
        ["bad", {"href": "javascript:alert(1)", "text": "bad link"}],
        ["good", {"href": "/tracks", "text": "ok"}],
    ]
    point = {"type": "Point", "coordinates": [60.805, 56.495]}
    feature = {"type": "Feature", "id": "f", "properties": {POPUP_KEY: rows}, "geometry": point}
    group = folium.FeatureGroup(name="links")
    geojson = folium.GeoJson({"type": "FeatureCollection", "features": [feature]}, control=False)
    SafePopup().add_to(geojson)
    geojson.add_to(group)
    return [("links", group)]


@pytest.mark.browser
def test_popup_links_only_to_our_own_pages(page, serve, good_pack):
    app = create_app({"TESTING": True, "PACK": str(good_pack), "TILES": "none"})
    add_city_map_overlays(app, _linked_overlay)
    server = serve(app)
    page.goto(server.url + "/")
    page.wait_for_function("() => window.L && document.querySelector('.leaflet-marker-icon')")
    page.locator(".leaflet-marker-icon").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("a").count() == 1
    assert popup.locator("a").get_attribute("href") == "/tracks"
    assert "bad link" in popup.inner_text()
