"""Issue #20 (1): no text field takes a line or paragraph separator or an invisible format character
(the joiners ZWNJ and ZWJ excepted); each refusal names the field and the code point, in the reader's
language. CSV cells that a spreadsheet would read as formulas, full-width ones too, are quoted; a shape
whose points coincide is refused as having too few distinct points."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.support.proposals_support import (
    SCHOOL_POINT,
    csrf_token,
    feature,
    join,
    login,
    make_class,
    moderated_app,
    set_status,
    submit,
)
from webmap.proposals.class_code_cli import class_code_group
from webmap.proposals.classes_store import clean_nickname
from webmap.proposals.cli import proposals_group
from webmap.proposals.db import get_db
from webmap.proposals.errors import InvalidName, JoinRefused
from webmap.proposals.moderator_names import normalise_name
from webmap.proposals.store import get_proposal, spreadsheet_safe

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
# separators and format characters; each must be refused wherever it stands
REFUSED = {
    "line-separator": "\u2028",
    "paragraph-separator": "\u2029",
    "zero-width-space": "\u200b",
    "right-to-left-override": "\u202e",
    "soft-hyphen": "\u00ad",
    "word-joiner": "\u2060",
    "bom": "\ufeff",
}
PLACES = {"middle": "Bench{}here", "end": "Bench here{}", "start": "{}Bench here"}


@pytest.fixture
def app(tmp_path):
    return moderated_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.mark.parametrize("field", ["title", "materials", "description", "author"])
@pytest.mark.parametrize("char", REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.parametrize("place", PLACES.values(), ids=PLACES.keys())
def test_proposal_texts_refuse_separators_and_format_characters(client, field, char, place):
    text = place.format(char) if field != "author" else place.replace("Bench here", "Fox").format(char)

    response = client.post("/api/proposals?lang=en", json=feature(**{field: text}))

    assert response.status_code == 422
    error = response.json["error"]
    assert error["field"] == f"properties.{field}"
    assert f"U+{ord(char):04X}" in error["message"] and field in error["message"]
    (problem,) = error["problems"]
    assert problem["field"] == f"properties.{field}"
    assert f"U+{ord(char):04X}" in problem["message"]


def test_the_refusal_is_said_in_russian_by_default(client):
    response = client.post("/api/proposals", json=feature(title="Скамейка\u2028у входа"))

    (problem,) = response.json["error"]["problems"]
    assert "U+2028" in problem["message"] and "Название" in problem["message"]
    assert CYRILLIC.search(problem["message"])


@pytest.mark.parametrize("text", ["क्‍ष", "👩\u200d🌾 garden", "می\u200cخواهم"], ids=["zwj", "emoji", "zwnj"])
def test_the_joiners_stay_allowed(client, text):
    assert submit(client, feature(description=text)).status_code == 201


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u200b"], ids=["ls", "ps", "zwsp"])
def test_moderators_comments_refuse_them_in_the_json_shape_and_the_page(app, client, char):
    proposal_id = submit(client).json["id"]
    login(client)

    api = client.post(f"/api/proposals/{proposal_id}/comments?lang=ru", json={"text": f"Сдвинь{char}левее"})
    page = client.get("/moderation?lang=en").get_data(as_text=True)
    form = client.post(
        f"/moderation/{proposal_id}/comments?lang=en",
        data={"csrf_token": csrf_token(page), "text": f"Move it{char}left"},
    )

    assert api.status_code == 422
    assert api.json["error"]["field"] == "text" and f"U+{ord(char):04X}" in api.json["error"]["message"]
    (problem,) = api.json["error"]["problems"]
    assert f"U+{ord(char):04X}" in problem["message"] and CYRILLIC.search(problem["message"])
    assert form.status_code == 422
    assert f"U+{ord(char):04X}" in form.get_data(as_text=True)


def test_a_comment_from_a_text_area_keeps_its_line_breaks(app, client):
    proposal_id = submit(client).json["id"]
    login(client)

    answer = client.post(f"/api/proposals/{proposal_id}/comments", json={"text": "Move it\r\nleft\tplease"})

    assert answer.status_code == 201, answer.get_data(as_text=True)


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u200b", "\u202e"], ids=["ls", "ps", "zwsp", "rlo"])
def test_a_reject_reason_refuses_them_and_the_proposal_stays_pending(app, client, char):
    proposal_id = submit(client).json["id"]
    login(client)
    token = csrf_token(client.get("/moderation").get_data(as_text=True))

    answer = client.post(
        f"/moderation/{proposal_id}/reject?lang=ru",
        data={"csrf_token": token, "reason": f"Мешает{char}проходу"},
    )

    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert f"U+{ord(char):04X}" in page and "Причина" in page
    with app.app_context(), get_db().read() as session:
        assert get_proposal(session, proposal_id).status == "pending"


def test_a_reject_reason_from_a_text_area_keeps_its_line_breaks(app, client):
    proposal_id = submit(client).json["id"]
    login(client)
    token = csrf_token(client.get("/moderation").get_data(as_text=True))

    answer = client.post(
        f"/moderation/{proposal_id}/reject", data={"csrf_token": token, "reason": "Blocks\r\nthe exit"}
    )

    assert answer.status_code == 302


def test_the_command_line_reason_and_class_name_refuse_them(app, client):
    proposal_id = submit(client).json["id"]
    runner = app.test_cli_runner()

    reason = runner.invoke(proposals_group, ["reject", str(proposal_id), "--reason", "Dup\u2029licate"])
    named = runner.invoke(class_code_group, ["create", "--name", "5\u2028Б", "--size", "30"])

    assert reason.exit_code == 2 and "U+2029" in reason.output and "--reason" in reason.output
    assert named.exit_code == 2 and "U+2028" in named.output and "--name" in named.output


def test_a_class_name_in_moderation_refuses_them(app, client):
    login(client)
    token = csrf_token(client.get("/moderation").get_data(as_text=True))

    answer = client.post(
        "/moderation/classes?lang=en", data={"csrf_token": token, "name": "5\u2028B", "size": "30"}
    )

    assert answer.status_code == 400
    assert "U+2028" in answer.get_data(as_text=True) and "Class name" in answer.get_data(as_text=True)


@pytest.mark.parametrize("char", REFUSED.values(), ids=REFUSED.keys())
def test_nicknames_refuse_them_with_the_code_point(app, client, char):
    with pytest.raises(JoinRefused) as refused:
        clean_nickname(f"Лиса{char}23")
    answer = join(client, make_class(app), f"Fox{char}")

    assert f"U+{ord(char):04X}" in str(refused.value)
    assert answer.status_code == 400
    assert f"U+{ord(char):04X}" in answer.get_data(as_text=True)
    assert "ecomap_participant" not in answer.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("char", REFUSED.values(), ids=REFUSED.keys())
def test_moderator_names_refuse_them(char):
    with pytest.raises(InvalidName, match=f"U\\+{ord(char):04X}"):
        normalise_name(f"anna{char}petrova")


def test_moderator_names_still_collapse_tabs_and_line_breaks():
    assert normalise_name("anna\t\npetrova") == "anna petrova"


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＋1", "－1", "＠SUM(A1)", "﹦1", "\u22121"],
    ids=[
        "eq",
        "plus",
        "minus",
        "at",
        "tab",
        "cr",
        "fw-eq",
        "fw-plus",
        "fw-minus",
        "fw-at",
        "small-eq",
        "minus-sign",
    ],
)
def test_every_formula_start_is_quoted_in_the_csv(app, client, text):
    proposal_id = submit(client, feature(SCHOOL_POINT, title="Bench", description=text.strip())).json["id"]
    set_status(app, proposal_id, "approved")

    rows = list(csv.DictReader(io.StringIO(client.get("/api/proposals.csv").data.decode("utf-8-sig"))))

    # texts are stored trimmed: a tab or CR at the start is the function's alone
    assert spreadsheet_safe(text) == "'" + text
    assert rows[0]["description"] == "'" + text.strip()
    assert rows[0]["title"] == "Bench"


COINCIDING = {
    "polygon": ({"type": "Polygon", "coordinates": [[[60.8352, 56.4968]] * 4]}, "Polygon", 1, 3),
    "polygon-two": (
        {
            "type": "Polygon",
            "coordinates": [[[60.8352, 56.4968], [60.8353, 56.4968]] * 2 + [[60.8352, 56.4968]]],
        },
        "Polygon",
        2,
        3,
    ),
    "line": ({"type": "LineString", "coordinates": [[60.8352, 56.4968]] * 3}, "LineString", 1, 2),
}


@pytest.mark.parametrize(("geometry", "kind", "count", "minimum"), COINCIDING.values(), ids=COINCIDING.keys())
def test_coinciding_points_are_too_few_distinct_points_in_message_and_problems(
    client, geometry, kind, count, minimum
):
    english = client.post("/api/proposals?lang=en", json=feature(geometry))
    russian = client.post("/api/proposals?lang=ru", json=feature(geometry))

    assert english.status_code == 422
    error = english.json["error"]
    assert error["field"] == "geometry.coordinates"
    assert "too few distinct points" in error["message"] and f"at least {minimum}" in error["message"]
    (problem,) = error["problems"]
    assert "too few distinct points" in problem["message"]
    assert f"{count}" in problem["message"] and f"{minimum}" in problem["message"]
    (russian_problem,) = russian.json["error"]["problems"]
    assert "слишком мало различных точек" in russian_problem["message"]


def test_a_flat_polygon_says_it_has_no_area(client):
    flat = {
        "type": "Polygon",
        "coordinates": [[[60.8350, 56.4968], [60.8352, 56.4968], [60.8354, 56.4968], [60.8350, 56.4968]]],
    }

    response = client.post("/api/proposals?lang=en", json=feature(flat))

    assert "no area" in response.json["error"]["message"]
    assert "no surface" in response.json["error"]["problems"][0]["message"]


def test_an_open_ring_says_its_outline_does_not_close(client):
    ring = [[60.8350, 56.4967], [60.8354, 56.4967], [60.8354, 56.4969], [60.8350, 56.4969]]

    response = client.post("/api/proposals?lang=en", json=feature({"type": "Polygon", "coordinates": [ring]}))

    assert "not closed" in response.json["error"]["message"]
    assert "does not close" in response.json["error"]["problems"][0]["message"]
