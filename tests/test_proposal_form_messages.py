"""A refused proposal names every problem at once, each with its field and a plain message in the
reader's language; only accepted submissions count against the rate limit."""

from __future__ import annotations

import re

import pytest
from shapely.geometry import shape

from geo.crs import in_metres
from tests.support.proposals_support import OUTSIDE_POLYGON, SCHOOL, SCHOOL_POINT, feature, make_app, submit
from webmap.proposals.service import get_sites
from webmap.proposals.validation import MAX_VERTICES, TEXT_LIMITS
from webmap.settings import read_settings

EAST_OF_THE_YARD = {"type": "Point", "coordinates": [60.8363, 56.4968]}  # some 15 m east of the mask
LINE_OUT = {"type": "LineString", "coordinates": [[60.8352, 56.4968], [60.8370, 56.4968]]}
BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[60.8350, 56.4967], [60.8354, 56.4969], [60.8354, 56.4967], [60.8350, 56.4969], [60.8350, 56.4967]]
    ],
}
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


def _problems(response) -> list[dict[str, str]]:
    assert response.status_code == 422, response.get_data(as_text=True)
    return response.json["error"]["problems"]


def _outside(app, geometry: dict) -> tuple[float, float, float]:
    """The area, length and distance by which ``geometry`` reaches out of the school yard's mask."""
    with app.app_context():
        site = get_sites()[SCHOOL]
    metric = in_metres(shape(geometry), site.crs_metric)
    beyond = metric.difference(site.mask_metric)
    return beyond.area, beyond.length, metric.distance(site.mask_metric)


def test_every_problem_is_reported_at_once_with_its_field(client):
    body = feature(OUTSIDE_POLYGON, title="   ", description="", author="fox@mail.ru", materials="x" * 301)

    response = client.post("/api/proposals?lang=en", json=body)

    error = response.json["error"]
    assert [problem["field"] for problem in _problems(response)] == [
        "properties.title",
        "properties.materials",
        "properties.description",
        "properties.author",
        "geometry",
    ]
    assert (error["field"], error["message"]) == ("properties.title", "'title' must not be empty")
    assert error["status"] == 422


def test_an_empty_title_and_a_shape_outside_the_site_in_russian_by_default(app, client):
    problems = _problems(client.post("/api/proposals", json=feature(OUTSIDE_POLYGON, title="")))

    outside_m2 = f"{round(_outside(app, OUTSIDE_POLYGON)[0]):,}".replace(",", "\xa0")  # 1 337: Russian groups
    assert problems == [
        {"field": "properties.title", "message": "Придумайте название для предложения."},
        {
            "field": "geometry",
            "message": f"Фигура выходит за границы участка «Школьный двор школы № 23» на {outside_m2}\xa0м². "
            "Передвиньте её или нарисуйте заново внутри пунктирной линии.",
        },
    ]


@pytest.mark.parametrize(
    ("query", "headers", "russian"),
    [
        ("?lang=en", {}, False),
        ("", {"Accept-Language": "en-GB,en;q=0.8"}, False),
        ("?lang=ru", {"Accept-Language": "en"}, True),
        ("", {}, True),
    ],
    ids=["query-en", "browser-en", "query-beats-browser", "default-ru"],
)
def test_the_messages_follow_the_request_language(client, query, headers, russian):
    body = feature(EAST_OF_THE_YARD, title="", author="+7 912 345-67-89")

    problems = _problems(client.post(f"/api/proposals{query}", json=body, headers=headers))

    assert len(problems) == 3
    assert all(bool(CYRILLIC.search(problem["message"])) == russian for problem in problems)


def test_the_english_messages_are_plain_sentences(app, client):
    body = feature(EAST_OF_THE_YARD, author="a@b.c")

    problems = _problems(client.post("/api/proposals?lang=en", json=body))

    distance_m = _outside(app, EAST_OF_THE_YARD)[2]
    assert [problem["message"] for problem in problems] == [
        "This looks like an e-mail address or a phone number. Write a nickname only.",
        f"The point is {round(distance_m)}\xa0m outside “School No. 23 yard”. "
        "Put it inside the dashed outline.",
    ]
    assert 10 < distance_m < 25  # the point lies some 15 m east of the yard


def test_a_line_says_how_far_it_goes_out(app, client):
    (problem,) = _problems(client.post("/api/proposals?lang=en", json=feature(LINE_OUT)))

    length_m = _outside(app, LINE_OUT)[1]
    assert problem == {
        "field": "geometry",
        "message": f"The line goes {round(length_m)}\xa0m beyond the boundary of “School No. 23 yard”. "
        "Move it or draw it again inside the dashed outline.",
    }


def test_no_tolerance_or_raw_figures_reach_the_student(client):
    (problem,) = _problems(client.post("/api/proposals", json=feature(OUTSIDE_POLYGON)))

    assert "tolerance" not in problem["message"] and "допуск" not in problem["message"]
    # no 1897.6-like figures: Russian decimals have a comma
    assert not re.search(r"\d\.\d", problem["message"])


@pytest.mark.parametrize(
    ("over", "word"), [(1, "символ"), (3, "символа"), (5, "символов")], ids=["one", "few", "many"]
)
def test_too_long_a_title_is_counted_in_russian_plurals(client, over, word):
    body = feature(title="x" * (TEXT_LIMITS["title"] + over))

    (problem,) = _problems(client.post("/api/proposals?lang=ru", json=body))

    assert problem["field"] == "properties.title"
    assert problem["message"] == (
        f"В поле «Название» на {over} {word} больше, чем помещается (не больше "
        f"{TEXT_LIMITS['title']}). Сократите текст."
    )


@pytest.mark.parametrize(
    ("body", "field", "english"),
    [
        (feature(title="a\u200bb"), "properties.title", "“Title” holds a hidden character (U+200B)"),
        (feature(description="a\x07b"), "properties.description", "“Description” holds a hidden character"),
        (feature(category="fountain"), "properties.category", "Choose a category from the list."),
        (feature(site="moon"), "properties.site", "This place no longer takes proposals."),
        (feature(BOWTIE), "geometry", "The shape's edges cross each other."),
        ({**feature(), "geometry": None}, "geometry", "Draw a point, a line or an area inside the outline"),
        ({**feature(), "type": "Thing"}, "type", "Reload the page and try again."),
        (feature(email="a@b.c"), "properties.email", "Reload the page and try again."),
    ],
    ids=["invisible", "control", "category", "site", "crossing", "no-shape", "type", "unknown-property"],
)
def test_each_kind_of_problem_has_its_plain_message(client, body, field, english):
    english_problems = _problems(client.post("/api/proposals?lang=en", json=body))
    russian_problems = _problems(client.post("/api/proposals?lang=ru", json=body))

    assert [problem["field"] for problem in english_problems] == [field]
    assert english in english_problems[0]["message"]
    (russian,) = russian_problems
    assert russian["field"] == field and CYRILLIC.search(russian["message"])


def test_too_many_points_are_counted(client):
    points = [[60.8350 + 0.000001 * (i % 400), 56.4967 + 0.0000005 * i] for i in range(MAX_VERTICES + 1)]
    line = {"type": "LineString", "coordinates": points}

    (problem,) = _problems(client.post("/api/proposals?lang=en", json=feature(line)))

    assert problem["field"] == "geometry.coordinates"
    assert problem["message"] == (
        f"The shape has {MAX_VERTICES + 1} points, but at most {MAX_VERTICES} fit. Draw it more simply."
    )


def test_a_lone_surrogate_is_a_problem_of_its_field(client):
    body = '{"type": "Feature", "properties": {"title": "a\\ud800"}}'

    response = client.post("/api/proposals?lang=en", data=body, content_type="application/json")

    (problem,) = _problems(response)
    assert problem["field"] == "properties.title"
    assert "“Title” holds a hidden character (U+D800)" in problem["message"]


@pytest.mark.parametrize(
    ("body", "status"), [("[]", 400), ("{not json", 400), ("[" * 50 + "]" * 50, 400)], ids=str
)
def test_a_body_that_is_no_proposal_has_no_problems_list(client, body, status):
    response = client.post("/api/proposals", data=body, content_type="application/json")

    assert response.status_code == status
    assert set(response.json["error"]) == {"status", "message", "field"}


def test_an_accepted_proposal_is_unchanged(client):
    response = submit(client, feature(SCHOOL_POINT))

    assert response.status_code == 201 and set(response.json) == {"id", "status", "url", "bill"}
    assert response.json["bill"] is None  # a freehand shape has no parts to bill


# Rate limit: only accepted submissions count.


def test_twenty_refused_attempts_do_not_block_an_accepted_one(tmp_path):
    client = make_app(tmp_path, RATE_LIMIT="3/minute").test_client()

    refused = [submit(client, feature(title="")).status_code for _ in range(20)]
    accepted = submit(client).status_code

    assert refused == [422] * 20
    assert accepted == 201


def test_the_limit_still_holds_for_accepted_submissions(tmp_path):
    client = make_app(tmp_path, RATE_LIMIT="3/minute").test_client()

    statuses = []
    for _ in range(3):
        statuses.append(submit(client, feature(title="")).status_code)
        statuses.append(submit(client).status_code)
    spent = [submit(client).status_code, submit(client, feature(title="")).status_code]

    assert statuses == [422, 201] * 3
    assert spent == [429, 429]  # once spent, every attempt waits, refused or not


def test_the_default_lets_a_class_of_thirty_send_at_once_but_not_more(tmp_path):
    client = make_app(tmp_path, RATE_LIMIT=read_settings({})["RATE_LIMIT"]).test_client()

    class_of_thirty = [submit(client, feature(title=f"Pupil {n}")).status_code for n in range(30)]
    one_more = submit(client, feature(title="Pupil 31"))

    assert class_of_thirty == [201] * 30
    assert one_more.status_code == 429
    assert one_more.json["error"]["message"].startswith("too many proposal submissions from this address")


def test_many_made_up_properties_are_one_problem(client):
    body = feature(**{f"extra{n}": "x" for n in range(500)}, title="")

    problems = _problems(client.post("/api/proposals?lang=en", json=body))

    assert [problem["field"] for problem in problems] == ["properties.extra0", "properties.title"]
