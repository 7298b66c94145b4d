"""Languages: Russian by default, English on request; every string of ours translated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "webmap" / "translations"


@pytest.mark.parametrize(
    ("query", "headers", "expected", "absent"),
    [
        ("", {}, "Карта города", "City map"),
        ("?lang=en", {}, "City map", "Карта города"),
        ("", {"Accept-Language": "en-GB,en;q=0.9"}, "City map", "Карта города"),
        ("?lang=ru", {"Accept-Language": "en"}, "Карта города", "City map"),
        ("?lang=de", {"Accept-Language": "de"}, "Карта города", "City map"),
    ],
    ids=["default-ru", "query-en", "browser-en", "query-beats-browser", "unknown-falls-back"],
)
def test_language_choice(client, query, headers, expected, absent):
    html = client.get("/" + query, headers=headers).get_data(as_text=True)
    assert expected in html
    assert absent not in html


def _in_page(text: str, html: str) -> bool:
    """Text in the page as written or as folium's JSON-escaped map data."""
    return text in html or json.dumps(text)[1:-1] in html


def test_popup_labels_and_names_follow_the_language(client):
    russian = client.get("/?lang=ru").get_data(as_text=True)
    english = client.get("/?lang=en").get_data(as_text=True)
    assert _in_page("Описание", russian) and _in_page("Природный парк «Бажовские места»", russian)
    assert not _in_page("Description", russian)
    assert _in_page("Description", english) and _in_page("Bazhov Places natural park", english)


def test_every_russian_string_is_translated():
    with (TRANSLATIONS / "messages.pot").open("rb") as file:
        template_ids = {message.id for message in read_po(file) if message.id}
    with (TRANSLATIONS / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalog = read_po(file)
    translated = {message.id for message in catalog if message.id and message.string and not message.fuzzy}
    assert template_ids - translated == set()
