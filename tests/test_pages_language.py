"""Pages speak the reader's language: error pages, the data notes; the API keeps its JSON shape."""

from __future__ import annotations

import html

import pytest

from webmap.maps.layers import accuracy_text


@pytest.mark.parametrize(
    ("path", "status", "russian"),
    [
        ("/nowhere?lang=ru", 404, "Страница не найдена"),
        ("/?date=2026-13-45&lang=ru", 400, "Даты 2026-13-45 не существует"),
        ("/tracks?mode=fly&lang=ru", 400, "Для «Как» нет такого варианта"),
        ("/tracks/no-such-track?lang=ru", 404, "no-such-track"),
    ],
    ids=["generic-404", "bad-date", "bad-filter", "no-track"],
)
def test_a_browser_gets_a_russian_error_page(client, path, status, russian):
    response = client.get(path, headers={"Accept": "text/html"})
    html = response.get_data(as_text=True)
    assert response.status_code == status and response.mimetype == "text/html"
    assert russian in html and '<html lang="ru">' in html
    assert "The requested URL" not in html and "must be" not in html


def test_the_generic_404_is_english_for_english_readers(client):
    html = client.get("/nowhere?lang=en").get_data(as_text=True)
    assert "Page not found" in html and "There is no page at this address" in html


@pytest.mark.parametrize(
    ("path", "headers"),
    [("/?date=2026-13-45", {"Accept": "application/json"}), ("/api/layers/park?date=2026-13-45", {})],
    ids=["page-asked-for-json", "api"],
)
def test_the_api_keeps_its_json_error_shape(client, path, headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "date"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        # a track's notes are written in each language: the note is the reader's, not said to be English
        ("ru", "приблизительно: проведён в 50 м от нарисованного вручную берега"),
        ("en", "approximate: drawn 50 m off"),
    ],
)
def test_the_accuracy_class_is_said_in_the_readers_language(app, client, lang, expected):
    page = html.unescape(client.get(f"/tracks/walk-10000-steps?lang={lang}").get_data(as_text=True))
    assert expected in page
    with app.test_request_context(f"/?lang={lang}"):
        assert accuracy_text("surveyed") == {"ru": "по съёмке", "en": "surveyed"}[lang]
        assert accuracy_text("estimated: by eye").startswith("estimated;")
        # a layer's note is in the pack's language (English), and said to be
        assert (
            accuracy_text("approximate: by eye")
            == {
                "ru": "приблизительно; примечание из данных (на английском): by eye",
                "en": "approximate; the pack's note: by eye",
            }[lang]
        )
