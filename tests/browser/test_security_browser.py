"""With the Content-Security-Policy on, every page draws fully in Chromium without one violation."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.support.browser import DRAWN_FEATURE_IDS, GEOMAN_ACTIONS, GEOMAN_POLYGON, sign_in
from tests.support.proposals_support import SCHOOL, add_moderator, feature, make_app, submit

pytestmark = pytest.mark.browser

# An init script runs before the page's own and is not subject to its policy.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation',
    (event) => window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
"""
MAP_READY = "() => window.L && document.querySelector('.leaflet-container')"
TILE_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8cfc0f01f0005000201a5d6a8e30000000049454e44ae426082"
)


@pytest.fixture
def tile_server(serve):
    tiles = Flask("tiles")
    tiles.add_url_rule(
        "/<int:z>/<int:x>/<int:y>.png", "tile", lambda z, x, y: (TILE_PNG, {"Content-Type": "image/png"})
    )
    return serve(tiles)


@pytest.fixture
def app(tmp_path, tile_server):
    """The app with a tile host of its own on another port, a moderator and a pending proposal."""
    app = make_app(tmp_path, TILES=f"{tile_server.url}/{{z}}/{{x}}/{{y}}.png")
    add_moderator(app)
    submit(app.test_client(), feature(title="Bench by the fence"))
    return app


@pytest.fixture
def page(page):
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def assert_no_violations(page, page_log) -> None:
    assert page.evaluate("() => window.cspViolations") == []
    assert [error for error in page_log.console_errors if "Content Security Policy" in error] == []
    assert page_log.console_errors == [] and page_log.page_errors == []


def test_city_map_draws_every_layer_and_its_tiles(page, page_log, serve, app, tile_server):
    server = serve(app)
    page.goto(server.url + "/?lang=en")
    page.wait_for_function("() => window.L && document.querySelector('.leaflet-interactive')")
    page.wait_for_function("() => document.querySelector('img.leaflet-tile-loaded')")
    client = app.test_client()
    layer_ids = {
        feature["id"]
        for layer in client.get("/api/layers").json["layers"]
        for feature in client.get(f"/api/layers/{layer['id']}").json["features"]
    }
    assert layer_ids <= set(page.evaluate(DRAWN_FEATURE_IDS))
    assert any(url.startswith(tile_server.url) for url in page_log.requests)
    assert_no_violations(page, page_log)


def test_track_page_draws_the_track_and_its_stops(page, page_log, serve, app):
    server = serve(app)
    page.goto(server.url + "/tracks/terrenkur-embankment?lang=en")
    page.wait_for_selector("path.ecomap-track-line")
    assert page.locator(".ecomap-track-stop .ecomap-stop-number").count() == 7
    assert page.locator(".track-qr svg").count() == 1
    assert_no_violations(page, page_log)


def test_drawing_page_shows_the_site_and_the_drawing_tools(page, page_log, serve, app):
    server = serve(app)
    page.goto(f"{server.url}/proposals/new?site={SCHOOL}&lang=en")
    page.wait_for_function(MAP_READY)
    page.wait_for_selector(GEOMAN_POLYGON)
    assert page.locator("path.leaflet-interactive").count() >= 1
    page.click(GEOMAN_POLYGON)
    assert page.locator(GEOMAN_ACTIONS).first.is_visible()
    assert_no_violations(page, page_log)


def test_moderation_page_shows_the_queue_on_its_map(page, page_log, serve, app):
    server = serve(app)
    sign_in(page, f"{server.url}/moderation?lang=en")
    page.wait_for_url("**/moderation*")
    page.wait_for_function(MAP_READY)
    page.wait_for_selector("path.leaflet-interactive")
    assert page.locator("h3.proposal-title").first.inner_text() == "Bench by the fence"
    assert_no_violations(page, page_log)


def test_a_script_injected_into_the_page_is_blocked(page, serve, app):
    server = serve(app)
    page.goto(server.url + "/?lang=en")
    page.wait_for_function(MAP_READY)
    ran = page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.injected = true;';
            document.body.appendChild(script);
            return window.injected === true;
        }"""
    )
    assert not ran
    page.wait_for_function("() => window.cspViolations.length > 0")
    assert page.evaluate("() => window.cspViolations") == ["script-src-elem inline"]
