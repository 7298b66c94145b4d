"""The city map and track pages answered from memory: same bytes, their own CSP, fresh proposals."""

from __future__ import annotations

import gzip

import brotli
import pytest

from tests.support.proposals_support import feature, make_app, set_status, submit
from webmap.http.security import inline_scripts, script_hash
from webmap.pagecache import EXTENSION, Page, PageCache

PAGES = ["/?lang=ru", "/?lang=en&date=2026-07-01", "/?tracks=all", "/tracks/walk-10000-steps?lang=ru"]


@pytest.mark.parametrize("path", PAGES)
def test_a_cached_page_is_the_same_page_with_a_policy_for_its_scripts(client, path):
    first, second = client.get(path), client.get(path)
    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    policy = second.headers["Content-Security-Policy"]
    assert policy == first.headers["Content-Security-Policy"]
    scripts = inline_scripts(second.get_data(as_text=True))
    assert scripts and all(script_hash(script) in policy for script in scripts)


def test_each_language_date_and_track_choice_is_its_own_page(app, client):
    bodies = {path: client.get(path).data for path in PAGES}
    assert len(set(bodies.values())) == len(PAGES)
    assert len(app.extensions[EXTENSION]) == len(PAGES)
    assert b'lang="en"' in bodies["/?lang=en&date=2026-07-01"]


@pytest.mark.parametrize(("encoding", "decompress"), [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_compressed_copies_hold_the_same_page(client, encoding, decompress):
    plain = client.get("/?lang=ru", headers={"Accept-Encoding": "identity"}).data
    for _ in range(2):
        response = client.get("/?lang=ru", headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding
        assert int(response.headers["Content-Length"]) == len(response.data) < len(plain) / 4
        assert decompress(response.data) == plain


def test_an_approved_proposal_shows_on_the_next_city_map(tmp_path):
    app = make_app(tmp_path, PROPOSALS_VERSION_TTL_S=0)
    client = app.test_client()
    before = client.get("/?lang=en").get_data(as_text=True)
    proposal_id = submit(client, feature(title="A bench under the birches")).json["id"]
    assert client.get("/?lang=en").get_data(as_text=True) == before  # pending: not on the map
    set_status(app, proposal_id, "approved")
    after = client.get("/?lang=en").get_data(as_text=True)
    assert "A bench under the birches" not in before and "A bench under the birches" in after


def test_the_cache_keeps_the_most_recently_used_pages():
    cache = PageCache(max_pages=2)
    for key in ("a", "b"):
        cache.put(key, Page(key.encode(), "policy"))
    cache.get("a")
    cache.put("c", Page(b"c", "policy"))
    assert cache.get("b") is None and cache.get("a") is not None and len(cache) == 2


@pytest.mark.parametrize(
    ("plain", "with_noise"),
    [
        ("/?lang=ru", ["/?lang=ru&utm_source=qr", "/?fbclid=x&lang=ru&utm_source=q", "/?lang=ru&tracks=no"]),
        ("/?lang=en&date=2026-07-01", ["/?date=2026-07-01&lang=en&x=%3Cscript%3E"]),
        ("/tracks/walk-10000-steps?lang=ru", ["/tracks/walk-10000-steps?lang=ru&ref=sign"]),
    ],
    ids=["city-map", "city-map-dated", "track"],
)
def test_an_argument_the_page_ignores_makes_no_new_page(app, client, plain, with_noise):
    page = client.get(plain).data
    for path in with_noise:
        response = client.get(path)
        assert response.status_code == 200 and response.data == page, path
    assert len(app.extensions[EXTENSION]) == 1


def test_the_language_links_carry_only_the_arguments_that_make_the_page(client):
    html = client.get("/?lang=ru&date=2026-07-01&tracks=all&utm_source=qr").get_data(as_text=True)
    assert 'href="/?date=2026-07-01&amp;tracks=all&amp;lang=en"' in html
    assert "utm_source" not in html
    track = client.get("/tracks/walk-10000-steps?lang=ru&ref=sign").get_data(as_text=True)
    assert "ref=sign" not in track and "lang=en" in track


def test_a_page_asked_with_and_without_its_date_links_to_the_other_language_accordingly(client):
    today = client.get("/?lang=ru").get_data(as_text=True)
    dated = client.get("/?lang=ru&date=2026-07-01").get_data(as_text=True)
    assert 'href="/?lang=en"' in today and 'href="/?date=2026-07-01&amp;lang=en"' in dated


def test_the_city_map_is_one_page_for_every_host_and_a_track_page_one_per_host_its_qr_code_names(app):
    client = app.test_client()
    first = client.get("/?lang=ru", base_url="http://a.example").data
    assert client.get("/?lang=ru", base_url="http://b.example").data == first
    track_a = client.get("/tracks/walk-10000-steps", base_url="http://a.example").get_data(as_text=True)
    track_b = client.get("/tracks/walk-10000-steps", base_url="http://b.example").get_data(as_text=True)
    assert "http://a.example/tracks/walk-10000-steps" in track_a
    assert "http://b.example/tracks/walk-10000-steps" in track_b
    assert len(app.extensions[EXTENSION]) == 3
