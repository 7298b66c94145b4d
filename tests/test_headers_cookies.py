"""Issue #20 (3): anonymous pages set no cookie until a session is needed; HSTS behind HTTPS; links
that leave the site are on ECOMAP_PUBLIC_URL whatever the Host header, or the answer varies by Host."""

from __future__ import annotations

import re

import pytest

from tests.support.proposals_support import SCHOOL, join, make_app, make_class, set_status, submit

ANONYMOUS_PAGES = [
    "/",
    "/tracks",
    "/tracks/walk-10000-steps",
    "/loops",
    "/proposals",
    f"/proposals/new?site={SCHOOL}",
    f"/proposals/ballot/{SCHOOL}",
    "/api/proposals",
    "/healthz",
]
GPX = "/tracks/walk-10000-steps.gpx"
LOOP_GPX = "/api/loops.gpx?start=56.4948,60.8112&steps=6000"  # from the embankment by the dam


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_anonymous_pages_set_no_cookie(app, path):
    client = app.test_client()
    proposal_id = submit(client).json["id"]
    set_status(app, proposal_id, "approved")

    response = client.get(path)

    assert response.status_code == 200
    assert response.headers.getlist("Set-Cookie") == []


def test_a_participant_still_gets_the_vote_form_and_votes(app):
    client = app.test_client()
    proposal_id = submit(client).json["id"]
    set_status(app, proposal_id, "approved")
    assert join(client, make_class(app), "fox").status_code == 302

    page = client.get("/proposals?lang=en").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)

    assert token is not None
    answer = client.post(f"/proposals/{proposal_id}/vote?lang=en", data={"csrf_token": token.group(1)})
    assert answer.status_code == 302


@pytest.mark.parametrize(("setting", "hsts"), [("1", True), ("0", False)])
def test_hsts_only_behind_https(tmp_path, setting, hsts):
    client = make_app(tmp_path, SECURE_COOKIES=setting).test_client()

    headers = [client.get(path).headers for path in ("/", "/api/layers", "/healthz")]

    assert all(("Strict-Transport-Security" in each) is hsts for each in headers)
    if hsts:
        assert all(
            int(re.search(r"max-age=(\d+)", each["Strict-Transport-Security"])[1]) >= 31536000
            for each in headers
        )


@pytest.mark.parametrize("path", [GPX, "/tracks/walk-10000-steps", LOOP_GPX])
def test_with_a_public_url_links_ignore_the_host_header(tmp_path, path):
    client = make_app(tmp_path, PUBLIC_URL="https://ecomap.sysert.example").test_client()

    honest = client.get(path, headers={"Host": "ecomap.sysert.example"})
    forged = client.get(path, headers={"Host": "evil.example"})

    assert honest.status_code == forged.status_code == 200
    assert honest.data == forged.data
    assert b"evil.example" not in forged.data
    assert b"https://ecomap.sysert.example/" in forged.data
    assert "Host" not in forged.headers.get("Vary", "")


@pytest.mark.parametrize("path", [GPX, "/tracks/walk-10000-steps", LOOP_GPX])
def test_without_a_public_url_the_answer_varies_by_host(app, path):
    client = app.test_client()

    first = client.get(path, headers={"Host": "one.example"})
    again = client.get(path, headers={"Host": "one.example"})  # from the app's cache: still varies
    other = client.get(path, headers={"Host": "two.example"})

    for response in (first, again, other):
        assert "Host" in response.headers["Vary"]
    assert b"two.example" in other.data and b"one.example" not in other.data
    if path == GPX:
        assert first.headers["ETag"] != other.headers["ETag"]


def test_answers_that_name_no_host_do_not_vary_by_it(app):
    client = app.test_client()

    for path in ("/", "/api/layers", "/tracks"):
        assert "Host" not in client.get(path).headers.get("Vary", "")
