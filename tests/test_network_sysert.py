"""Sysert's hand-drawn path network: the tracks run on it, it is connected, and audiences' rules apply."""

from __future__ import annotations

import networkx as nx
import pytest
import shapely

from geo.osm import load_mapping, read_tagged
from geo.pack import load_pack
from routes.audiences import load_audiences
from routes.network import AudienceRules, build_network, network_from_lines, rules_for
from routes.passes import metric_line
from routes.tracks import load_tracks
from tests.conftest import SYSERT_PACK


@pytest.fixture(scope="module")
def pack():
    return load_pack(SYSERT_PACK)


@pytest.fixture(scope="module")
def network(pack):
    return build_network(pack)


def test_paths_are_hand_drawn_with_highway_and_surface():
    for feature in read_tagged(SYSERT_PACK, "paths"):
        assert feature["properties"]["accuracy"].startswith("approximate")
        assert feature["tags"]["highway"] in {"footway", "path", "track", "residential"}
        assert feature["tags"]["surface"]


@pytest.mark.parametrize("track_id", sorted(load_tracks(SYSERT_PACK)))
def test_every_track_runs_on_the_paths(pack, track_id):
    track = load_tracks(SYSERT_PACK)[track_id]
    paths = pack.layers["paths"].frame.to_crs(pack.crs_metric).geometry.union_all()
    assert paths.buffer(1.0).contains(metric_line(track.lons, track.lats, pack.crs_metric))


def test_the_network_is_connected_and_measured(network):
    assert nx.is_connected(network.graph)
    assert network.total_length_m() == pytest.approx(21_270, rel=0.02)
    edges = [data for _, _, data in network.graph.edges(data=True)]
    assert any(data["gradient_pct"] is not None for data in edges)
    assert any(data["green_share"] == 1.0 for data in edges)
    assert any(data["benches"] for data in edges)  # the tracks' bench and tea stops
    assert {data["highway"] for data in edges} == {"footway", "path", "track", "residential"}


def test_sysert_roles_come_from_its_osm_toml():
    mapping = load_mapping(SYSERT_PACK)
    assert mapping.layers_with_role("network")[-1] == "paths"
    assert {"park", "forest"} <= set(mapping.layers_with_role("green"))
    assert "reservoir" in mapping.layers_with_role("water")


@pytest.mark.parametrize(
    ("audience_id", "edge", "allowed"),
    [
        ("limited-mobility", {"highway": "steps", "surface": "concrete", "gradient_pct": 0.0}, False),
        ("limited-mobility", {"highway": "path", "surface": "dirt", "gradient_pct": 0.0}, False),
        ("limited-mobility", {"highway": "footway", "surface": "paving_stones", "gradient_pct": 2.0}, True),
        ("limited-mobility", {"highway": "footway", "surface": "asphalt", "gradient_pct": 7.0}, False),
        ("adults", {"highway": "steps", "surface": None, "gradient_pct": None}, True),
        ("seniors", {"highway": "path", "surface": "dirt", "gradient_pct": 6.0}, False),
        ("seniors", {"highway": "path", "surface": "dirt", "gradient_pct": 4.0}, True),
    ],
)
def test_audience_rules_from_the_audiences_data(audience_id, edge, allowed):
    audiences, _ = load_audiences(SYSERT_PACK)
    assert rules_for(audiences[audience_id]).allows(edge) is allowed


def test_seniors_prefer_ways_with_benches():
    audiences, _ = load_audiences(SYSERT_PACK)
    assert rules_for(audiences["seniors"]).prefer_benches
    assert not rules_for(audiences["adults"]).prefer_benches


def test_a_ring_and_two_ways_between_the_same_junctions_keep_their_edges():
    square = [[24.0, 60.0], [24.001, 60.0], [24.001, 60.001], [24.0, 60.001], [24.0, 60.0]]
    lines = [
        ("ring", square, {"highway": "footway"}),
        ("spur", [[24.0, 60.0], [23.999, 60.0]], {"highway": "steps"}),
    ]
    network = network_from_lines(lines, "EPSG:32635", shapely.Polygon(), [])
    assert network.total_length_m() == pytest.approx(2 * 55.6 + 2 * 111.3 + 55.6, rel=0.02)
    assert nx.cycle_basis(network.graph)
    rules = AudienceRules("x", True, (), 6.0, False)
    assert not rules.allows(network.graph.edges[next(iter(network.graph.edges))] | {"highway": "steps"})
