"""Routes and step-goal loops on Sysert's hand-drawn network: the API, GPX files, the page and errors."""

from __future__ import annotations

import datetime as dt
import re

import gpxpy
import jsonschema
import pytest
from openapi_spec_validator import validate

from webmap.http import openapi
from webmap.loops import api_description
from webmap.loops import views as loops

DAM = "56.4948,60.8112"  # the embankment by the dam, where the walks start
CENTRE = "56.5,60.8167"


@pytest.fixture
def loops_client(app):
    loops.init_app(app)  # until webmap/__init__.py registers it
    return app.test_client()


@pytest.mark.parametrize("audience", ["adults", "seniors", "children", "limited-mobility"])
@pytest.mark.parametrize("steps", [3_000, 6_000, 10_000])
def test_loops_hit_the_goal_for_every_audience(loops_client, audience, steps):
    response = loops_client.get(f"/api/loops?start={DAM}&steps={steps}&audience={audience}&prefer=green")
    assert response.status_code == 200, response.get_json()
    found = response.get_json()["loops"]
    assert 1 <= len(found) <= 3
    for loop in found:
        assert abs(loop["steps"] - steps) <= 0.05 * steps
        assert loop["audience"] == audience
        assert 0 <= loop["green_share"] <= 1
        assert loop["geometry"]["coordinates"][0] == loop["geometry"]["coordinates"][-1]
        assert {"length_m", "duration_s", "energy_kcal", "terrenkur_class", "gpx"} <= set(loop)


def test_a_loop_downloads_as_the_same_gpx(loops_client):
    body = loops_client.get(f"/api/loops?start={DAM}&steps=6000&audience=seniors").get_json()
    first = body["loops"][0]
    response = loops_client.get(first["gpx"])
    assert response.status_code == 200
    assert response.mimetype == "application/gpx+xml"
    assert "attachment" in response.headers["Content-Disposition"]
    document = gpxpy.parse(response.get_data(as_text=True))
    points = document.tracks[0].segments[0].points
    assert len(points) == len(first["geometry"]["coordinates"])
    # the same walk, made again: only its <time>, when it was made, may differ
    made = re.compile(rb"<time>[^<]*</time>")
    assert made.sub(b"", loops_client.get(first["gpx"]).data) == made.sub(b"", response.data)


def test_a_loop_gpx_time_is_when_it_was_made(loops_client):
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    body = loops_client.get(f"/api/loops?start={DAM}&steps=3000&audience=adults").get_json()
    document = gpxpy.parse(loops_client.get(body["loops"][0]["gpx"]).get_data(as_text=True))
    assert document.time is not None
    assert before <= document.time <= dt.datetime.now(dt.UTC)


@pytest.mark.parametrize(
    ("lang", "distance", "unit", "word"), [("ru", r"\d+,\d", "км", "шаг"), ("en", r"\d+\.\d", "km", "steps")]
)
def test_the_loop_gpx_says_length_and_steps_in_the_reader_s_language(
    loops_client, lang, distance, unit, word
):
    body = loops_client.get(f"/api/loops?start={DAM}&steps=6000&audience=adults&lang={lang}").get_json()
    loop = body["loops"][0]
    document = gpxpy.parse(loops_client.get(loop["gpx"]).get_data(as_text=True))
    description = document.description or document.tracks[0].description
    # "4,3 км, 6 012 шагов": kilometres with the language's decimal sign, never "4,312 m"
    assert re.search(rf"{distance}\s{unit}, ", description), description
    assert word in description and " m," not in description


def test_route_between_two_places(loops_client):
    response = loops_client.get(f"/api/route?from={DAM}&to={CENTRE}&audience=limited-mobility")
    assert response.status_code == 200
    route = response.get_json()["route"]
    assert route["length_m"] > 500
    assert route["steps"] == round(route["length_m"] / 0.62)
    gpx = loops_client.get(route["gpx"])
    assert gpx.status_code == 200 and b"<trkpt" in gpx.data


@pytest.mark.parametrize(
    ("url", "status", "field", "english", "russian"),
    [
        (
            f"/api/loops?start={DAM}&steps=6000&audience=cats",
            400,
            "audience",
            "Unknown audience 'cats'",
            "Неизвестная аудитория 'cats'",
        ),
        (
            "/api/loops?start=56.60,60.81&steps=6000",
            422,
            "start",
            "from the walking network",
            "от пешеходных",
        ),
        # beyond what the pack's UTM zone can project: measured on the ellipsoid instead, not a 500
        ("/api/loops?start=0,153&steps=6000", 422, "start", "10,140.4\xa0km from", "10\xa0140,4\xa0км от"),
        (f"/api/loops?start={DAM}&steps=100", 400, "steps", "whole number from 500", "целым, от 500"),
        (f"/api/loops?start={DAM}&steps=ten", 400, "steps", "whole number", "'ten'"),
        ("/api/loops?start=north&steps=6000", 400, "start", "LAT,LON", "'north'"),
        ("/api/loops?start=95,60.8&steps=6000", 400, "start", "not a place on Earth", "не место на Земле"),
        (f"/api/loops?start={DAM}&steps=6000&prefer=fast", 400, "prefer", "green or short", "'fast'"),
        (
            f"/api/loops.gpx?start={DAM}&steps=6000&index=7",
            404,
            "index",
            "There is no loop",
            "Кольца '7' нет",
        ),
        (f"/api/route?from={DAM}&to=56.3,60.5", 422, "to", "from the walking network", "от пешеходных"),
        (f"/api/route?from={DAM}", 400, "to", "LAT,LON", "ШИРОТА,ДОЛГОТА"),
        (f"/api/route?from={DAM}&to={DAM}", 422, "to", "the same place", "одно и то же место"),
    ],
)
def test_errors_answer_the_one_json_shape_in_the_reader_s_language(
    loops_client, url, status, field, english, russian
):
    for lang, text in (("en", english), ("ru", russian)):
        response = loops_client.get(f"{url}&lang={lang}")
        assert response.status_code == status
        error = response.get_json()["error"]
        assert set(error) == {"status", "message", "field"}
        assert error["status"] == status and error["field"] == field
        assert text in error["message"], (lang, error["message"])
    # Russian is the default language
    assert russian in loops_client.get(url).get_json()["error"]["message"]


def test_a_goal_the_network_cannot_hold_is_a_422(loops_client):
    response = loops_client.get(f"/api/loops?start={DAM}&steps=40000&audience=limited-mobility")
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "steps"


def test_loops_page_is_phone_first_and_offline(loops_client):
    response = loops_client.get("/loops?lang=ru")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="viewport"' in page
    assert "loops.js" in page and "loops.css" in page
    assert "L.control.locate" in page
    assert "https://cdn" not in page and "unpkg" not in page
    for audience in ("adults", "seniors", "children", "limited-mobility"):
        assert f'value="{audience}"' in page


def test_openapi_part_is_valid_and_covers_the_blueprint(app):
    with app.app_context():
        document = openapi.description(live=False)
    validate(document)
    paths = api_description.describe(False).paths
    assert set(paths) <= set(document["paths"])
    rules = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("loops.")}
    assert rules - {"/loops"} == set(paths)


def test_answers_fit_the_openapi_schema(loops_client):
    paths = api_description.describe(False).paths
    body = loops_client.get(f"/api/loops?start={DAM}&steps=6000").get_json()
    jsonschema.validate(
        body, paths["/api/loops"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    )
    body = loops_client.get(f"/api/route?from={DAM}&to={CENTRE}").get_json()
    jsonschema.validate(
        body, paths["/api/route"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    )


@pytest.mark.parametrize(("lang", "word"), [("ru", "Повторы"), ("en", "Repeated")])
def test_the_answer_and_the_page_say_what_repeated_means(loops_client, lang, word):
    body = loops_client.get(f"/api/loops?start={DAM}&steps=6000&lang={lang}").get_json()
    for loop in body["loops"]:
        assert loop["repeated_note"].startswith(word)
        assert 0 <= loop["repeated_share"] <= 0.5
        assert 0 <= loop["untagged_surface_share"] <= 1
    page = loops_client.get(f"/loops?lang={lang}").get_data(as_text=True)
    assert body["loops"][0]["repeated_note"].replace("'", "&#39;") in page


def test_sysert_loops_are_not_out_and_back(loops_client):
    """The /loops page showed out-and-back "loops" on Sysert's hand-drawn paths (issue 9)."""
    shares = []
    for steps in (3_000, 6_000, 10_000):
        for audience in ("adults", "seniors", "children"):
            body = loops_client.get(f"/api/loops?start={DAM}&steps={steps}&audience={audience}").get_json()
            shares.append(body["loops"][0]["repeated_share"])
    assert max(shares) < 0.5  # none walks its way back
    assert sorted(shares)[len(shares) // 2] <= 0.2
