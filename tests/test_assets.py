"""Folium pages load every script, style, font and image from our vendored copies."""

import hashlib
import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import folium
import pytest
from folium import plugins

from webmap.errors import AssetError
from webmap.http.caching import VERSION_LENGTH
from webmap.maps.assets import (
    ASSETS,
    EXTRA_FILES,
    MANIFEST,
    STATIC_DIR,
    VENDOR_DIR,
    missing_assets,
    use_local_assets,
)
from webmap.maps.geoman import Geoman

LEAFLET_JS_CDN = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
SYSERT_LAT_LON = [56.50, 60.81]
POND = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "Sysert pond"},
            "geometry": {"type": "Point", "coordinates": [60.81, 56.50]},
        }
    ],
}


def add_geojson(city_map: folium.Map) -> None:
    tooltip, popup = folium.GeoJsonTooltip(["name"]), folium.GeoJsonPopup(["name"])
    folium.GeoJson(POND, tooltip=tooltip, popup=popup).add_to(city_map)


def add_awesome_marker(city_map: folium.Map) -> None:
    icon = folium.Icon(icon="tree", prefix="fa", color="green")
    folium.Marker(SYSERT_LAT_LON, popup="Pond", icon=icon).add_to(city_map)


def add_marker_cluster(city_map: folium.Map) -> None:
    cluster = plugins.MarkerCluster().add_to(city_map)
    folium.Marker(SYSERT_LAT_LON).add_to(cluster)


FEATURES = {
    "layer_control": lambda city_map: folium.LayerControl().add_to(city_map),
    "geojson_tooltip_popup": add_geojson,
    "awesome_marker": add_awesome_marker,
    "geoman": lambda city_map: Geoman(folium.FeatureGroup().add_to(city_map), "ru", {}).add_to(city_map),
    "fullscreen": lambda city_map: plugins.Fullscreen().add_to(city_map),
    "measure_control": lambda city_map: plugins.MeasureControl().add_to(city_map),
    "minimap": lambda city_map: plugins.MiniMap().add_to(city_map),
    "locate_control": lambda city_map: plugins.LocateControl().add_to(city_map),
    "marker_cluster": add_marker_cluster,
    "grouped_layer_control": lambda city_map: plugins.GroupedLayerControl(
        {"Nature": [folium.FeatureGroup(name="Pond").add_to(city_map)]}, exclusive_groups=False
    ).add_to(city_map),
}
CSS_FILES = sorted(path for path in ASSETS.values() if path.endswith(".css"))
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""")


class LinkParser(HTMLParser):
    """Collect the URLs of a page's <script src> and <link href>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attribute = {"script": "src", "link": "href"}.get(tag)
        url = dict(attrs).get(attribute) if attribute else None
        if url:
            self.urls.append(url)


def page_links(*features: str) -> list[str]:
    """Render a map of Sysert with `features` and return the URLs its page loads."""
    city_map = folium.Map(location=SYSERT_LAT_LON, zoom_start=13)
    for feature in features:
        FEATURES[feature](city_map)
    parser = LinkParser()
    parser.feed(city_map.get_root().render())
    return parser.urls


def vendored_file(url: str) -> Path:
    return STATIC_DIR / unversioned(url).removeprefix("/static/")


def unversioned(url: str) -> str:
    return url.split("?")[0]


@pytest.fixture(scope="module", autouse=True)
def local_assets() -> None:
    use_local_assets()


@pytest.fixture(scope="module")
def vendored() -> None:
    missing = missing_assets()
    if missing:
        pytest.fail(
            f"{len(missing)} vendored files missing, such as webmap/static/{missing[0]}: run "
            "`npm ci --ignore-scripts && python scripts/vendor_assets.py` (make setup)"
        )


@pytest.mark.usefixtures("vendored")
@pytest.mark.parametrize("feature", FEATURES)
def test_feature_loads_only_vendored_files(feature: str) -> None:
    urls = page_links(feature)
    assert urls
    for url in urls:
        assert url.startswith(f"/static/{VENDOR_DIR}/"), url
        assert vendored_file(url).is_file(), url


def test_page_with_every_feature_loads_each_asset_once() -> None:
    urls = page_links(*FEATURES)
    assert sorted(map(unversioned, urls)) == sorted(
        f"/static/{VENDOR_DIR}/{path}" for path in ASSETS.values()
    )


@pytest.mark.usefixtures("vendored")
def test_vendored_urls_carry_the_content_hash_of_their_file() -> None:
    for url in page_links(*FEATURES):
        path, version = url.split("?v=")
        digest = hashlib.sha256(vendored_file(path).read_bytes()).hexdigest()
        assert len(version) == VERSION_LENGTH and digest.startswith(version), url


@pytest.mark.usefixtures("vendored")
@pytest.mark.parametrize("css_path", CSS_FILES)
def test_css_urls_name_vendored_files(css_path: str) -> None:
    css_file = STATIC_DIR / VENDOR_DIR / css_path
    for match in CSS_URL.finditer(css_file.read_text(encoding="utf-8")):
        url = match.group(2)
        if url.startswith(("data:", "#")):
            continue
        assert not re.match(r"[a-z][a-z0-9+.-]*:|/", url), f"{css_path} loads {url}"
        target = posixpath.join(posixpath.dirname(css_path), re.split(r"[?#]", url)[0])
        assert (STATIC_DIR / VENDOR_DIR / target).resolve().is_file(), f"{css_path}: {url}"


@pytest.mark.usefixtures("vendored")
def test_rotate_css_has_a_rule_per_degree() -> None:
    css_file = STATIC_DIR / VENDOR_DIR / "folium/leaflet.awesome.rotate.min.css"
    rules = css_file.read_text(encoding="utf-8").splitlines()
    assert len(rules) == 360
    assert rules[89].startswith(".fa-rotate-90{") and "transform:rotate(90deg)}" in rules[89]


@pytest.mark.usefixtures("vendored")
def test_manifest_maps_each_cdn_url_to_its_copy() -> None:
    manifest = json.loads((STATIC_DIR / VENDOR_DIR / MANIFEST).read_text(encoding="utf-8"))
    assert manifest == {url: f"{VENDOR_DIR}/{path}" for url, path in ASSETS.items()}


def test_use_local_assets_again_changes_only_the_prefix() -> None:
    links = folium.Map.default_js + folium.Map.default_css
    try:
        use_local_assets("/ecomap/static/")
        moved = folium.Map.default_js + folium.Map.default_css
        assert [(name, url.replace("/ecomap", "", 1)) for name, url in moved] == links
    finally:
        use_local_assets()
    assert folium.Map.default_js + folium.Map.default_css == links


def test_unmapped_url_of_a_vendored_class_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    links = folium.Map.default_js
    monkeypatch.delitem(ASSETS, LEAFLET_JS_CDN)
    with pytest.raises(AssetError, match=f"folium.folium.Map: {re.escape(LEAFLET_JS_CDN)}"):
        use_local_assets()
    assert folium.Map.default_js == links


def test_plugin_we_do_not_vendor_refuses_to_render() -> None:
    city_map = folium.Map(location=SYSERT_LAT_LON)
    plugins.HeatMap([SYSERT_LAT_LON]).add_to(city_map)
    with pytest.raises(AssetError, match=r"heat_map\.HeatMap loads https://\S+leaflet_heat"):
        city_map.get_root().render()


def test_missing_assets_lists_every_file_of_an_empty_static_dir(tmp_path) -> None:
    missing = missing_assets(tmp_path)
    assert len(missing) == len(ASSETS) + len(EXTRA_FILES) + 1
    assert {f"{VENDOR_DIR}/leaflet/dist/leaflet.js", f"{VENDOR_DIR}/{MANIFEST}"} <= set(missing)


def test_leaflet_draw_gave_way_to_geoman() -> None:
    city_map = folium.Map(location=SYSERT_LAT_LON)
    plugins.Draw().add_to(city_map)
    with pytest.raises(AssetError, match=r"draw\.Draw loads https://\S+leaflet\.draw"):
        city_map.get_root().render()
