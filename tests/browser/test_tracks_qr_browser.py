"""The tracks' QR codes scan: 10 of 10 decoded by zxing-cpp from Chromium's screenshots of the track pages
on a phone and a desktop, and from 300-dpi renders (pdftoppm) of the pages printed on A4 by Chromium
(a track page with its print style, and its trailhead sign)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.browser import DESKTOP, PHONE
from webmap.tracks import views as tracks

pytestmark = pytest.mark.browser
TRACKS = (
    "accessible-dam-centre",
    "children-factory-tales",
    "ski-talkov-kamen",
    "terrenkur-embankment",
    "walk-10000-steps",
)
PAGES = [(track_id, lang) for track_id in TRACKS for lang in ("ru", "en")]  # 10 codes


@pytest.fixture
def app(app):
    if "tracks" not in app.blueprints:
        tracks.init_app(app)
    return app


def _decoded(image) -> list[str]:
    import zxingcpp

    # QR codes only: a 1D reader may see a short false barcode in the QR's modules
    return [result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_ten_of_ten_qr_codes_scan_from_the_screen(browser, live_server, viewport):
    from PIL import Image

    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    page = context.new_page()
    decoded = 0
    for track_id, lang in PAGES:
        page.goto(f"{live_server.url}/tracks/{track_id}?lang={lang}")
        qr = page.locator(".track-qr svg")
        box = qr.bounding_box()
        assert box is not None and box["width"] == pytest.approx(box["height"], abs=1)
        found = _decoded(Image.open(io.BytesIO(qr.screenshot())))
        assert found == [page.locator(".track-page-url").inner_text()], (track_id, lang)
        decoded += 1
    context.close()
    assert decoded == 10


@pytest.mark.parametrize("sheet", ["page", "sign"])
def test_ten_of_ten_qr_codes_scan_from_a_printed_a4_page(browser, live_server, tmp_path: Path, sheet):
    from PIL import Image

    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is missing: apt-get install poppler-utils")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    decoded = 0
    for track_id, lang in PAGES:
        path = f"/tracks/{track_id}" + ("/sign" if sheet == "sign" else "")
        page.goto(f"{live_server.url}{path}?lang={lang}")
        url = page.locator(".track-page-url, .sign-url").first.inner_text()
        pdf = tmp_path / f"{track_id}-{lang}.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        prefix = tmp_path / f"{track_id}-{lang}"
        subprocess.run(
            ["pdftoppm", "-r", "300", "-f", "1", "-l", "1", "-png", str(pdf), str(prefix)], check=True
        )
        (image,) = tmp_path.glob(f"{track_id}-{lang}-*1.png")
        assert _decoded(Image.open(image)) == [url], (sheet, track_id, lang)
        decoded += 1
    context.close()
    assert decoded == 10
