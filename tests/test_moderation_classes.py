"""Issue #20 (5): a class code admits as many participants as its size, set by the teacher; moderation
shows each class's nicknames, and a teacher removes a nickname with its votes (a CSRF-protected form,
signed in only; the log says who removed whom)."""

from __future__ import annotations

import logging
import re

import pytest

from tests.support.proposals_support import (
    csrf_token,
    join,
    login,
    make_class,
    moderated_app,
    set_status,
    submit,
    vote,
)
from webmap.proposals.db import get_db
from webmap.proposals.models import Participant, Vote


@pytest.fixture
def app(tmp_path):
    return moderated_app(tmp_path)


def _participant_id(app, nickname: str) -> int:
    with app.app_context(), get_db().read() as session:
        return next(p.id for p in session.query(Participant) if p.nickname == nickname)


def _votes(app) -> int:
    with app.app_context(), get_db().read() as session:
        return session.query(Vote).count()


def _class_with_voters(app, size: int = 2) -> tuple[str, int]:
    writer = app.test_client()
    proposal_id = submit(writer).json["id"]
    set_status(app, proposal_id, "approved")
    code = make_class(app, "5Б", size)
    for nickname in ("fox", "owl"):
        student = app.test_client()
        assert join(student, code, nickname).status_code == 302
        assert vote(student, proposal_id).status_code == 302
    return code, proposal_id


def test_the_teachers_size_is_what_the_code_admits(app):
    moderator = app.test_client()
    login(moderator)
    page = moderator.get("/moderation?lang=en").get_data(as_text=True)
    answer = moderator.post(
        "/moderation/classes?lang=en", data={"csrf_token": csrf_token(page), "name": "6A", "size": "2"}
    )
    code = re.search(r'class="class-code">([A-Z0-9-]+)<', answer.get_data(as_text=True))[1]

    statuses = [join(app.test_client(), code, nickname).status_code for nickname in ("a", "b", "c")]

    assert statuses == [302, 302, 409]


def test_moderation_shows_each_class_with_its_nicknames_and_votes(app):
    _class_with_voters(app)
    moderator = app.test_client()
    login(moderator)

    page = moderator.get("/moderation?lang=en").get_data(as_text=True)

    assert "2 / 2" in page
    assert re.search(r"fox</span> \(1 vote\)", page) and re.search(r"owl</span> \(1 vote\)", page)


def test_a_teacher_removes_a_nickname_with_its_votes_and_the_seat_is_free(app, caplog):
    code, _proposal_id = _class_with_voters(app)
    moderator = app.test_client()
    login(moderator)
    token = csrf_token(moderator.get("/moderation").get_data(as_text=True))
    fox = _participant_id(app, "fox")

    with caplog.at_level(logging.WARNING):
        answer = moderator.post(f"/moderation/participants/{fox}/remove?lang=en", data={"csrf_token": token})
    page = moderator.get("/moderation?lang=en").get_data(as_text=True)

    assert answer.status_code == 302
    assert _votes(app) == 1
    assert "fox is no longer in class 5Б; 1 vote was taken back." in page
    assert "fox</span>" not in page and "1 / 2" in page
    assert "moderator 'teacher' removed participant" in caplog.text and "'fox'" in caplog.text
    assert join(app.test_client(), code, "fox").status_code == 302  # the seat and the nickname are free


def test_removing_needs_a_signed_in_moderator_and_the_csrf_token(app):
    _class_with_voters(app)
    fox = _participant_id(app, "fox")
    anonymous = app.test_client()
    moderator = app.test_client()
    login(moderator)

    anonymous_answer = anonymous.post(f"/moderation/participants/{fox}/remove", data={})
    no_token = moderator.post(f"/moderation/participants/{fox}/remove", data={})
    missing = moderator.post(
        "/moderation/participants/99999/remove",
        data={"csrf_token": csrf_token(moderator.get("/moderation").get_data(as_text=True))},
    )

    assert anonymous_answer.status_code == 401
    assert no_token.status_code == 400
    assert missing.status_code == 404
    assert _votes(app) == 2
