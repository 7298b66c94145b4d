"""Undoing a moderation decision, the recent decisions, the log of who did what, and dates in the queue."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import update

from tests.support.proposals_support import (
    RINK,
    RINK_POINT,
    XSS,
    add_moderator,
    csrf_token,
    feature,
    login,
    make_app,
    moderated_app,
    set_status,
    submit,
)
from webmap.proposals.cli import proposals_group
from webmap.proposals.db import get_db
from webmap.proposals.errors import NotDecided
from webmap.proposals.models import Proposal
from webmap.proposals.moderation_store import history, reopen
from webmap.proposals.store import get_proposal

JSON = {"Accept": "application/json"}
MOMENT = dt.datetime(2026, 3, 5, 9, 7, tzinfo=dt.UTC)


@pytest.fixture
def app(tmp_path):
    return moderated_app(tmp_path)


def _state(app, proposal_id: int) -> tuple[str, str | None, str | None, bool]:
    with app.app_context(), get_db().read() as session:
        proposal = get_proposal(session, proposal_id)
        return proposal.status, proposal.reason, proposal.moderated_by, proposal.moderated_at is not None


def _events(app, proposal_id: int) -> list[tuple[str, str, str | None]]:
    with app.app_context(), get_db().read() as session:
        return [(event.action, event.moderator, event.reason) for event in history(session, proposal_id)]


def _token(client) -> str:
    return csrf_token(client.get("/moderation?lang=en").get_data(as_text=True))


def _post(client, proposal_id: int, action: str, headers=None, **data):
    data.setdefault("csrf_token", _token(client))
    return client.post(f"/moderation/{proposal_id}/{action}?lang=en", data=data, headers=headers or {})


def _set_times(app, proposal_id: int, **moments: dt.datetime) -> None:
    with app.app_context(), get_db().write() as session:
        session.execute(update(Proposal).where(Proposal.id == proposal_id).values(**moments))


def test_an_anonymous_undo_is_401_and_changes_nothing(app, client):
    proposal_id = submit(client).json["id"]
    set_status(app, proposal_id, "approved")

    response = client.post(f"/moderation/{proposal_id}/reopen", data={"csrf_token": "x"})

    assert response.status_code == 401
    assert _state(app, proposal_id)[0] == "approved"


def test_an_undo_without_the_csrf_token_is_400_and_changes_nothing(app, client):
    proposal_id = submit(client).json["id"]
    set_status(app, proposal_id, "approved")
    login(client)

    missing = client.post(f"/moderation/{proposal_id}/reopen")
    wrong = client.post(f"/moderation/{proposal_id}/reopen", data={"csrf_token": "forged"})

    assert (missing.status_code, wrong.status_code) == (400, 400)
    assert _state(app, proposal_id)[0] == "approved"
    assert [action for action, _, _ in _events(app, proposal_id)] == ["approved"]


def test_an_undo_on_another_moderators_site_is_403(app, client):
    add_moderator(app, "rink-keeper", "correct horse", sites=[RINK])
    proposal_id = submit(client).json["id"]  # on the school yard
    set_status(app, proposal_id, "rejected", "No")
    login(client, "rink-keeper")

    response = _post(client, proposal_id, "reopen")

    assert response.status_code == 403
    assert _state(app, proposal_id)[0] == "rejected"


def test_an_undo_of_a_missing_proposal_is_404(app, client):
    login(client)

    assert _post(client, 999, "reopen").status_code == 404


def test_approve_then_undo_puts_the_proposal_back_in_the_queue_and_logs_both(app, client):
    proposal_id = submit(client, feature(title="Planter")).json["id"]
    login(client)

    approved = _post(client, proposal_id, "approve")
    queue = client.get(approved.headers["Location"]).get_data(as_text=True)
    undo = re.search(
        rf'<form method="post" action="/moderation/{proposal_id}/reopen\?lang=en">\s*'
        r'<input id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)">\s*'
        r'<button type="submit" class="moderation-undo">Undo</button>',
        queue,
    )
    assert f"Proposal {proposal_id} approved." in queue and undo, "no Undo button in the flash message"
    assert [f["id"] for f in client.get("/api/proposals").json["features"]] == [proposal_id]

    undone = client.post(f"/moderation/{proposal_id}/reopen?lang=en", data={"csrf_token": undo.group(1)})

    assert undone.status_code == 302
    assert undone.headers["Location"].endswith(f"/moderation?lang=en#proposal-{proposal_id}")
    assert _state(app, proposal_id) == ("pending", None, None, False)
    assert client.get("/api/proposals").json["features"] == []
    assert [(action, who) for action, who, _ in _events(app, proposal_id)] == [
        ("approved", "teacher"),
        ("reopened", "teacher"),
    ]
    page = client.get("/moderation?lang=en").get_data(as_text=True)
    assert f"Proposal {proposal_id} is back in the queue." in page
    card = page.split(f'id="proposal-{proposal_id}"')[1].split("</li>")[0]
    assert "Returned to the queue by teacher" in card and "moderation-approve" in card


def test_reject_then_undo_clears_the_reason_and_the_log_keeps_it(app, client):
    proposal_id = submit(client).json["id"]
    login(client)

    _post(client, proposal_id, "reject", reason="Blocks the fire exit")
    undone = _post(client, proposal_id, "reopen")

    assert undone.status_code == 302
    assert _state(app, proposal_id) == ("pending", None, None, False)
    assert _events(app, proposal_id) == [
        ("rejected", "teacher", "Blocks the fire exit"),
        ("reopened", "teacher", None),
    ]


def test_an_undone_proposal_can_be_decided_again(app, client):
    proposal_id = submit(client).json["id"]
    login(client)

    _post(client, proposal_id, "approve")
    _post(client, proposal_id, "reopen")
    again = _post(client, proposal_id, "reject", reason="Second thoughts")

    assert again.status_code == 302
    assert _state(app, proposal_id) == ("rejected", "Second thoughts", "teacher", True)
    assert [action for action, _, _ in _events(app, proposal_id)] == ["approved", "reopened", "rejected"]


def test_undoing_a_pending_proposal_is_409_on_the_page(app, client):
    proposal_id = submit(client).json["id"]
    login(client)

    response = _post(client, proposal_id, "reopen")

    assert response.status_code == 409
    assert (
        f'<p class="moderation-flash" role="status">Proposal {proposal_id} is already waiting for review: '
        "there is no decision to undo.</p>" in response.get_data(as_text=True)
    )
    assert _events(app, proposal_id) == []


def test_undoing_a_pending_proposal_is_409_in_the_error_shape_for_json_clients(app, client):
    proposal_id = submit(client).json["id"]
    login(client)

    response = _post(client, proposal_id, "reopen", headers=JSON)

    assert response.status_code == 409
    assert response.json == {
        "error": {
            "status": 409,
            "message": f"proposal {proposal_id} is pending: there is no decision to undo; "
            "only approved or rejected proposals can go back to the queue",
            "field": "status",
        }
    }


def test_a_second_undo_with_a_stale_copy_is_refused(app, client):
    proposal_id = submit(client).json["id"]
    set_status(app, proposal_id, "approved")
    with app.app_context(), get_db().write() as session:
        stale = get_proposal(session, proposal_id)
        session.expunge(stale)  # what a second moderator read before the first one's undo

    with app.app_context(), get_db().write() as session:
        reopen(session, get_proposal(session, proposal_id), "first")
    with app.app_context(), get_db().write() as session, pytest.raises(NotDecided, match="is pending"):
        reopen(session, stale, "second")

    assert [(action, who) for action, who, _ in _events(app, proposal_id)] == [
        ("approved", "test"),
        ("reopened", "first"),
    ]


def test_recent_decisions_list_the_moderators_sites_only_escaped_with_a_return_button(app, client):
    add_moderator(app, "rink-keeper", "correct horse", sites=[RINK])
    school = submit(client, feature(title=XSS)).json["id"]
    rink = submit(client, feature(RINK_POINT, site=RINK, title="Rink lamp")).json["id"]
    set_status(app, school, "rejected", "<b>no</b>")
    set_status(app, rink, "approved")

    login(client)
    everything = client.get("/moderation?lang=en").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(everything)})
    login(client, "rink-keeper")
    rink_only = client.get("/moderation?lang=en").get_data(as_text=True)

    decided = everything.split('id="decided"')[1].split('id="classes"')[0]
    assert [int(i) for i in re.findall(r'id="decided-(\d+)"', decided)] == [rink, school]  # newest first
    assert "&lt;img src=x onerror=alert(1)&gt;" in decided and XSS not in decided
    assert "Reason: &lt;b&gt;no&lt;/b&gt;" in decided
    assert decided.count('class="moderation-reopen"') == 2
    assert re.findall(r'id="decided-(\d+)"', rink_only) == [str(rink)]


@pytest.mark.parametrize(
    ("lang", "zone", "submitted", "decided"),
    [
        ("ru", "Asia/Yekaterinburg", "5 мар. 2026\u202fг., 14:07 +0500", "6 мар. 2026\u202fг., 19:30 +0500"),
        ("en", "Asia/Yekaterinburg", "Mar 5, 2026, 2:07\u202fPM +0500", "Mar 6, 2026, 7:30\u202fPM +0500"),
        ("ru", "UTC", "5 мар. 2026\u202fг., 09:07 UTC", "6 мар. 2026\u202fг., 14:30 UTC"),
        ("en", "Europe/Vaduz", "Mar 5, 2026, 10:07\u202fAM +0100", "Mar 6, 2026, 3:30\u202fPM +0100"),
    ],
)
def test_the_queue_shows_dates_in_the_pages_language_and_the_towns_time_zone(
    tmp_path, lang, zone, submitted, decided
):
    app = moderated_app(tmp_path, TIMEZONE=zone)
    client = app.test_client()
    pending = submit(client).json["id"]
    done = submit(client).json["id"]
    set_status(app, done, "approved")
    _set_times(app, pending, created_at=MOMENT)
    _set_times(app, done, created_at=MOMENT, moderated_at=dt.datetime(2026, 3, 6, 14, 30, tzinfo=dt.UTC))
    login(client)

    page = client.get(f"/moderation?lang={lang}").get_data(as_text=True)

    card = page.split(f'id="proposal-{pending}"')[1].split("</li>")[0]
    assert f'<time datetime="2026-03-05T09:07:00+00:00">{submitted}</time>' in card
    decision = page.split(f'id="decided-{done}"')[1].split("</li>")[0]
    assert f'<time datetime="2026-03-06T14:30:00+00:00">{decided}</time>' in decision


def test_a_time_zone_that_does_not_exist_stops_the_app_with_its_name(tmp_path):
    with pytest.raises(ValueError, match="ECOMAP_TIMEZONE: 'Asia/Sysert' is not a time zone"):
        make_app(tmp_path, TIMEZONE="Asia/Sysert")


def test_the_queue_map_opens_on_the_pending_shapes_not_on_every_site(app, client):
    submit(client)  # the school yard polygon, some 25 m across
    login(client)

    page = client.get("/moderation?lang=en").get_data(as_text=True)

    fitted = re.search(r"\.fitBounds\(\s*\[\[([\d.]+), ([\d.]+)\], \[([\d.]+), ([\d.]+)\]\]", page)
    south, west, north, east = map(float, fitted.groups())
    assert (west, south, east, north) == (60.835, 56.4967, 60.8354, 56.4969)  # SCHOOL_POLYGON's box
    assert 'data-proposals-layer="geo_json_' in page
    assert page.count('class="proposal-focus"') == 1


def test_decisions_from_the_command_line_are_logged_too(app, client):
    first, second = submit(client).json["id"], submit(client).json["id"]
    runner = app.test_cli_runner()

    approved = runner.invoke(proposals_group, ["approve", str(first)])
    rejected = runner.invoke(proposals_group, ["reject", str(second), "--reason", "Duplicate"])

    assert (approved.exit_code, rejected.exit_code) == (0, 0), approved.output + rejected.output
    assert [action for action, _, _ in _events(app, first)] == ["approved"]
    assert [(action, reason) for action, _, reason in _events(app, second)] == [("rejected", "Duplicate")]


def test_the_command_line_undoes_a_decision_and_refuses_a_pending_one(app, client):
    proposal_id = submit(client).json["id"]
    runner = app.test_cli_runner()
    runner.invoke(proposals_group, ["reject", str(proposal_id), "--reason", "Duplicate"])

    undone = runner.invoke(proposals_group, ["reopen", str(proposal_id)])
    again = runner.invoke(proposals_group, ["reopen", str(proposal_id)])
    missing = runner.invoke(proposals_group, ["reopen", "999"])

    assert undone.exit_code == 0 and f"proposal {proposal_id} is pending again" in undone.output
    assert again.exit_code == 1 and "there is no decision to undo" in again.output
    assert missing.exit_code == 1 and "no proposal 999" in missing.output
    assert _state(app, proposal_id) == ("pending", None, None, False)
    assert [action for action, _, _ in _events(app, proposal_id)] == ["rejected", "reopened"]
