"""Every page of ours loads its scripts, styles, fonts and images from our own server."""

from __future__ import annotations

import re

import pytest

ASSET_REFERENCE = re.compile(
    r"""<(?:script|link|img|source)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I
)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)""")
PAGES = [
    "/",
    "/?lang=en&date=2026-07-01",
    "/tracks",
    "/tracks/walk-10000-steps",
    "/tracks/ski-talkov-kamen?lang=en",
    "/proposals",
    "/proposals/new?site=school-yard-23",
    "/login",
    "/no-such-page",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_references_only_our_own_assets(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    references = ASSET_REFERENCE.findall(html) + CSS_URL.findall(html)
    assert any(url.startswith("/static/") for url in references)
    foreign = [
        url
        for url in references
        if not url.startswith(("/static/", "/", "data:", "#")) or url.startswith("//")
    ]
    assert foreign == []
