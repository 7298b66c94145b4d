"""The loops page's start: the place and street search (/api/places), the snapped start, refusals in words."""

from __future__ import annotations

import re

import pytest
from pyproj import Geod

from geo.osm import load_mapping
from tests.test_loops_towns import TOWNS, town_pack
from webmap import create_app
from webmap.loops import messages as loop_messages
from webmap.loops import places
from webmap.loops import views as loops

DAM = "56.4948,60.8112"
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def vaduz(tmp_path_factory):
    """Vaduz imported from OpenStreetMap by ``import-osm --create``."""
    return town_pack(TOWNS["vaduz"], tmp_path_factory.mktemp("vaduz"))


@pytest.fixture
def vaduz_client(vaduz):
    return create_app({"TESTING": True, "PACK": str(vaduz), "TILES": "none"}).test_client()


def _names(client, query: str, lang: str = "ru") -> list[str]:
    response = client.get(f"/api/places?q={query}&lang={lang}")
    assert response.status_code == 200
    return [place["name"] for place in response.get_json()["places"]]


@pytest.mark.parametrize(
    ("query", "lang", "first"),
    [
        ("дом-муз", "ru", "Дом-музей П. П. Бажова"),
        ("ДОМ-МУЗЕЙ", "ru", "Дом-музей П. П. Бажова"),
        ("house-museum", "en", "Pavel Bazhov house-museum"),
        ("дом-муз", "en", "Pavel Bazhov house-museum"),  # found by its Russian name, shown in English
        ("набережная", "ru", "Набережная у плотины"),
        ("бажовск", "ru", "Природный парк «Бажовские места»"),  # a word after « begins with it
        ("СТАДИОН «МЕТАЛЛУРГ»", "ru", "Стадион «Металлург»"),
    ],
)
def test_sysert_places_and_paths_are_found_ignoring_case(client, query, lang, first):
    assert _names(client, query, lang)[0] == first


def test_sysert_search_lists_learning_places_sites_and_paths(client):
    found = client.get("/api/places?q=%D0%B0").get_json()["places"]  # "а": most names hold it
    kinds = {place["kind"] for place in found}
    assert kinds == {"place", "street"}
    assert len(found) == places.MAX_MATCHES
    every = places.named_places(*_pack_and_network(client))
    names = {place.name["ru"] for place in every}
    assert {"Двор школы № 23", "Образовательный коворкинг", "Набережная у плотины"} <= names
    assert len(names) == len(every)  # each name once


def _pack_and_network(client):
    with client.application.test_request_context():
        return loops.get_pack(), loops.get_network()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("furst-franz", "Fürst-Franz-Josef-Strasse"),  # accents ignored
        ("ÄULESTRASSE", "Äulestrasse"),
        ("aulestr", "Äulestrasse"),
        ("вадуц", "Вадуц"),  # the place's name:ru
        ("vaduz", "Вадуц"),  # ... found by its name in another language too
    ],
)
def test_an_osm_pack_s_streets_and_places_are_found(vaduz_client, query, expected):
    assert expected in _names(vaduz_client, query)


def test_an_osm_pack_leaves_out_the_default_names_and_starts_streets_on_the_network(vaduz_client, vaduz):
    pack, network = _pack_and_network(vaduz_client)
    every = places.named_places(pack, network)
    defaults = {name for rule in load_mapping(vaduz).rules for name in rule.default_name.values()}
    assert defaults and not {place.name["ru"] for place in every} & defaults
    streets = [place for place in every if place.kind == "street"]
    assert len(streets) > 100
    for street in streets:
        _node, distance_m = network.nearest_node(street.lon, street.lat)
        assert distance_m < 1.0, street.name


@pytest.mark.parametrize(
    ("names", "query", "found"),
    [
        (["Ёлочная улица", "Еловая аллея"], "елочн", ["Ёлочная улица"]),
        (["Ёлочная улица", "Еловая аллея"], "ЁЛ", ["Еловая аллея", "Ёлочная улица"]),
        (["Café de la Gare", "Rue du Cafe"], "cafe", ["Café de la Gare", "Rue du Cafe"]),
        (
            ["Парк Победы", "Победная улица", "Улица Победы"],
            "побед",
            ["Победная улица", "Парк Победы", "Улица Победы"],
        ),
        (["Парк"], "   ", []),
        (["Парк"], "лес", []),
    ],
)
def test_search_ignores_case_accents_and_yo_and_ranks_prefixes_first(names, query, found):
    listed = [
        places.Place({"ru": name, "en": name}, "place", {}, 0, 0, (places.fold(name),)) for name in names
    ]
    assert [place.name["ru"] for place in places.search(listed, query)] == found


def test_search_gives_ten_at_most(client):
    assert len(_names(client, "е")) <= places.MAX_MATCHES
    assert _names(client, "") == []
    assert _names(client, "x" * 500) == []


@pytest.mark.parametrize(
    ("lang", "moved", "on_path"),
    [
        ("ru", r"^Старт перенесён на ближайшую дорожку, (\d+)\xa0м\.$", "Старт — на дорожке."),
        ("en", r"^Start moved to the nearest path, (\d+)\xa0m away\.$", "The start is on a path."),
    ],
)
def test_the_answer_says_where_the_start_moved(client, lang, moved, on_path):
    off = client.get(f"/api/loops?start=56.4985,60.8040&steps=6000&lang={lang}").get_json()
    start = off["start"]
    assert start["moved"] is True
    metres = re.match(moved, start["message"])
    assert metres, start["message"]
    assert int(metres.group(1)) == round(start["distance_m"])
    _az, _back, true_m = GEOD.inv(60.8040, 56.4985, start["lon"], start["lat"])
    assert abs(true_m - start["distance_m"]) < 2.0  # the distance said is the distance to the start used
    first = off["loops"][0]["geometry"]["coordinates"][0]
    assert first == pytest.approx([start["lon"], start["lat"]], abs=1e-6)  # the loops start there
    on = client.get(f"/api/loops?start={start['lat']},{start['lon']}&steps=6000&lang={lang}").get_json()
    assert on["start"]["moved"] is False and on["start"]["message"] == on_path


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ru", "Это место в 11,2\xa0км от пешеходных дорожек"),
        ("en", "This place is 11.2\xa0km from the walking network"),
    ],
)
def test_a_start_far_from_every_path_is_refused_in_words(client, lang, words):
    response = client.get(f"/api/loops?start=56.56,60.60&steps=6000&lang={lang}")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["field"] == "start" and error["message"].startswith(words)


@pytest.mark.parametrize(
    ("reason", "ru", "en"),
    [
        ("steps", "лестница", "a flight of steps"),
        ("a kerb", "бордюр", "a kerb"),
        ("wheelchair=no", "отметка «недоступно для колясок» (wheelchair=no)", "a wheelchair=no sign"),
        ("an unknown surface", "неизвестное покрытие", "an unknown surface"),
        ("surface gravel", "покрытие: гравий", "the surface gravel"),
        ("surface tartan", "покрытие: tartan", "the surface tartan"),
        ("smoothness very_bad", "неровность: очень плохая", "smoothness very bad"),
        ("a gradient of 8.5 %", "уклон 8,5\xa0%", "a gradient of 8.5%"),
        ("something new", "something new", "something new"),
    ],
)
def test_refusal_reasons_in_the_reader_s_language(app, reason, ru, en):
    for lang, expected in (("ru", ru), ("en", en)):
        with app.test_request_context(f"/?lang={lang}"):
            assert loop_messages.refusal_text(reason) == expected


def test_a_start_refused_for_wheels_says_why_in_russian(client):
    """By the upper reservoir the nearest way is a dirt track: a wheelchair is told how far a paved one is."""
    response = client.get("/api/loops?start=56.4780,60.7760&steps=3000&audience=limited-mobility&lang=ru")
    assert response.status_code == 422
    message = response.get_json()["error"]["message"]
    assert message.startswith("Ближайшая дорожка, подходящая для категории «С коляской")
    assert re.search(r"в \d+(,\d)?\xa0км отсюда \(нужно не дальше 500\xa0м\)", message)
    assert "есть препятствия: покрытие: грунт." in message
    assert not re.search(r"[A-Za-z]", message), message


def test_loop_figures_are_written_for_people(client):
    body = client.get(f"/api/loops?start={DAM}&steps=6000&lang=ru").get_json()
    loop = body["loops"][0]
    text = loop["text"]
    assert re.fullmatch(r"\d+(,\d)?\xa0км", text["length"])
    assert re.fullmatch(r"\d+\xa0\d{3} шаг(а|ов)?", text["steps"])
    assert text["green"] == f"{round(loop['green_share'] * 100)}\xa0%"
    assert text["repeated"] == f"{round(loop['repeated_share'] * 100)}\xa0%"
    assert "мин" in text["duration"] and "ккал" in text["energy"]
    profile = loop["profile"]
    assert profile["label"].startswith("Высота от") and profile["lines"]
    assert all(re.fullmatch(r"([\d.]+,[\d.]+ ?)+", line) for line in profile["lines"])


def test_an_osm_pack_without_heights_has_no_profile(vaduz_client):
    start = _names_and_points(vaduz_client, "furst-franz")
    body = vaduz_client.get(f"/api/loops?start={start}&steps=3000&lang=en").get_json()
    assert body["loops"] and all(loop["profile"] is None for loop in body["loops"])
    assert body["start"]["moved"] is False


def _names_and_points(client, query: str) -> str:
    place = client.get(f"/api/places?q={query}").get_json()["places"][0]
    return f"{place['lat']},{place['lon']}"
