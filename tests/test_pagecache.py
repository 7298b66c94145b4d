"""The city map and track pages answered from memory: same bytes, their own CSP, fresh proposals."""

from __future__ import annotations

import gzip

import brotli
import pytest

from tests.proposals_support import feature, make_app, set_status, submit
from webmap.pagecache import EXTENSION, Page, PageCache
from webmap.security import inline_scripts, script_hash

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
