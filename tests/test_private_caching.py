"""Private answers carry ``Cache-Control: private, no-store`` and ``Vary: Cookie``; public ones keep theirs.

Every route of ``app.url_map`` is requested anonymously and by a signed-in moderator: a route whose
answer differs between the two depends on the session and must be private.
"""

from __future__ import annotations

import re

import pytest

from tests.support.proposals_support import (
    SCHOOL,
    add_moderator,
    dispose,
    login,
    make_app,
    set_status,
    submit,
)
from webmap.http.caching import PRIVATE_ENDPOINTS

PRIVATE_URLS = [  # public routes whose answer is private with these arguments
    "/api/proposals?status=pending",
    "/api/proposals?status=all",
    f"/api/proposals.csv?status=pending&site={SCHOOL}",
]
PUBLIC_ENDPOINTS = {
    "pages.city_map",
    "pages.healthz",
    "api.list_layers",
    "api.get_layer",
    "tracks.track_list",
    "tracks.track_page",
    "tracks.track_gpx",
    "tracks.track_sign",
    "offline.manifest",
    "offline.service_worker",
    "offline.offline_page",
    "offline.saved_page",
    "tracks.track_sign_pdf",
    "tracks.api_tracks",
    "tracks.api_track",
    "loops.loops_page",
    "loops.api_loops",
    "loops.loops_gpx",
    "loops.api_route",
    "loops.api_places",
    "openapi.openapi_json",
    "proposals_api.list_sites",
    "proposals_api.list_proposals",
    "proposals_api.list_proposals_csv",
    "proposals_api.create_proposal",
    "proposals_api.kit",
    "proposals_api.kit_icon",
    "proposals_api.check_proposal",
    "proposals_pages.new",
    "proposals_pages.public_board",
    "static",
}
QUERIES = {
    "/api/loops": "?start=56.4964,60.8134&steps=3000",
    "/api/loops.gpx": "?start=56.4964,60.8134&steps=3000",
    "/api/route": "?from=56.4964,60.8134&to=56.5000,60.8200",
    "/api/places": "?q=%D0%B4%D0%BE%D0%BC",
    "/proposals/new": f"?site={SCHOOL}",
    "/api/kit": f"?site={SCHOOL}",
}
# What differs between two requests of anyone: the time, CSRF tokens, folium's random element ids.
# a GPX's time, a form's token, folium's ids, a PDF's printing time (a trailhead sign's)
VOLATILE = re.compile(
    rb'"time": ?"[^"]*"|csrf_token[^>]*value="[^"]*"|_[0-9a-f]{32}|/(?:CreationDate|ModDate) \(D:[^)]*\)'
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app with a moderator, an approved and a pending proposal; URLs of every route."""
    app = make_app(tmp_path_factory.mktemp("caching"))
    add_moderator(app)
    client = app.test_client()
    approved, pending = submit(client).get_json(), submit(client).get_json()
    set_status(app, approved["id"], "approved")
    samples = {
        "layer_id": "park",
        "track_id": "walk-10000-steps",
        "token": pending["url"].rsplit("/", 1)[1],
        "proposal_id": pending["id"],
        "filename": "vendor/manifest.json",
        "part_id": "pallet-bench",
        "site_id": SCHOOL,
        "participant_id": 99999,  # none: the route answers without removing anyone
    }
    routes = []
    for rule in app.url_map.iter_rules():
        path = rule.build({name: samples[name] for name in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, path + QUERIES.get(path, ""), rule.endpoint))
    yield {"app": app, "routes": routes}
    dispose(app)


@pytest.fixture(scope="module")
def moderator(site):
    client = site["app"].test_client()
    assert login(client).status_code == 302
    return client


def fetch(client, method: str, url: str):
    response = client.open(url, method=method)
    response.close()
    return response


def assert_private(response, url: str) -> None:
    assert response.headers.get("Cache-Control") == "private, no-store", url
    assert "Cookie" in response.vary, url
    assert "Expires" not in response.headers


def test_every_route_is_classified(site):
    endpoints = {endpoint for _method, _url, endpoint in site["routes"]}
    assert endpoints == PRIVATE_ENDPOINTS | PUBLIC_ENDPOINTS
    assert not PRIVATE_ENDPOINTS & PUBLIC_ENDPOINTS


def test_private_routes_are_private_to_everyone(site, moderator):
    """Anonymous or signed in, whatever the status (200, 302, 400, 401, 404), a private route is private."""
    checked = 0
    for method, url, endpoint in site["routes"]:
        if endpoint in PRIVATE_ENDPOINTS:
            for client in (site["app"].test_client(), moderator):
                assert_private(fetch(client, method, url), url)
                checked += 1
    assert checked == 2 * sum(endpoint in PRIVATE_ENDPOINTS for _m, _u, endpoint in site["routes"])


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_the_moderators_api_is_private(site, moderator, url):
    response = fetch(moderator, "GET", url)
    assert response.status_code == 200
    assert_private(response, url)
    assert_private(fetch(site["app"].test_client(), "GET", url), url)  # the 401 too


def test_a_wrong_private_link_is_private_too(site):
    response = fetch(site["app"].test_client(), "GET", "/proposals/p/not-a-token")
    assert response.status_code == 404
    assert_private(response, "/proposals/p/not-a-token")


def test_answers_that_depend_on_the_session_are_private(site, moderator):
    """A GET whose body differs for a signed-in moderator must not be cached for anyone."""
    differing = []
    for method, url, _endpoint in site["routes"]:
        if method != "GET":
            continue
        anonymous = fetch(site["app"].test_client(), method, url)
        signed_in = fetch(moderator, method, url)
        if VOLATILE.sub(b"", anonymous.data) != VOLATILE.sub(b"", signed_in.data):
            differing.append(url)
            assert_private(anonymous, url)
            assert_private(signed_in, url)
    assert "/moderation" in differing


def test_public_answers_keep_their_caching(site):
    client = site["app"].test_client()
    for method, url, endpoint in site["routes"]:
        if endpoint not in PUBLIC_ENDPOINTS or method != "GET":
            continue
        response = fetch(client, method, url)
        assert "no-store" not in response.headers.get("Cache-Control", ""), url
        assert "private" not in response.headers.get("Cache-Control", ""), url
    layers = fetch(client, "GET", "/api/layers")
    assert layers.headers["ETag"] and "no-cache" in layers.headers["Cache-Control"]
    static = fetch(client, "GET", "/static/vendor/manifest.json")
    assert static.headers["Cache-Control"].startswith("public, max-age=")
