"""The installable app: its manifest in both languages with icons that exist, the service worker served
from the root with Workbox vendored, and the page that says a page needs a connection."""

from __future__ import annotations

import json

import pytest


def _status(client, url: str) -> int:
    with client.get(url) as response:  # closes the static file it sends
        return response.status_code


@pytest.mark.parametrize(
    ("lang", "name"), [("ru", "Экокарта: эко-маршруты Сысерти"), ("en", "ecomap: Sysert's eco-routes")]
)
def test_the_manifest_names_the_app_in_the_reader_s_language(client, lang, name):
    response = client.get(f"/manifest.webmanifest?lang={lang}")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["name"] == name and manifest["lang"] == lang
    assert manifest["start_url"] == f"/?lang={lang}" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert _status(client, icon["src"]) == 200


def test_every_page_links_the_manifest_and_the_offline_script(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest?lang=en">' in html
    assert "/static/offline.js" in html


def test_the_service_worker_is_served_from_the_root_with_workbox_vendored(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    script = response.get_data(as_text=True)
    assert 'importScripts("/static/vendor/workbox-sw/build/workbox-sw.js")' in script
    assert "tile" not in script.split("*/", 1)[1].lower()  # no tile is ever fetched or kept
    for name in ("workbox-sw/build/workbox-sw.js", "workbox-core/build/workbox-core.prod.js"):
        assert _status(client, f"/static/vendor/{name}") == 200
    for name in ("routing", "strategies"):
        assert _status(client, f"/static/vendor/workbox-{name}/build/workbox-{name}.prod.js") == 200


@pytest.mark.parametrize(
    ("lang", "said"), [("ru", "Этой странице нужно подключение"), ("en", "This page needs a connection")]
)
def test_the_offline_page_says_plainly_it_needs_a_connection(client, lang, said):
    html = client.get(f"/offline?lang={lang}").get_data(as_text=True)
    assert f"<h1>{said}</h1>" in html
    assert "<script" not in html  # kept by the worker, it needs nothing else
    assert f'href="/saved?lang={lang}"' in html
