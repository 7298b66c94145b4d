"""The project board: an A3 landscape PDF printed by headless Chromium, read back with pypdf, its QR code
decoded by zxing-cpp from a 300-dpi render (pdftoppm)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pypdf
import pytest
import zxingcpp
from PIL import Image

from tests.support.proposals_support import kit_feature, make_app, set_status, submit
from webmap.http.units import roubles
from webmap.printing import bar_length_m, fitting_scale

A3_LANDSCAPE_PT = (420 / 25.4 * 72, 297 / 25.4 * 72)
needs_chromium = pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path, PUBLIC_URL="https://ecomap.sysert.example")


def _plain(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def _board(app, client, lang: str = "en"):
    created = submit(client, kit_feature(app)).json
    token = created["url"].rsplit("/", 1)[1]
    return created, client.get(f"/proposals/p/{token}/board.pdf?lang={lang}")


def test_scales_are_round_and_the_bar_is_a_round_length():
    assert fitting_scale(160, 130, (234, 210)) == 1000
    assert fitting_scale(30, 20, (234, 210)) == 200
    assert [bar_length_m(scale) for scale in (100, 500, 1000)] == [5, 20, 50]


@needs_chromium
def test_the_authors_board_is_an_a3_landscape_pdf_with_the_bill_and_total(app, client):
    created, answer = _board(app, client)
    bill = client.get(f"/api/proposals/by-token/{created['url'].rsplit('/', 1)[1]}?lang=en").json

    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert "attachment" in answer.headers["Content-Disposition"]
    reader = pypdf.PdfReader(io.BytesIO(answer.data))
    (page,) = reader.pages
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A3_LANDSCAPE_PT, abs=1)
    text = _plain(page.extract_text())
    stored = bill["proposal"]["properties"]["bill"]
    assert stored["lines"], "the draft has a bill"
    for line in stored["lines"]:
        assert _plain(roubles(line["cost_rub"], "en")) in text
    assert f"Total {_plain(roubles(stored['total_rub'], 'en'))}" in text
    assert "fox23" in text and "Every rule of the site is kept." in text and "1:500" in text
    assert "Draft: not approved yet" in text


@needs_chromium
@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils is not installed")
def test_the_boards_qr_code_opens_the_proposal(app, client, tmp_path):
    created, answer = _board(app, client, "ru")
    (tmp_path / "board.pdf").write_bytes(answer.data)

    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", str(tmp_path / "board.pdf"), str(tmp_path / "page")], check=True
    )
    (render,) = tmp_path.glob("page*.png")
    found = zxingcpp.read_barcodes(Image.open(render))

    assert [barcode.text for barcode in found] == [
        f"https://ecomap.sysert.example/proposals?lang=ru#proposal-{created['id']}"
    ]
    assert "Черновик" in pypdf.PdfReader(io.BytesIO(answer.data)).pages[0].extract_text()


@needs_chromium
def test_the_public_board_is_for_approved_proposals_only(app, client):
    created = submit(client, kit_feature(app)).json

    pending = client.get(f"/proposals/{created['id']}/board.pdf")
    set_status(app, created["id"], "approved")
    approved = client.get(f"/proposals/{created['id']}/board.pdf?lang=en")

    assert pending.status_code == 404
    assert approved.status_code == 200 and approved.mimetype == "application/pdf"
    assert "Approved by the moderators" in pypdf.PdfReader(io.BytesIO(approved.data)).pages[0].extract_text()
    assert client.get("/proposals/p/nothing/board.pdf").status_code == 404


def test_without_chromium_the_board_is_a_503_naming_it(tmp_path):
    app = make_app(tmp_path, CHROMIUM=str(tmp_path / "no-chromium"))
    client = app.test_client()
    created = submit(client, kit_feature(app)).json

    answer = client.get(
        f"/proposals/p/{created['url'].rsplit('/', 1)[1]}/board.pdf", headers={"Accept": "application/json"}
    )

    assert answer.status_code == 503
    assert answer.json["error"]["field"] == "board" and "no-chromium" in answer.json["error"]["message"]
