"""The proposal pages: drawing form, approved proposals with votes, and the city map's layer."""

from __future__ import annotations

import json
import re

import pytest

from tests.support.proposals_support import (
    PROPERTIES,
    RINK,
    RINK_POINT,
    SCHOOL,
    SCHOOL_POINT,
    XSS,
    csrf_token,
    feature,
    join,
    make_app,
    make_class,
    set_status,
    submit,
    vote,
)


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def _approved(app, client, geometry=None, **properties) -> int:
    proposal_id = submit(client, feature(geometry, **properties)).json["id"]
    set_status(app, proposal_id, "approved")
    return proposal_id


def test_new_without_a_site_lists_the_sites(client):
    page = client.get("/proposals/new?lang=en").get_data(as_text=True)

    assert f"/proposals/new?site={SCHOOL}" in page and f"/proposals/new?site={RINK}" in page


def test_new_shows_the_drawing_tools_and_form(client):
    response = client.get(f"/proposals/new?site={SCHOOL}&lang=en")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert ".pm.addControls(" in page and re.search(r'\.pm\.setLang\(\s*"en"', page)
    assert "/static/vendor/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.js" in page
    assert "leaflet-draw" not in page and "L.Control.Draw" not in page
    config = json.loads(
        page.split('<script id="proposal-config" type="application/json">')[1].split("</script>")[0]
    )
    assert config["kit"] == f"/api/kit?site={SCHOOL}&lang=en" and config["check"] == "/api/proposals/check"
    for name in ("title", "category", "materials", "description", "author"):
        assert f'name="{name}"' in page
    assert "e-mail" in page  # the hint not to give personal data
    assert "fitBounds" in page


def test_new_pages_load_nothing_from_other_hosts(client):
    page = client.get(f"/proposals/new?site={SCHOOL}").get_data(as_text=True)

    assert "cdn.jsdelivr" not in page and "cdnjs" not in page and "code.jquery" not in page


def test_new_for_an_unknown_site_is_404(client):
    assert client.get("/proposals/new?site=moon").status_code == 404


def test_pages_are_in_russian_by_default(client):
    page = client.get(f"/proposals/new?site={SCHOOL}").get_data(as_text=True)

    assert 'lang="ru"' in page


def test_approved_page_lists_by_site_escaped(app, client):
    _approved(app, client, title=XSS)
    submit(client, feature(title="Still pending"))

    page = client.get("/proposals?lang=en").get_data(as_text=True)

    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert XSS not in page.split("<script>")[0]
    assert "Still pending" not in page


def test_one_vote_per_participant_per_proposal(app, client):
    proposal_id = _approved(app, client, title="Planter")
    other_browser = app.test_client()
    code = make_class(app)

    joined = join(client, code, "fox")
    first = vote(client, proposal_id)
    page = client.get("/proposals?lang=en").get_data(as_text=True)
    again = vote(client, proposal_id)
    join(other_browser, code, "owl")
    vote(other_browser, proposal_id)

    assert joined.status_code == 302
    assert (
        "HttpOnly" in joined.headers["Set-Cookie"] and "ecomap_participant=" in joined.headers["Set-Cookie"]
    )
    assert first.status_code == 302 and again.status_code == 409
    assert "You voted" in page and "You vote as fox, class 5Б" in page
    assert "already voted" in again.get_data(as_text=True)
    assert client.get("/api/proposals").json["features"][0]["properties"]["votes"] == 2


def test_vote_needs_the_csrf_token(app, client):
    proposal_id = _approved(app, client)

    response = client.post(f"/proposals/{proposal_id}/vote")

    assert response.status_code == 400
    assert client.get("/api/proposals").json["features"][0]["properties"]["votes"] == 0


def test_votes_for_pending_proposals_are_404(client):
    proposal_id = submit(client).json["id"]
    token = _session_token(client)

    assert client.post(f"/proposals/{proposal_id}/vote", data={"csrf_token": token}).status_code == 404


def _session_token(client) -> str:
    """This session's CSRF token, from the sign-in form (pages without a vote button have none)."""
    return csrf_token(client.get("/login").get_data(as_text=True))


def test_city_map_shows_approved_proposals_in_the_urban_group(app, client):
    _approved(app, client, title="Shade sail", category="shade")
    submit(client, feature(title="Not yet approved"))

    page = client.get("/?lang=en").get_data(as_text=True)

    assert "Approved student proposals" in page
    assert "Shade sail" in page and "Not yet approved" not in page
    assert "Urban projects" in page


def test_city_map_without_approved_proposals_has_no_proposals_layer(client):
    assert "Approved student proposals" not in client.get("/?lang=en").get_data(as_text=True)


def test_city_map_point_proposals_render(app, client):
    _approved(app, client, geometry=RINK_POINT, site=RINK, title="Rink sign", category="sign")

    assert "Rink sign" in client.get("/?lang=en").get_data(as_text=True)


def test_page_views_build_no_maps_themselves():
    import inspect

    from webmap.proposals import pages as proposals_pages

    source = inspect.getsource(proposals_pages)

    assert "folium" not in source
    assert "base_map(" not in source and "site_layer(" not in source


@pytest.mark.parametrize("with_site", [True, False], ids=["on-its-site", "site-gone"])
def test_map_builders_work_outside_the_views(app, with_site):
    from webmap.proposals.page_maps import drawing_map, private_map
    from webmap.proposals.service import get_sites

    drawn = {"type": "Feature", "id": 1, "properties": {**PROPERTIES, "status": "pending"}}
    drawn["geometry"] = SCHOOL_POINT
    with app.test_request_context("/?lang=en"):
        site = get_sites()[SCHOOL]
        urls = {"api": "/api/proposals", "kit": "/api/kit?site=x", "check": "/api/proposals/check"}
        parts, config = drawing_map(site, "en", urls)
        private = private_map(drawn, site if with_site else None, (60.835, 56.496, 60.836, 56.497), "en")

    assert config["site"] == SCHOOL and config["api"] == "/api/proposals"
    assert config["map"] in parts["map_script"] and config["drawn"] in parts["map_script"]
    assert config["kit"] == "/api/kit?site=x" and config["check"] == "/api/proposals/check"
    assert ".pm.addControls(" in parts["map_script"]
    assert ".pm.addControls(" not in private["map_script"]
    assert "Bench from pallets" in private["map_script"]
    assert private["map_script"].count("L.geoJson") == (2 if with_site else 1)  # the site, then the proposal


def test_the_drawing_map_zooms_closer_than_the_tiles_go(tmp_path):
    page = (
        make_app(tmp_path, TILES="").test_client().get(f"/proposals/new?site={SCHOOL}").get_data(as_text=True)
    )

    assert '"maxZoom": 22' in page and '"maxNativeZoom": 19' in page  # a bench's clear zone in view
