"""Every response carries the security headers; a page's policy admits exactly its own inline scripts."""

from __future__ import annotations

import re

import lxml.html
import pytest

from tests.support.proposals_support import feature, make_app, submit
from webmap import create_app
from webmap.http.security import content_security_policy, inline_scripts, script_hash, tile_source

PAGES = ["/", "/tracks", "/tracks/terrenkur-embankment", "/proposals", "/login"]
OTHERS = ["/api/layers", "/api/tracks", "/healthz", "/static/ecomap.css", "/no-such-page", "/api/no-such"]


def policy(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response.headers["Content-Security-Policy"].split(";")]
    return {name: sources for name, *sources in directives}


def page_script_hashes(html: str) -> set[str]:
    """The hashes of the page's inline scripts, found by lxml's HTML parser rather than ours."""
    return {
        script_hash(script.text or "") for script in lxml.html.fromstring(html).xpath("//script[not(@src)]")
    }


@pytest.mark.parametrize("path", PAGES + OTHERS)
def test_every_response_has_the_headers(client, path: str):
    response = client.get(path, buffered=True)  # buffered: closes a static file
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    directives = policy(response)
    assert directives["default-src"] == ["'self'"] and directives["frame-ancestors"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["img-src"] == ["'self'", "data:"]  # TILES=none: no tile host


@pytest.mark.parametrize("path", PAGES)
def test_script_src_admits_exactly_the_pages_inline_scripts(client, path: str):
    response = client.get(path)
    html = response.get_data(as_text=True)
    sources = policy(response)["script-src"]
    assert sources[0] == "'self'"
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert set(sources[1:]) == page_script_hashes(html)
    assert all(re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", source) for source in sources[1:])


def test_the_city_map_has_inline_scripts_to_hash(client):
    assert len(policy(client.get("/"))["script-src"]) > 1


def test_an_injected_inline_script_is_not_admitted(client):
    response = client.get("/")
    injected = script_hash("alert(document.cookie)")
    assert injected not in policy(response)["script-src"]


def test_markup_in_a_proposal_adds_no_hash(tmp_path):
    """A title that tries to open a script is escaped, so the page has no more scripts to admit."""
    app = make_app(tmp_path)
    client = app.test_client()
    plain = len(policy(client.get("/proposals"))["script-src"])
    hostile = feature(title="</script><script>alert(1)</script>", description="<script>alert(2)</script>")
    proposal = submit(client, hostile).json
    private = client.get(proposal["url"].removeprefix("http://localhost"))
    assert private.status_code == 200
    assert set(policy(private)["script-src"][1:]) == page_script_hashes(private.get_data(as_text=True))
    assert script_hash("alert(1)") not in policy(private)["script-src"]
    assert len(policy(client.get("/proposals"))["script-src"]) == plain


def test_private_link_keeps_its_stricter_referrer_policy(tmp_path):
    client = make_app(tmp_path).test_client()
    proposal = submit(client, feature()).json
    response = client.get(proposal["url"].removeprefix("http://localhost"))
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("tiles", "img_src"),
    [
        ("", ["'self'", "data:", "https://tile.openstreetmap.org"]),
        ("none", ["'self'", "data:"]),
        (
            "https://{s}.tiles.example.org:8443/{z}/{x}/{y}.png",
            ["'self'", "data:", "https://*.tiles.example.org:8443"],
        ),
    ],
    ids=["pack", "none", "setting"],
)
def test_images_come_from_the_configured_tile_host_only(tiles: str, img_src: list[str]):
    app = create_app({"TESTING": True, "TILES": tiles})
    assert policy(app.test_client().get("/healthz"))["img-src"] == img_src


@pytest.mark.parametrize(
    ("frame_ancestors", "x_frame_options"),
    [("'self'", "SAMEORIGIN"), ("'none'", "DENY"), ("'self' https://sysert.example", None)],
)
def test_frame_ancestors_from_the_setting(frame_ancestors: str, x_frame_options: str | None):
    app = create_app({"TESTING": True, "TILES": "none", "FRAME_ANCESTORS": frame_ancestors})
    response = app.test_client().get("/")
    assert response.headers["Content-Security-Policy"].endswith(f"frame-ancestors {frame_ancestors}")
    assert response.headers.get("X-Frame-Options") == x_frame_options


@pytest.mark.parametrize(
    "url", ["//{s}.example.org/{z}/{x}/{y}.png", "https://tiles.{s}.example.org/{z}.png", "tiles"]
)
def test_a_tile_url_without_a_usable_host_is_an_error(url: str):
    with pytest.raises(ValueError, match=re.escape(repr(url))):
        tile_source(url)


def test_inline_scripts_skip_external_ones_and_end_like_the_browser():
    html = (
        '<script data-src="x">one()</script>'
        '<script src="/static/a.js"></script>'
        "<script>two('</scr' + 'ipt>')</script\t>"
        "<script>\r\nthree()\r\n</script>"
    )
    assert inline_scripts(html) == ["one()", "two('</scr' + 'ipt>')", "\nthree()\n"]


def test_styles_allow_inline_but_scripts_do_not():
    text = content_security_policy([], "", "'self'")
    assert "style-src 'self' 'unsafe-inline'" in text and "script-src 'self';" in text
