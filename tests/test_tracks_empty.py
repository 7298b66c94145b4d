"""/tracks on a pack without tracks: a short localised empty state that says how to add some."""

from __future__ import annotations

from pathlib import Path

import pytest

from webmap import create_app


@pytest.fixture
def client_without_tracks(good_pack: Path):
    return create_app({"TESTING": True, "PACK": str(good_pack), "TILES": "none"}).test_client()


@pytest.mark.parametrize(
    ("lang", "title", "loops"),
    [
        ("ru", "Здесь пока не опубликовано ни одного маршрута", "Построить петлю"),
        ("en", "No tracks are published here yet", "Make a loop"),
    ],
)
def test_the_empty_state_says_so_and_how_to_add_tracks(client_without_tracks, lang, title, loops):
    response = client_without_tracks.get(f"/tracks?lang={lang}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"<h2>{title}</h2>" in html
    assert f'<a href="/loops?lang={lang}">{loops}</a>' in html
    assert "<code>ecomap suggest-tracks</code>" in html
    assert "<code>ecomap import-gpx</code>" in html
    assert 'class="tracks-filters"' not in html


def test_the_api_lists_no_tracks_and_the_audiences_are_the_defaults(client_without_tracks):
    assert client_without_tracks.get("/api/tracks").get_json() == {"tracks": []}
    response = client_without_tracks.get("/api/tracks?audience=limited-mobility")
    assert response.status_code == 200


def test_a_pack_with_tracks_shows_no_empty_state(client):
    html = client.get("/tracks?lang=en").get_data(as_text=True)
    assert "No tracks are published here yet" not in html
    assert 'class="tracks-filters"' in html
