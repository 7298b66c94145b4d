"""Print the designer page's placing round trip in Chromium: a change made, checked by the server, drawn.

The page (webmap/static/kit.js) waits CHECK_DELAY_MS after the last change before it asks
/api/proposals/check, so that a drag sends one check, not fifty; the figures are given with that
wait and without it (what the check and drawing cost). Each round turns the selected part by 15°
(the button a phone's thumb or a keyboard uses) on a draft of PARTS parts placed in the middle of
the map, and waits until the page says no check is pending (``#kit[data-pending]`` gone).

Run: .venv/bin/python bench/bench_kit_page.py  (needs Debian's chromium; figures only)
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webmap import create_app  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-dev-shm-usage"]
CHECK_DELAY_MS = 250  # webmap/static/kit.js
PARTS = ("pallet-bench", "planter-box", "raised-bed", "picnic-table", "tyre-planter")
ROUNDS = 40
GOAL_MS = 50.0  # the goal for the server's check; the page adds its wait and the drawing
CHECKED = (
    "() => { const kit = document.getElementById('kit'); return kit.dataset.ready && !kit.dataset.pending; }"
)


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


def round_trips_ms(base: str, viewport: dict[str, int], touch: bool) -> list[float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport=viewport, has_touch=touch, is_mobile=touch)
        page = context.new_page()
        page.goto(f"{base}/proposals/new?site=school-yard-23&lang=ru")
        page.wait_for_function(CHECKED)
        for part in PARTS:
            page.locator(f"button.kit-part[data-part='{part}']").click()
            page.locator("#kit-place-centre").click()
            page.wait_for_function(CHECKED)
        turn = page.locator("#kit-tools [data-kit-action=rotate][data-degrees='15']")
        times = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            turn.click()
            page.wait_for_function(CHECKED, polling="raf")
            times.append((time.perf_counter() - start) * 1000)
        browser.close()
    return times


def main() -> None:
    logging.getLogger("webmap.requests").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        config = {"TILES": "none", "RATE_LIMIT": "0", "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3"}
        server = make_server("127.0.0.1", 0, create_app(config), threaded=True, request_handler=QuietHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        print(f"designer page: turn a part 15° on a draft of {len(PARTS)} parts, {ROUNDS} rounds each")
        for name, viewport, touch in (
            ("phone 390x844", {"width": 390, "height": 844}, True),
            ("desktop 1280x800", {"width": 1280, "height": 800}, False),
        ):
            times = round_trips_ms(base, viewport, touch)
            cuts = statistics.quantiles(times, n=100)
            p50, p95 = cuts[49], cuts[94]
            print(
                f"{name:17} change -> drawn p50 {p50:6.1f} ms p95 {p95:6.1f} ms; without the page's "
                f"{CHECK_DELAY_MS} ms wait p50 {p50 - CHECK_DELAY_MS:5.1f} ms "
                f"p95 {p95 - CHECK_DELAY_MS:5.1f} ms"
            )
        server.shutdown()


if __name__ == "__main__":
    main()
