"""The city map page against the naive folium way and a hand-written Leaflet floor, side by side.

For each variant: the HTML's bytes, the server's render time (median of in-process
requests), and the time in headless Chromium from navigation until every layer is drawn
(median of fresh page loads), with its ratio to the floor.

- ours: `/` as served (tiles off): rendered once, then answered from the page cache
  (webmap/pagecache.py), so its render time is that of a cached answer.
- naive: folium as tutorials use it: every layer embedded with folium.GeoJson,
  GeoJsonPopup and LayerControl, all of folium's default assets, the whole map
  rebuilt and rendered on every request.
- floor: a minimal hand-written Leaflet page that fetches the same GeoJSON from
  the same server (/api/layers/<id>) and draws it.

Run: .venv/bin/python bench/bench_citymap.py [--loads N]   (figures only; nothing is asserted)
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import tempfile
import threading
import time

import folium
from flask import Response
from werkzeug.serving import WSGIRequestHandler, make_server

from geo.layers import layer_features
from webmap import create_app
from webmap.pack_access import get_pack

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
DATE = "2026-07-01"

# Counts the features drawn on the page's Leaflet map(s); window.__ecomapDrawn is the floor's own count.
DRAWN = """() => {
    if (window.__ecomapDrawn !== undefined) return window.__ecomapDrawn;
    let count = 0;
    for (const element of document.querySelectorAll('.folium-map')) {
        const map = window[element.id];
        if (!map || !map.eachLayer) continue;
        map.eachLayer(layer => { if (layer.feature) count += 1; });
    }
    return count;
}"""

FLOOR_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/vendor/leaflet/dist/leaflet.css">
<script src="/static/vendor/leaflet/dist/leaflet.js"></script>
<style>html, body, #map { margin: 0; height: 100%%; }</style></head>
<body><div id="map"></div><script>
const map = L.map("map").setView([%(lat)s, %(lon)s], %(zoom)s);
let drawn = 0;
Promise.all(%(ids)s.map(id => fetch("/api/layers/" + id + "?date=%(date)s").then(r => r.json()).then(data => {
    const count = (feature, layer) => { drawn += 1; layer.bindPopup(feature.properties.name_ru); };
    L.geoJSON(data, {onEachFeature: count}).addTo(map);
}))).then(() => { window.__ecomapDrawn = drawn; });
</script></body></html>"""


def naive_page(app) -> str:
    """The whole map rebuilt and rendered the tutorial way, data embedded."""
    pack = get_pack()
    city_map = folium.Map(location=[pack.center_lat, pack.center_lon], zoom_start=pack.zoom, tiles=None)
    for layer in pack.layers.values():
        data = layer_features(layer, _date())
        folium.GeoJson(
            data,
            name=layer.title["ru"],
            popup=folium.GeoJsonPopup(fields=["name_ru", "description_ru", "accuracy"]),
            tooltip=folium.GeoJsonTooltip(fields=["name_ru"]),
        ).add_to(city_map)
    folium.LayerControl().add_to(city_map)
    return city_map.get_root().render()


def floor_page() -> str:
    pack = get_pack()
    ids = "[" + ", ".join(f'"{layer_id}"' for layer_id in pack.layers) + "]"
    values = {"lat": pack.center_lat, "lon": pack.center_lon, "zoom": pack.zoom, "ids": ids, "date": DATE}
    return FLOOR_PAGE % values


def _date():
    import datetime as dt

    return dt.date.fromisoformat(DATE)


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        """No access log lines between the figures."""


def build_app():
    database = os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
    app = create_app({"TILES": "none", "DATABASE_URL": f"sqlite:///{database}", "RATE_LIMIT": "0"})
    app.logger.getChild("requests").setLevel(logging.WARNING)  # no request log lines between the figures
    app.add_url_rule("/_bench/naive", "bench_naive", lambda: Response(naive_page(app), mimetype="text/html"))
    app.add_url_rule("/_bench/floor", "bench_floor", lambda: Response(floor_page(), mimetype="text/html"))
    return app


VARIANTS = {"ours": f"/?lang=ru&date={DATE}", "naive": "/_bench/naive", "floor": "/_bench/floor"}


def server_figures(app, path: str, repeats: int = 15) -> tuple[int, float]:
    """HTML bytes and the median server time (ms) of ``repeats`` in-process requests."""
    client = app.test_client()
    client.get(path)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    return len(response.data), statistics.median(times)


def browser_ms(url: str, expected: int, loads: int) -> float:
    """Median ms from navigation start until ``expected`` features are drawn."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.goto(url, wait_until="commit")
            page.wait_for_function(f"() => ({DRAWN})() >= {expected}", polling="raf", timeout=30_000)
            times.append(page.evaluate("() => performance.now()"))
            context.close()
        browser.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=7, help="page loads per variant in Chromium")
    loads = parser.parse_args().loads
    app = build_app()
    with app.app_context():
        expected = sum(len(layer.frame) for layer in get_pack().layers.values())
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    rows = {}
    for name, path in VARIANTS.items():
        html_bytes, render_ms = server_figures(app, path)
        rows[name] = (html_bytes, render_ms, browser_ms(base + path, expected, loads))
    server.shutdown()
    floor = rows["floor"]
    print(f"city map, {expected} pack features, {loads} Chromium loads each (median)")
    print(f"{'variant':8} {'HTML bytes':>11} {'render ms':>10} {'drawn ms':>9} {'drawn ÷ floor':>14}")
    for name, (html_bytes, render_ms, drawn_ms) in rows.items():
        print(f"{name:8} {html_bytes:>11,} {render_ms:>10.1f} {drawn_ms:>9.0f} {drawn_ms / floor[2]:>14.2f}")


if __name__ == "__main__":
    main()
