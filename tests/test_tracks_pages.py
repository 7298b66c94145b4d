"""The residents' track list and track pages: figures, filters, languages, escaping and 404s."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import SYSERT_PACK
from webmap import create_app
from webmap.tracks import views as tracks


@pytest.fixture
def app(app):
    if "tracks" not in app.blueprints:
        tracks.init_app(app)
    return app


def test_list_shows_every_track_with_figures(client):
    html = client.get("/tracks?lang=en").get_data(as_text=True)
    assert html.count('class="track-card"') == 5
    assert "10,000 steps: the pond and the park" in html
    assert "Download GPX" in html


def test_list_filters(client):
    html = client.get("/tracks?lang=en&mode=ski").get_data(as_text=True)
    assert html.count('class="track-card"') == 1
    assert "Ski track to Talkov Kamen" in html


def test_list_rejects_a_bad_filter_with_an_html_page(client):
    response = client.get("/tracks?season=monsoon")
    assert response.status_code == 400
    assert response.content_type.startswith("text/html")


def test_russian_by_default(client):
    html = client.get("/tracks/terrenkur-embankment").get_data(as_text=True)
    assert "Терренкур у плотины" in html
    assert "Скамейка 1" in html


@pytest.mark.parametrize(
    ("lang", "said", "unsaid"),
    [
        (
            "ru",
            ["Источник: нарисован вручную", "Точность: приблизительно: проведён в 45", "высоты заданы"],
            "hand",
        ),
        (
            "en",
            ["Source: hand-drawn for ecomap", "Accuracy: approximate: drawn 45 m", "heights set by hand"],
            "вручную",
        ),
    ],
)
def test_the_data_notes_are_in_the_page_s_language(client, lang, said, unsaid):
    html = client.get(f"/tracks/terrenkur-embankment?lang={lang}").get_data(as_text=True)
    notes = html[html.index('class="track-notes"') :].split("</section>")[0]
    for text in said:
        assert text in notes
    assert unsaid not in notes


@pytest.mark.parametrize(
    ("audience", "steps"),
    [("seniors", "1,291"), ("adults", "1,112")],
    ids=["seniors", "adults"],
)
def test_track_page_shows_the_chosen_audience(client, audience: str, steps: str):
    html = client.get(f"/tracks/terrenkur-embankment?lang=en&audience={audience}").get_data(as_text=True)
    assert steps in html
    assert '<svg class="track-profile-svg"' in html
    assert html.count('class="track-profile-stop') == 7
    assert 'class="segno"' in html  # the QR code, inline
    assert "/tracks/terrenkur-embankment.gpx?lang=en" in html


def test_track_page_for_a_track_without_heights(tmp_path: Path):
    pack = Path(shutil.copytree(SYSERT_PACK, tmp_path / "sysert"))
    path = pack / "tracks" / "children-factory-tales.geojson"
    document = json.loads(path.read_text(encoding="utf-8"))
    line = document["features"][0]
    line["geometry"]["coordinates"] = [position[:2] for position in line["geometry"]["coordinates"]]
    path.write_text(json.dumps(document), encoding="utf-8")
    app = create_app({"TESTING": True, "PACK": str(pack), "TILES": "none"})
    if "tracks" not in app.blueprints:
        tracks.init_app(app)
    html = app.test_client().get("/tracks/children-factory-tales?lang=en").get_data(as_text=True)
    assert "Heights are unknown on this track." in html
    assert "unknown: no heights on this track" in html


def test_unknown_track_is_an_html_404(client):
    response = client.get("/tracks/no-such-track")
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")
    assert "no-such-track" in response.get_data(as_text=True)


def test_unknown_audience_for_a_track_is_400(client):
    assert client.get("/tracks/walk-10000-steps?audience=seniors").status_code == 400


def test_texts_are_escaped(tmp_path: Path):
    pack = Path(shutil.copytree(SYSERT_PACK, tmp_path / "sysert"))
    path = pack / "tracks" / "terrenkur-embankment.geojson"
    document = json.loads(path.read_text(encoding="utf-8"))
    attack = '<img src=x onerror="alert(1)">'
    document["features"][0]["properties"]["name_en"] = attack
    document["features"][1]["properties"]["text_en"] = attack
    document["features"][1]["properties"]["name_en"] = attack
    path.write_text(json.dumps(document), encoding="utf-8")
    app = create_app({"TESTING": True, "PACK": str(pack), "TILES": "none"})
    if "tracks" not in app.blueprints:
        tracks.init_app(app)
    client = app.test_client()
    for url in ("/tracks?lang=en", "/tracks/terrenkur-embankment?lang=en"):
        html = client.get(url).get_data(as_text=True)
        assert attack not in html
        assert "&lt;img src=x" in html
    gpx = client.get("/tracks/terrenkur-embankment.gpx?lang=en").get_data(as_text=True)
    assert attack not in gpx
    assert "&lt;img src=x" in gpx


@pytest.mark.parametrize(
    ("track_id", "expected", "absent"),
    [
        ("ski-talkov-kamen", "at least", None),
        ("terrenkur-embankment", "(norm 200\xa0m)", "over the norm"),
        ("walk-10000-steps", "over the norm of 800\xa0m", None),
    ],
    ids=["partial-heights-lower-bound", "rest-gap-within-norm", "rest-gap-over-norm"],
)
def test_track_page_says_when_figures_are_bounds_or_over_the_norm(client, track_id, expected, absent):
    html = client.get(f"/tracks/{track_id}?lang=en").get_data(as_text=True)
    assert expected in html
    if absent:
        assert absent not in html
