"""A track's trailhead sign: an A4 portrait sheet (HTML to print, and a PDF printed by headless Chromium,
read back with pypdf), its QR code with a viewBox and its quiet zone, decoded by zxing-cpp from a
300-dpi render of the printed page (pdftoppm)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess

import pypdf
import pytest
import zxingcpp
from PIL import Image

from tests.conftest import SYSERT_PACK
from webmap import create_app
from webmap.tracks import views as tracks

A4_PORTRAIT_PT = (210 / 25.4 * 72, 297 / 25.4 * 72)
PUBLIC = "https://ecomap.sysert.example"


def _chromium() -> None:
    if not shutil.which("chromium") or not shutil.which("pdftoppm"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI must install Debian's chromium and poppler-utils (see .ci/run)")
        pytest.skip("Debian's chromium or poppler-utils is not installed")


@pytest.fixture
def app(app):
    app.config["PUBLIC_URL"] = PUBLIC
    if "tracks" not in app.blueprints:
        tracks.init_app(app)
    return app


def _plain(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def test_the_qr_code_scales_whole_with_its_quiet_zone(client):
    html = client.get("/tracks/walk-10000-steps?lang=en").get_data(as_text=True)
    svg = re.search(r'<svg viewBox="0 0 (\d+) \1" class="segno">.*?</svg>', html)
    assert svg is not None, "a square viewBox, and no width or height that CSS would crop"
    assert "width=" not in svg.group(0).split(">")[0]
    # a QR code of 17 + 4 × version modules and a quiet zone of four modules each side, painted white
    assert (int(svg.group(1)) - 8 - 17) % 4 == 0
    assert 'fill="#fff"' in svg.group(0)
    assert 'href="/tracks/walk-10000-steps/sign?lang=en&amp;audience=adults"' in html


def test_the_sign_sheet_is_an_a4_page_of_the_track(client):
    response = client.get("/tracks/terrenkur-embankment/sign?lang=en&audience=seniors")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "@page { size: A4 portrait;" in html
    assert "<h1>Terrenkur by the dam</h1>" in html
    assert "Who: Older people" in html and "1,291" in html  # the chosen audience's steps
    assert 'class="sign-map-svg"' in html and "1:" in html
    assert f"{PUBLIC}/tracks/terrenkur-embankment?lang=en&amp;audience=seniors" in html
    assert "<script" not in html  # prints alike from a browser and from Chromium with scripts off
    assert 'href="/tracks/terrenkur-embankment/sign.pdf?lang=en"' in html


def test_the_sign_sheet_speaks_russian_by_default(client):
    html = client.get("/tracks/terrenkur-embankment/sign").get_data(as_text=True)
    assert '<html lang="ru">' in html
    assert "Терренкур у плотины" in html and "Остановки" in html


def test_a_sign_of_an_unknown_track_is_404(client):
    assert client.get("/tracks/no-such-track/sign").status_code == 404
    assert client.get("/tracks/no-such-track/sign.pdf").status_code == 404


def test_the_sign_pdf_is_one_a4_page_whose_qr_code_scans_at_300_dpi(client, tmp_path):
    _chromium()
    response = client.get("/tracks/walk-10000-steps/sign.pdf?lang=ru")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="walk-10000-steps-sign.pdf"' in response.headers["Content-Disposition"]
    document = pypdf.PdfReader(io.BytesIO(response.data))
    assert len(document.pages) == 1
    box = document.pages[0].mediabox
    assert float(box.width) == pytest.approx(A4_PORTRAIT_PT[0], abs=1)
    assert float(box.height) == pytest.approx(A4_PORTRAIT_PT[1], abs=1)
    text = _plain(document.pages[0].extract_text())
    assert "10 000 шагов: пруд и парк" in text and "Остановки" in text
    pdf = tmp_path / "sign.pdf"
    pdf.write_bytes(response.data)
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(pdf), str(tmp_path / "page")], check=True)
    image = Image.open(tmp_path / "page-1.png")
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [result.text for result in results] == [
        f"{PUBLIC}/tracks/walk-10000-steps?lang=ru&audience=adults"
    ]


def test_without_chromium_the_sign_pdf_is_a_503(tmp_path):
    app = create_app(
        {"TESTING": True, "PACK": str(SYSERT_PACK), "TILES": "none", "CHROMIUM": str(tmp_path / "no")}
    )
    if "tracks" not in app.blueprints:
        tracks.init_app(app)
    response = app.test_client().get(
        "/tracks/walk-10000-steps/sign.pdf", headers={"Accept": "application/json"}
    )
    assert response.status_code == 503
    assert response.json["error"]["field"] == "pdf"
