"""Moderation: sign-in, CSRF on every form, the queue, approve and reject, who may do what, and the CLI."""

from __future__ import annotations

import pytest

from tests.support.proposals_support import (
    RINK,
    RINK_POINT,
    SCHOOL,
    XSS,
    add_moderator,
    csrf_token,
    feature,
    login,
    make_app,
    moderated_app,
    submit,
)
from webmap.proposals.cli import create_moderator_command, proposals_group
from webmap.proposals.db import get_db
from webmap.proposals.models import Moderator
from webmap.proposals.store import get_proposal


@pytest.fixture
def app(tmp_path):
    return moderated_app(tmp_path)


def _status(app, proposal_id: int) -> tuple[str, str | None]:
    with app.app_context(), get_db().read() as session:
        proposal = get_proposal(session, proposal_id)
        return proposal.status, proposal.reason


def _queue_token(client) -> str:
    return csrf_token(client.get("/moderation").get_data(as_text=True))


def test_anonymous_queue_redirects_to_login(client):
    response = client.get("/moderation?site=school-yard-23")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/moderation?site%3Dschool-yard-23"


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_anonymous_decisions_are_401_and_change_nothing(app, client, action):
    proposal_id = submit(client).json["id"]

    response = client.post(f"/moderation/{proposal_id}/{action}", data={"reason": "x"})

    assert response.status_code == 401
    assert _status(app, proposal_id) == ("pending", None)


def test_wrong_password_is_401_and_signs_nobody_in(client):
    response = login(client, password="wrong password")

    assert response.status_code == 401
    assert client.get("/moderation").status_code == 302


def test_unknown_user_is_401(client):
    assert login(client, username="nobody").status_code == 401


def test_login_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"username": "teacher", "password": "correct horse"})

    assert response.status_code == 400
    assert client.get("/moderation").status_code == 302


def test_login_goes_to_next_but_never_off_site(client):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    data = {"username": "teacher", "password": "correct horse", "csrf_token": token}

    response = client.post("/login?next=//evil.example/steal", data=data)

    assert response.headers["Location"] == "/moderation"


def test_session_cookie_is_httponly_and_samesite_lax(client):
    response = login(client)

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookies_setting_marks_the_cookie_secure(tmp_path):
    app = moderated_app(tmp_path, SECURE_COOKIES="1")

    cookie = login(app.test_client()).headers["Set-Cookie"]

    assert "Secure" in cookie


def test_passwords_are_stored_hashed(app):
    with app.app_context(), get_db().read() as session:
        stored = session.query(Moderator).one().password_hash

    assert "correct horse" not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))


def test_queue_lists_pending_proposals_escaped(client):
    submit(client, feature(title=XSS))
    login(client)

    page = client.get("/moderation").get_data(as_text=True)

    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert XSS not in page.split("<script>")[0]


def test_approve_publishes_the_proposal(app, client):
    proposal_id = submit(client).json["id"]
    login(client)

    response = client.post(f"/moderation/{proposal_id}/approve", data={"csrf_token": _queue_token(client)})

    assert response.status_code == 302
    assert _status(app, proposal_id) == ("approved", None)
    assert [item["id"] for item in client.get("/api/proposals").json["features"]] == [proposal_id]


def test_reject_keeps_the_reason(app, client):
    proposal_id = submit(client).json["id"]
    login(client)

    response = client.post(
        f"/moderation/{proposal_id}/reject",
        data={"csrf_token": _queue_token(client), "reason": "  Blocks the exit  "},
    )

    assert response.status_code == 302
    assert _status(app, proposal_id) == ("rejected", "Blocks the exit")
    assert client.get("/api/proposals").json["features"] == []


def test_reject_without_a_reason_is_400(app, client):
    proposal_id = submit(client).json["id"]
    login(client)

    response = client.post(f"/moderation/{proposal_id}/reject", data={"csrf_token": _queue_token(client)})

    assert response.status_code == 400
    assert _status(app, proposal_id) == ("pending", None)


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_decisions_without_csrf_token_are_400(app, client, action):
    proposal_id = submit(client).json["id"]
    login(client)

    response = client.post(f"/moderation/{proposal_id}/{action}", data={"reason": "x"})

    assert response.status_code == 400
    assert _status(app, proposal_id) == ("pending", None)


def test_unknown_proposal_is_404(client):
    login(client)

    assert (
        client.post("/moderation/999/approve", data={"csrf_token": _queue_token(client)}).status_code == 404
    )


def test_moderator_of_another_site_gets_403_and_not_the_data(app, client):
    school_id = submit(client, feature(title="School secret idea")).json["id"]
    submit(client, feature(RINK_POINT, site=RINK, title="Rink idea"))
    add_moderator(app, "rink-keeper", "long enough", sites=[RINK])
    login(client, "rink-keeper", "long enough")
    token = _queue_token(client)

    queue = client.get("/moderation").get_data(as_text=True)
    other_queue = client.get(f"/moderation?site={SCHOOL}")
    decision = client.post(f"/moderation/{school_id}/approve", data={"csrf_token": token})

    assert "Rink idea" in queue and "School secret idea" not in queue
    assert other_queue.status_code == 403
    assert "School secret idea" not in other_queue.get_data(as_text=True)
    assert decision.status_code == 403
    assert _status(app, school_id) == ("pending", None)


def test_logout_needs_the_csrf_token_and_ends_the_session(client):
    login(client)
    refused = client.post("/logout")
    still_in = client.get("/moderation").status_code

    response = client.post("/logout", data={"csrf_token": _queue_token(client)})

    assert refused.status_code == 400 and still_in == 200
    assert response.status_code == 302
    assert client.get("/moderation").status_code == 302


def test_logout_by_get_is_not_allowed(client):
    login(client)

    assert client.get("/logout").status_code == 405
    assert client.get("/moderation").status_code == 200


def test_cli_creates_a_moderator_from_stdin(tmp_path):
    app = make_app(tmp_path)
    runner = app.test_cli_runner()

    created = runner.invoke(create_moderator_command, ["official", "--site", RINK], input="s3cret-pass\n")
    again = runner.invoke(create_moderator_command, ["official"], input="s3cret-pass\n")
    short = runner.invoke(create_moderator_command, ["kid"], input="short\n")
    bad_site = runner.invoke(create_moderator_command, ["x", "--site", "moon"], input="s3cret-pass\n")

    assert created.exit_code == 0, created.output
    assert "created moderator 'official' for rink-cinema-plot" in created.output
    assert again.exit_code == 1 and "already exists" in again.output
    assert short.exit_code == 1 and "at least 8 characters" in short.output
    assert bad_site.exit_code == 2 and "unknown site 'moon'" in bad_site.output
    assert login(app.test_client(), "official", "s3cret-pass").status_code == 302


def test_cli_lists_approves_and_rejects(app, client):
    first, second = (submit(client, feature(title=title)).json["id"] for title in ("One", "Two"))
    runner = app.test_cli_runner()

    listed = runner.invoke(proposals_group, ["list"])
    approved = runner.invoke(proposals_group, ["approve", str(first)])
    rejected = runner.invoke(proposals_group, ["reject", str(second), "--reason", "Duplicate"])
    no_reason = runner.invoke(proposals_group, ["reject", str(second)])
    missing = runner.invoke(proposals_group, ["approve", "999"])
    approved_list = runner.invoke(proposals_group, ["list", "--status", "approved"])

    assert listed.exit_code == 0
    assert [line.split("\t")[:2] for line in listed.stdout.splitlines()] == [
        [str(first), "pending"],
        [str(second), "pending"],
    ]
    assert approved.exit_code == 0 and f"proposal {first} approved" in approved.output
    assert rejected.exit_code == 0
    assert _status(app, first) == ("approved", None)
    assert _status(app, second) == ("rejected", "Duplicate")
    assert no_reason.exit_code == 2 and "--reason" in no_reason.output
    assert missing.exit_code == 1 and "no proposal 999" in missing.output
    assert approved_list.stdout.splitlines()[0].startswith(f"{first}\tapproved\t{SCHOOL}\tbench\tOne")


ACTION = {"approved": "approve", "rejected": "reject"}


def _decision(client, proposal_id: int, action: str, json: bool = False):
    headers = {"Accept": "application/json"} if json else {}
    data = {"csrf_token": _queue_token(client), "reason": "Second thoughts"}
    return client.post(f"/moderation/{proposal_id}/{action}?lang=en", data=data, headers=headers)


@pytest.mark.parametrize("first", ["approved", "rejected"])
@pytest.mark.parametrize("action", ["approve", "reject"])
def test_a_decided_proposal_cannot_be_decided_again_from_the_form(app, client, first, action):
    proposal_id = submit(client).json["id"]
    login(client)
    assert _decision(client, proposal_id, ACTION[first]).status_code == 302
    before = _status(app, proposal_id)

    response = _decision(client, proposal_id, action)

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert (
        f'<p class="moderation-flash" role="status">Proposal {proposal_id} was already {first} by teacher; '
        "only pending proposals can be decided.</p>" in page
    )
    assert _status(app, proposal_id) == before


@pytest.mark.parametrize("first", ["approved", "rejected"])
@pytest.mark.parametrize("action", ["approve", "reject"])
def test_a_decided_proposal_cannot_be_decided_again_json(app, client, first, action):
    proposal_id = submit(client).json["id"]
    login(client)
    _decision(client, proposal_id, ACTION[first])
    before = _status(app, proposal_id)

    response = _decision(client, proposal_id, action, json=True)

    assert response.status_code == 409
    assert set(response.json["error"]) == {"status", "message", "field"}
    assert response.json["error"]["status"] == 409
    assert response.json["error"]["field"] == "status"
    assert response.json["error"]["message"].startswith(
        f"proposal {proposal_id} is already {first} (by teacher, "
    )
    assert response.json["error"]["message"].endswith("only pending proposals can be approved or rejected")
    assert _status(app, proposal_id) == before


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (["approve"], ["reject", "--reason", "Changed my mind"]),
        (["reject", "--reason", "No"], ["approve"]),
        (["approve"], ["approve"]),
        (["reject", "--reason", "No"], ["reject", "--reason", "Still no"]),
    ],
    ids=["approved-then-rejected", "rejected-then-approved", "approved-twice", "rejected-twice"],
)
def test_cli_refuses_to_decide_a_decided_proposal(app, client, first, then):
    proposal_id = submit(client).json["id"]
    runner = app.test_cli_runner()
    assert runner.invoke(proposals_group, [first[0], str(proposal_id), *first[1:]]).exit_code == 0
    before = _status(app, proposal_id)

    again = runner.invoke(proposals_group, [then[0], str(proposal_id), *then[1:]])

    assert again.exit_code == 1
    assert f"proposal {proposal_id} is already {before[0]} (by cli, " in again.output
    assert "only pending proposals can be approved or rejected" in again.output
    assert _status(app, proposal_id) == before


def test_decide_refuses_a_proposal_decided_by_someone_else_meanwhile(app, client):
    from webmap.proposals.errors import AlreadyDecided
    from webmap.proposals.store import decide

    proposal_id = submit(client).json["id"]
    with app.app_context():
        with get_db().read() as session:
            stale = get_proposal(session, proposal_id)  # still pending in this copy
        with get_db().write() as session:
            decide(session, get_proposal(session, proposal_id), "approved", "first")
        with (
            get_db().write() as session,
            pytest.raises(AlreadyDecided, match="already approved \\(by first, "),
        ):
            stale = session.merge(stale, load=False)
            decide(session, stale, "rejected", "second", "late")

    assert _status(app, proposal_id) == ("approved", None)


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


@pytest.mark.parametrize("copied", ["before-logout", "other-browser"])
def test_logout_ends_the_session_even_for_a_copied_cookie(app, client, copied):
    login(client)
    other = app.test_client()
    if copied == "before-logout":
        other.set_cookie("session", _session_cookie(client))
    else:
        login(other)
    assert other.get("/moderation").status_code == 200

    client.post("/logout", data={"csrf_token": _queue_token(client)})

    assert other.get("/moderation").status_code == 302
    assert other.get("/api/proposals?status=pending").status_code == 401
    assert other.post("/moderation/1/approve", data={}).status_code == 401


def test_signing_in_again_after_logout_works(app, client):
    login(client)
    client.post("/logout", data={"csrf_token": _queue_token(client)})

    assert login(client).status_code == 302
    assert client.get("/moderation").status_code == 200


def test_a_session_from_before_session_generations_is_signed_out(app, client):
    login(client)
    with client.session_transaction() as session:
        del session["moderator_generation"]

    assert client.get("/moderation").status_code == 302


def test_session_lasts_eight_hours_and_the_cookie_says_so(app, client):
    import datetime as dt
    from email.utils import parsedate_to_datetime

    cookie = login(client).headers["Set-Cookie"]

    assert app.permanent_session_lifetime == dt.timedelta(hours=8)
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    left = expires - dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=7, minutes=59) < left <= dt.timedelta(hours=8)


def test_a_session_cookie_older_than_eight_hours_is_refused(app, client, monkeypatch):
    import time

    login(client)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 8 * 3600 + 60)

    assert client.get("/moderation").status_code == 302
