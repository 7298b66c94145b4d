"""Feedback and revisions: moderators' comments, the author's new versions kept whole, what changed."""

from __future__ import annotations

import pytest

from tests.support.proposals_support import (
    KIT_DRAFT,
    SCHOOL,
    add_moderator,
    csrf_token,
    kit_feature,
    login,
    make_app,
    set_status,
    submit,
)
from webmap.proposals.revisions import changes, check_comment


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    add_moderator(app, "architect", "correct horse", sites=(SCHOOL,))
    return app


def _token(created: dict) -> str:
    return created["url"].rsplit("/", 1)[1]


def _revised_draft():
    """The sensible draft with the book exchange moved 3 m east and one raised bed removed."""
    draft = [list(item) for item in KIT_DRAFT]
    draft[6][1] += 3
    del draft[3]
    return [tuple(item) for item in draft]


def test_changes_match_parts_kind_by_kind_nearest_first():
    bench = {"part": "bench", "lon": 60.0, "lat": 56.0, "rotation_deg": 0}
    old = {"parts": [bench, {**bench, "lon": 60.001}], "bill": {"total_rub": 100}}
    new = {"parts": [{**bench, "lon": 60.001}, {**bench, "part": "tree"}], "bill": {"total_rub": 80}}

    found = changes(old, new)

    assert found.added == ("tree",) and found.removed == ("bench",) and found.moved == ()
    assert (found.cost_before_rub, found.cost_after_rub) == (100, 80)


def test_a_turn_in_place_is_a_move_of_no_distance():
    bench = {"part": "bench", "lon": 60.0, "lat": 56.0, "rotation_deg": 350}
    (moved,) = changes({"parts": [bench]}, {"parts": [{**bench, "rotation_deg": 20}]}).moved

    assert moved.distance_m == 0 and moved.turned_deg == 30


def test_a_comment_needs_text_and_both_coordinates():
    with pytest.raises(ValueError, match="'text' must not be empty"):
        check_comment("  ", None, None, None)
    with pytest.raises(ValueError, match="'lat' must be a number"):
        check_comment("here", 60.8, None, None)


def test_the_architect_comments_and_the_author_revises(app, client):
    created = submit(client, kit_feature(app)).json
    token = _token(created)
    login(client, "architect")

    pinned = client.post(
        f"/api/proposals/{created['id']}/comments",
        json={"text": "Move the book exchange to the shade", "lon": 60.8352, "lat": 56.4968},
    )
    general = client.post(f"/api/proposals/{created['id']}/comments", json={"text": "Too many beds"})
    author = app.test_client()
    revision = author.post(
        f"/api/proposals/by-token/{token}/versions?lang=en", json=kit_feature(app, _revised_draft())
    )
    history = author.get(f"/api/proposals/by-token/{token}?lang=en").json

    assert pinned.status_code == 201 and pinned.json["point"]["coordinates"] == [60.8352, 56.4968]
    assert general.status_code == 201 and general.json["point"] is None
    assert revision.status_code == 201 and revision.json["version"] == 2
    changed = revision.json["changes"]
    assert changed["removed"] == ["raised-bed"] and changed["added"] == []
    assert [item["part"] for item in changed["moved"]] == ["book-exchange"]
    assert changed["moved"][0]["distance_m"] == pytest.approx(3, abs=0.05)
    assert changed["cost_after_rub"] < changed["cost_before_rub"]
    assert changed["moved_texts"] == ["Book-exchange shelf: moved 3\xa0m"]
    assert [item["number"] for item in history["versions"]] == [1, 2]
    assert len(history["versions"][0]["parts"]) == 8 and len(history["versions"][1]["parts"]) == 7
    assert len(history["proposal"]["properties"]["parts"]) == 7
    assert [item["text"] for item in history["comments"]] == [
        "Move the book exchange to the shade",
        "Too many beds",
    ]


def test_the_private_page_shows_the_comments_and_moderation_what_changed(app, client):
    created = submit(client, kit_feature(app)).json
    token = _token(created)
    login(client, "architect")
    client.post(
        f"/api/proposals/{created['id']}/comments",
        json={"text": "Pinned <b>here</b>", "lon": 60.8352, "lat": 56.4968},
    )
    app.test_client().post(
        f"/api/proposals/by-token/{token}/versions", json=kit_feature(app, _revised_draft())
    )

    private = app.test_client().get(f"/proposals/p/{token}?lang=en").get_data(as_text=True)
    queue = client.get("/moderation?lang=en").get_data(as_text=True)

    assert "Pinned &lt;b&gt;here&lt;/b&gt;" in private and "Feedback" in private
    assert "proposal-plan-svg" in private and "Note A on the map" in private
    assert "Version 2" in private and "Removed: Raised bed" in private
    assert "Version 2" in queue and "Removed" in queue and "Moved" in queue and "moved 3\xa0m" in queue


def test_the_moderation_form_pins_a_comment(app, client):
    created = submit(client, kit_feature(app)).json
    login(client, "architect")
    page = client.get("/moderation?lang=en").get_data(as_text=True)

    answer = client.post(
        f"/moderation/{created['id']}/comments?lang=en",
        data={"csrf_token": csrf_token(page), "text": "A note", "lon": "60.8352", "lat": "56.4968"},
    )
    again = client.get("/moderation?lang=en").get_data(as_text=True)

    assert answer.status_code == 302
    assert "A note" in again


def test_every_version_is_kept_and_an_approved_proposal_takes_no_revision(app, client):
    created = submit(client, kit_feature(app)).json
    token = _token(created)
    for title in ("Second", "Third"):
        assert (
            client.post(
                f"/api/proposals/by-token/{token}/versions", json=kit_feature(app, title=title)
            ).status_code
            == 201
        )
    set_status(app, created["id"], "approved")

    refused = client.post(f"/api/proposals/by-token/{token}/versions", json=kit_feature(app, title="Fourth"))
    history = client.get(f"/api/proposals/by-token/{token}").json

    assert refused.status_code == 409 and refused.json["error"]["field"] == "status"
    assert [item["title"] for item in history["versions"]] == ["Bench from pallets", "Second", "Third"]
    assert history["proposal"]["properties"]["title"] == "Third"


def test_refusals_name_the_culprit_and_store_nothing(app, client):
    created = submit(client, kit_feature(app)).json
    token = _token(created)
    other_site = kit_feature(app, site="rink-cinema-plot")
    anonymous = app.test_client()

    moved_site = client.post(f"/api/proposals/by-token/{token}/versions?lang=ru", json=other_site)
    unknown = client.post("/api/proposals/by-token/nope/versions", json=kit_feature(app))
    not_signed_in = anonymous.post(f"/api/proposals/{created['id']}/comments", json={"text": "x"})
    login(client, "architect")
    outside = client.post(
        f"/api/proposals/{created['id']}/comments?lang=ru", json={"text": "x", "lon": 60.0, "lat": 56.0}
    )
    history = client.get(f"/api/proposals/{created['id']}/versions").json

    assert moved_site.status_code == 422 and moved_site.json["error"]["field"] == "properties.site"
    assert (
        "участке" in moved_site.json["error"]["problems"][0]["message"]
        or moved_site.json["error"]["problems"]
    )
    assert unknown.status_code == 404 and unknown.json["error"]["field"] == "token"
    assert not_signed_in.status_code == 401
    assert outside.status_code == 422 and outside.json["error"]["field"] == "lon"
    assert outside.json["error"]["problems"][0]["message"] == "Закрепите заметку внутри участка."
    assert len(history["versions"]) == 1 and history["comments"] == []


def test_another_sites_moderator_may_not_comment(app, client):
    created = submit(client, kit_feature(app)).json
    add_moderator(app, "rink-keeper", "correct horse", sites=("rink-cinema-plot",))
    login(client, "rink-keeper")

    answer = client.post(f"/api/proposals/{created['id']}/comments", json={"text": "mine"})

    assert answer.status_code == 403 and answer.json["error"]["field"] == "site"
