"""One vote per person: votes need a participant who joined a class with a moderator's code.

Fresh browsers (new cookie jars) from one address cannot add votes; a participant's second vote is
a 409 and the count stays; votes sent at once by one participant make one row (the database's
unique constraint), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import func, select

from tests.support.postgres import database_url, postgres_server_url, postgres_url  # noqa: F401 (fixtures)
from tests.support.proposals_support import (
    XSS,
    add_moderator,
    csrf_token,
    dispose,
    feature,
    join,
    login,
    make_app,
    make_class,
    set_status,
    submit,
    vote,
)
from webmap.proposals.db import get_db
from webmap.proposals.models import Participant, Vote

FRESH_BROWSERS = 12
CONCURRENT_VOTES = 8


@pytest.fixture
def app(tmp_path, database_url):  # noqa: F811
    app = make_app(tmp_path, database_url)
    yield app
    dispose(app)


@pytest.fixture
def client(app):
    return app.test_client()


def _approved(app, client) -> int:
    proposal_id = submit(client, feature(title="Planter")).json["id"]
    set_status(app, proposal_id, "approved")
    return proposal_id


def _votes(app, proposal_id: int) -> int:
    with app.app_context(), get_db().read() as session:
        return session.scalar(select(func.count()).select_from(Vote).where(Vote.proposal_id == proposal_id))


def _listed_votes(client) -> int:
    return client.get("/api/proposals").json["features"][0]["properties"]["votes"]


def test_fresh_browsers_from_one_address_cannot_push_a_proposal_past_one_vote(app, client):
    proposal_id = _approved(app, client)
    join(client, make_class(app), "fox")
    assert vote(client, proposal_id).status_code == 302

    answers = [vote(app.test_client(), proposal_id) for _ in range(FRESH_BROWSERS)]

    print(f"\n{FRESH_BROWSERS} fresh browsers: statuses {sorted({a.status_code for a in answers})}")
    assert [answer.status_code for answer in answers] == [403] * FRESH_BROWSERS
    assert all(b"join your class" in answer.data for answer in answers)
    assert _votes(app, proposal_id) == 1
    assert _listed_votes(client) == 1


def test_a_vote_without_a_participant_is_403_in_the_error_shape_for_json_clients(app, client):
    proposal_id = _approved(app, client)

    answer = vote(client, proposal_id, Accept="application/json")

    assert answer.status_code == 403
    assert answer.json["error"]["status"] == 403
    assert "join your class" in answer.json["error"]["message"]
    assert _votes(app, proposal_id) == 0


def test_a_participant_voting_twice_gets_409_and_the_count_stays_one(app, client):
    proposal_id = _approved(app, client)
    join(client, make_class(app), "fox")

    first = vote(client, proposal_id)
    second = vote(client, proposal_id)
    as_json = vote(client, proposal_id, Accept="application/json")

    assert (first.status_code, second.status_code, as_json.status_code) == (302, 409, 409)
    assert "already voted" in second.get_data(as_text=True)
    assert as_json.json["error"]["status"] == 409
    assert _votes(app, proposal_id) == 1


def test_the_participant_cookie_is_what_counts_not_the_session(app, client):
    """Dropping the session (a new CSRF token) keeps the participant; dropping the cookie loses it."""
    proposal_id = _approved(app, client)
    join(client, make_class(app), "fox")
    client.delete_cookie("session")
    assert vote(client, proposal_id).status_code == 302
    assert vote(client, proposal_id).status_code == 409
    client.delete_cookie("ecomap_participant")
    assert vote(client, proposal_id).status_code == 403
    assert _votes(app, proposal_id) == 1


def test_concurrent_double_votes_make_one_row(app, serve, client):
    proposal_id = _approved(app, client)
    join(client, make_class(app), "fox")
    token = csrf_token(client.get("/proposals/join").get_data(as_text=True))
    cookies = "; ".join(
        f"{name}={client.get_cookie(name).value}" for name in ("session", "ecomap_participant")
    )
    server = serve(app)
    start, statuses, lock = threading.Barrier(CONCURRENT_VOTES), [], threading.Lock()

    def press() -> None:
        request = urllib.request.Request(
            f"{server.url}/proposals/{proposal_id}/vote",
            data=urllib.parse.urlencode({"csrf_token": token}).encode(),
            headers={"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"},
        )
        start.wait()
        try:
            with _no_redirects().open(request, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=press) for _ in range(CONCURRENT_VOTES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    print(f"\n{CONCURRENT_VOTES} votes at once by one participant: statuses {sorted(statuses)}")
    assert sorted(statuses) == [302] + [409] * (CONCURRENT_VOTES - 1)
    assert _votes(app, proposal_id) == 1


def test_concurrent_inserts_of_one_vote_end_in_one_row(app, client):
    """Below the view: sessions that each try to add the same vote at once; the constraint decides."""
    from webmap.proposals.store import add_vote

    proposal_id = _approved(app, client)
    join(client, make_class(app), "fox")
    with app.app_context(), get_db().read() as session:
        participant_id = session.scalar(select(Participant.id))
    start, results, lock = threading.Barrier(CONCURRENT_VOTES), [], threading.Lock()

    def insert() -> None:
        with app.app_context():
            start.wait()
            with get_db().write() as session:
                counted = add_vote(session, proposal_id, participant_id)
            with lock:
                results.append(counted)

    threads = [threading.Thread(target=insert) for _ in range(CONCURRENT_VOTES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False] * (CONCURRENT_VOTES - 1) + [True]
    assert _votes(app, proposal_id) == 1


def test_the_database_refuses_a_second_vote_row_itself(app, client):
    from sqlalchemy.exc import IntegrityError

    proposal_id = _approved(app, client)
    join(client, make_class(app), "fox")
    with app.app_context():
        with get_db().read() as session:
            participant_id = session.scalar(select(Participant.id))
        with pytest.raises(IntegrityError), get_db().write() as session:
            session.add_all([Vote(proposal_id=proposal_id, participant_id=participant_id) for _ in range(2)])
    assert _votes(app, proposal_id) == 0


def _no_redirects() -> urllib.request.OpenerDirector:
    class Keep(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return urllib.request.build_opener(Keep)


@pytest.mark.parametrize(
    ("taken", "again"),
    [("fox", "fox"), ("fox", "FOX"), ("fox", "ｆｏｘ"), ("Лиса", " лиса  "), ("fox 23", "fox   23")],
    ids=["same", "case", "full-width", "cyrillic-case-and-spaces", "inner-spaces"],
)
def test_a_nickname_is_unique_in_its_class_but_not_across_classes(app, client, taken, again):
    code, other_code = make_class(app), make_class(app, "6А")
    assert join(client, code, taken).status_code == 302

    refused = join(app.test_client(), code, again)
    elsewhere = join(app.test_client(), other_code, again)

    assert refused.status_code == 409
    assert "This nickname is taken" in refused.get_data(as_text=True)
    assert elsewhere.status_code == 302


@pytest.mark.parametrize(
    ("nickname", "status"),
    [("", 400), ("a" * 41, 400), ("zero\u200bwidth", 400), ("bell\x07", 400), ("   ", 400)],
    ids=["empty", "too-long", "zero-width", "control", "blank"],
)
def test_odd_nicknames_are_refused_with_the_form(app, client, nickname, status):
    answer = join(client, make_class(app), nickname)

    assert answer.status_code == status
    assert 'name="nickname"' in answer.get_data(as_text=True)
    assert "ecomap_participant" not in answer.headers.get("Set-Cookie", "")


def test_a_wrong_code_is_400_and_any_spelling_of_the_right_one_works(app, client):
    code = make_class(app)

    wrong = join(client, "AAAA-AAAA" if code != "AAAA-AAAA" else "BBBB-BBBB", "fox")
    spelled = join(client, f"  {code.lower().replace('-', ' ')} ", "fox")

    assert wrong.status_code == 400
    assert "No class has this code" in wrong.get_data(as_text=True)
    assert spelled.status_code == 302


def test_a_full_class_takes_no_more_participants(app, client):
    code = make_class(app, size=2)
    assert [join(app.test_client(), code, name).status_code for name in ("a", "b")] == [302, 302]

    full = join(client, code, "c")

    assert full.status_code == 409
    assert "This class is full" in full.get_data(as_text=True)


def test_concurrent_joins_do_not_overfill_a_class(app):
    size, tries = 3, 8
    code = make_class(app, size=size)
    start, statuses, lock = threading.Barrier(tries), [], threading.Lock()

    def try_join(number: int) -> None:
        browser = app.test_client()
        token = csrf_token(browser.get("/proposals/join").get_data(as_text=True))
        start.wait()
        answer = browser.post(
            "/proposals/join", data={"code": code, "nickname": f"n{number}", "csrf_token": token}
        )
        with lock:
            statuses.append(answer.status_code)

    threads = [threading.Thread(target=try_join, args=(n,)) for n in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with app.app_context(), get_db().read() as session:
        joined = session.scalar(select(func.count()).select_from(Participant))
    assert sorted(statuses) == [302] * size + [409] * (tries - size)
    assert joined == size


def test_joining_needs_the_csrf_token(app, client):
    code = make_class(app)

    answer = client.post("/proposals/join", data={"code": code, "nickname": "fox"})

    assert answer.status_code == 400
    assert "ecomap_participant" not in answer.headers.get("Set-Cookie", "")


def test_joining_is_rate_limited(tmp_path):
    app = make_app(tmp_path, RATE_LIMIT="2/minute")
    client = app.test_client()
    try:
        statuses = [join(client, "WRONG-CODE", "fox").status_code for _ in range(3)]
    finally:
        dispose(app)
    assert statuses == [400, 400, 429]


def test_a_nickname_is_text_wherever_it_is_shown(app, client):
    join(client, make_class(app, name=XSS), XSS[:40])

    pages = [client.get(path).get_data(as_text=True) for path in ("/proposals?lang=en", "/proposals/join")]

    for page in pages:
        assert "<img src=x" not in page and "&lt;img src=x" in page


def test_moderators_create_class_codes_on_the_moderation_page(app, client):
    add_moderator(app)
    login(client)
    token = csrf_token(client.get("/moderation?lang=en").get_data(as_text=True))

    created = client.post(
        "/moderation/classes?lang=en", data={"name": "5Б", "size": "25", "csrf_token": token}
    )
    page = created.get_data(as_text=True)
    code = page.split('class="class-code">')[1].split("<")[0]
    again = client.get("/moderation?lang=en").get_data(as_text=True)
    student = app.test_client()

    assert created.status_code == 201
    assert "shown only once" in page and code not in again
    assert "0 / 25" in again
    assert join(student, code, "fox").status_code == 302
    assert "1 / 25" in client.get("/moderation?lang=en").get_data(as_text=True)


def test_class_codes_need_a_moderator(app, client):
    token = csrf_token(client.get("/proposals/join").get_data(as_text=True))

    answer = client.post("/moderation/classes", data={"name": "5Б", "size": "25", "csrf_token": token})

    assert answer.status_code in (302, 401, 403)
    with app.app_context(), get_db().read() as session:
        from webmap.proposals.models import ClassCode

        assert session.scalar(select(func.count()).select_from(ClassCode)) == 0


def test_the_cli_creates_a_code_that_students_join_with(app, client):
    from webmap.cli import cli

    runner = app.test_cli_runner()
    created = runner.invoke(cli, ["proposals", "class-code", "create", "--name", "5Б", "--size", "30"])
    listed = runner.invoke(cli, ["proposals", "class-code", "list"])
    bad = runner.invoke(cli, ["proposals", "class-code", "create", "--name", "5Б", "--size", "0"])

    assert created.exit_code == 0, created.output
    code = created.stdout.strip().splitlines()[-1]
    assert join(client, code, "fox").status_code == 302
    assert "\t5Б\t0/30\tcli" in listed.stdout
    assert bad.exit_code != 0 and "--size" in bad.output
