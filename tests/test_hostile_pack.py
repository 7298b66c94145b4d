"""Pack text is text: a pack whose every string carries markup, script and template syntax shows it as text.

A copy of data/sysert gets ``HOSTILE`` appended to every name, title, legend, description, source,
accuracy and group name and to the tile attribution; no page, no GPX and no map in Chromium may then
hold an element or attribute that came from it, and ``{{7*7}}`` must stay ``{{7*7}}``. The same goes
for the texts of a student's proposal, which the maps show too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from flask import Flask

from tests.support.proposals_support import SYSERT_PACK, dispose, feature, make_app, set_status, submit

HOSTILE = (
    " <img src=x onerror=alert(1) data-hostile=1></script><script data-hostile=2>alert(2)</script>\"'>"
    "<svg onload=alert(3) data-hostile=3>{{7*7}}"
)
MARKER = "onerror=alert(1) data-hostile=1"
INJECTED = "//*[@data-hostile] | //*[local-name()='svg'][@onload] | //img[@src='x']"
TEMPLATE_KEPT = re.compile(r"data-hostile=3(?:>|&gt;|\\u003e|\\u0026gt;)\{\{7\*7\}\}")
TEMPLATE_RUN = re.compile(r"data-hostile=3(?:>|&gt;|\\u003e|\\u0026gt;)49")
TOML_TEXT = re.compile(
    r'^(\s*(?:(?:name|title|legend|description)_(?:ru|en)|attribution|source)) = "(.*)"\s*$'
)
JSON_TEXT = re.compile(
    r"^(?:(?:name|title|description|legend|note|address|hours)_(?:ru|en)|source|accuracy)$"
)
SITE = "school-yard-23"
TRACK = "walk-10000-steps"
PAGES = ["/", "/tracks", f"/tracks/{TRACK}", "/loops", "/proposals", f"/proposals/new?site={SITE}"]
TILE_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8cfc0f01f0005000201a5d6a8e30000000049454e44ae426082"
)


def hostile_pack(root: Path) -> Path:
    """A copy of the Sysert pack with HOSTILE appended to every text field, the tile attribution included."""
    shutil.copytree(SYSERT_PACK, root)
    quoted = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    for path in root.rglob("*.toml"):
        lines = path.read_text(encoding="utf-8").splitlines()
        lines = [TOML_TEXT.sub(lambda match: f'{match[1]} = "{match[2]}{quoted}"', line) for line in lines]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for path in root.rglob("*.geojson"):
        data = _inject(json.loads(path.read_text(encoding="utf-8")))
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return root


def _inject(value):
    if isinstance(value, dict):
        return {
            key: item + HOSTILE if isinstance(item, str) and JSON_TEXT.match(key) else _inject(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_inject(item) for item in value]
    return value


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> Path:
    return hostile_pack(tmp_path_factory.mktemp("hostile") / "pack")


@pytest.fixture(scope="module")
def hostile_app(pack, tmp_path_factory):
    """The app on the hostile pack with the pack's own tiles (so its attribution is shown)."""
    app = make_app(tmp_path_factory.mktemp("hostile-db"), PACK=str(pack), TILES="")
    yield app
    dispose(app)


def test_the_pack_is_hostile_everywhere(pack):
    """Every text the pack has carries the payload, and the pack still loads."""
    city = (pack / "city.toml").read_text(encoding="utf-8")
    assert city.count("data-hostile=1") >= 30  # names, groups, layer titles and legends
    assert re.search(r'attribution = ".*data-hostile=1', city)
    for path in [*pack.glob("layers/*.geojson"), *pack.glob("tracks/*.geojson"), pack / "sites.toml"]:
        assert "data-hostile=1" in path.read_text(encoding="utf-8"), path.name


def assert_no_markup_from(html: str, where: str) -> None:
    document = lxml.html.fromstring(html)
    assert document.xpath(INJECTED) == [], where
    for element in document.iter():
        for name, value in getattr(element, "attrib", {}).items():
            assert not (name.startswith("on") and "alert(" in value), (where, element.tag, name)


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_pages_show_pack_text_as_text(hostile_app, path, lang):
    response = hostile_app.test_client().get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert_no_markup_from(html, path)
    assert MARKER in html  # the text is there, escaped (as HTML text or inside a JSON string)
    assert TEMPLATE_KEPT.search(html) and not TEMPLATE_RUN.search(html)


@pytest.mark.parametrize("path", ["/", f"/tracks/{TRACK}", "/loops", "/proposals"])
def test_the_tile_attribution_is_escaped_for_leaflet(hostile_app, path):
    """Leaflet puts the attribution into innerHTML: what it gets must be text, with only our links."""
    html = hostile_app.test_client().get(path).get_data(as_text=True)
    attributions = [json.loads(text) for text in re.findall(r'"attribution": ("(?:[^"\\]|\\.)*")', html)]
    assert attributions
    for attribution in attributions:
        fragment = lxml.html.fragment_fromstring(attribution, create_parent="span")
        assert [element.tag for element in fragment.iterdescendants()] == []
        assert fragment.text_content().startswith("© OpenStreetMap contributors <img src=x onerror=")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_gpx_holds_pack_text_as_text(hostile_app, lang):
    response = hostile_app.test_client().get(f"/tracks/{TRACK}.gpx", query_string={"lang": lang})
    document = lxml.etree.fromstring(response.data)
    namespaces = {element.tag.split("}")[0] for element in document.iter() if isinstance(element.tag, str)}
    assert namespaces <= {"{http://www.topografix.com/GPX/1/1"}
    assert any(MARKER in (element.text or "") for element in document.iter())


def test_proposal_texts_are_never_run_as_templates(tmp_path):
    """A student's title went through folium's templates twice: ``{{ ... }}`` in it ran on the server."""
    app = make_app(tmp_path)
    client = app.test_client()
    texts = {"title": "Bench {{ 7*7 }}", "description": "{{ lipsum.__globals__.os.getpid() }} pid"}
    created = submit(client, feature(**texts)).get_json()
    set_status(app, created["id"], "approved")
    token = created["url"].rsplit("/", 1)[1]
    for path in ["/", "/proposals", f"/proposals/p/{token}", f"/proposals/new?site={SITE}"]:
        html = client.get(path).get_data(as_text=True)
        assert "Bench 49" not in html and f"{os.getpid()} pid" not in html, path
        if path != f"/proposals/new?site={SITE}":
            assert "Bench {{ 7*7 }}" in html, path
    dispose(app)


@pytest.fixture
def tile_server(serve):
    tiles = Flask("tiles")
    tiles.add_url_rule(
        "/<int:z>/<int:x>/<int:y>.png", "tile", lambda z, x, y: (TILE_PNG, {"Content-Type": "image/png"})
    )
    return serve(tiles)


@pytest.mark.browser
def test_chromium_builds_no_element_from_pack_text(pack, tmp_path, serve, tile_server, page, page_log):
    """In the browser too: the layer control, the legend, the attribution and the tooltips stay text."""
    app = make_app(tmp_path, PACK=str(pack), TILES=f"{tile_server.url}/{{z}}/{{x}}/{{y}}.png")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    server = serve(app)
    for path in PAGES:
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
        if path == "/tracks":  # the list: no map, text only
            assert page.query_selector(".leaflet-container") is None
            assert MARKER in page.inner_text("body")
        else:
            page.wait_for_function("() => document.querySelector('.leaflet-control-attribution')")
        for feature_path in page.query_selector_all("path.leaflet-interactive")[:3]:
            feature_path.hover(force=True)  # tooltips are built on hover
        found = page.evaluate(
            "() => [...document.querySelectorAll('[data-hostile], svg[onload], img[src=\"x\"]')]"
            ".map(element => element.outerHTML)"
        )
        assert found == [], path
        if path != "/tracks":
            attribution = page.inner_text(".leaflet-control-attribution")
            assert "<img src=x onerror=alert(1) data-hostile=1>" in attribution, path
    assert dialogs == []
    assert page_log.page_errors == []
    dispose(app)
