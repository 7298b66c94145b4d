"""Browser fixtures: the app on a live loopback server, driven by Debian's Chromium via Playwright.

Browser tests are marked ``browser``. They skip on a developer machine without
/usr/bin/chromium, and fail instead of skipping when ``CI=true``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
# axe-core from npm (package.json), run in the page to check accessibility (tests only).
AXE_SCRIPT = Path(__file__).resolve().parent.parent.parent / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


# folium's map variable on the page, and Geoman's polygon tool once it holds ``count`` corners
MAP_NAME = "() => Object.keys(window).find((key) => /^map_[0-9a-f]+$/.test(key))"
POLYGON_READY_FOR = """(count) => {
    const name = Object.keys(window).find((key) => /^map_[0-9a-f]+$/.test(key));
    const tool = window[name].pm.Draw.Polygon;
    return tool.enabled() && tool._markers.length === count;
}"""
# Geoman's toolbar buttons and its finish / undo / cancel bar of the tool in use
GEOMAN_POLYGON = ".leaflet-pm-icon-polygon"
GEOMAN_MARKER = ".leaflet-pm-icon-marker"
GEOMAN_ACTIONS = ".button-container.active .leaflet-pm-actions-container"
# The features drawn on the page's Leaflet map: folium names its JS variable after the map div's id.
DRAWN_FEATURE_IDS = """() => {
    const map = window[document.querySelector('.folium-map').id];
    const ids = [];
    map.eachLayer(layer => { if (layer.feature && layer.feature.id) ids.push(layer.feature.id); });
    return ids;
}"""


@dataclass
class LiveServer:
    """An app served on 127.0.0.1 in a background thread."""

    url: str
    app: object

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc


@dataclass
class PageLog:
    """What a page did: every request's URL, and the console's errors."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def foreign_requests(self, host: str) -> list[str]:
        """Requests that left our server (data: and blob: URLs stay in the page)."""
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).netloc != host
        ]


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium (see .ci/run)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def serve() -> Iterator[Callable[[object], LiveServer]]:
    """Serve a Flask app on a free loopback port for the test's duration."""
    servers = []

    def start(app) -> LiveServer:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return LiveServer(f"http://127.0.0.1:{server.server_port}", app)

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture
def live_server(app, serve) -> LiveServer:
    return serve(app)


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser, page_log: PageLog, request):
    """A fresh phone- or desktop-sized page that records requests and console errors."""
    viewport = getattr(request, "param", {"width": 1280, "height": 800})
    context = browser.new_context(viewport=viewport, locale="ru-RU")
    page = context.new_page()
    page.on("request", lambda req: page_log.requests.append(req.url))
    page.on("console", lambda msg: msg.type == "error" and page_log.console_errors.append(msg.text))
    page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    yield page
    context.close()


@pytest.fixture
def open_context(browser, page_log: PageLog):
    """Open browser contexts of a size and a language whose pages carry axe-core (added as an init
    script, which the pages' Content-Security-Policy does not block) and record into page_log."""
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci --ignore-scripts` (make setup does)")
    contexts = []

    def open_page(viewport: dict, locale: str, touch: bool = False):
        touch_options = {"has_touch": True, "is_mobile": True} if touch else {}
        context = browser.new_context(viewport=viewport, locale=locale, **touch_options)
        context.add_init_script(path=str(AXE_SCRIPT))
        contexts.append(context)
        page = context.new_page()
        page.on("request", lambda req: page_log.requests.append(req.url))
        page.on("console", lambda msg: msg.type == "error" and page_log.console_errors.append(msg.text))
        page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()


def axe_violations(page) -> list[str]:
    """axe-core's violations of any impact on the page as it is now: "rule (impact): targets"."""
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => `${v.id} (${v.impact}): ` +
                v.nodes.map(node => node.target.join(" ")).join(", "));
        }"""
    )


def screenshot(page, name: str) -> Path:
    """Keep a screenshot under test-artifacts/ (CI keeps that folder)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def sign_in(page, url: str, username: str = "teacher", password: str = "correct horse") -> None:
    """Open ``url`` (a page that redirects to /login), sign in and wait to be back."""
    page.goto(url)
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")


def screen_point(page, lon: float, lat: float) -> tuple[float, float]:
    """The page coordinates of a lon/lat on the page's folium map."""
    name = page.evaluate(MAP_NAME)
    x, y = page.evaluate(
        "([name, lat, lon]) => {"
        " const p = window[name].latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
        [name, lat, lon],
    )
    box = page.locator(".folium-map").bounding_box()
    return box["x"] + x, box["y"] + y


def open_popup_at(page, lon: float, lat: float) -> str:
    """Click a point of the map once the page has settled and return the popup's text.

    A shape may be a few pixels wide, so the point is taken only after the page's fonts and styles
    have loaded (a late reflow moves the map), and the click is tried again if it landed while the
    layout still moved.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    popup = page.locator(".leaflet-popup-content")
    for _attempt in range(3):
        page.mouse.click(*screen_point(page, lon, lat))
        try:
            popup.wait_for(timeout=5_000)
            break
        except PlaywrightTimeoutError:
            continue
    return popup.inner_text()
