"""Loops on real towns: OpenStreetMap extracts of tests/data/osm imported into packs (docs/loops.md)."""

from __future__ import annotations

import statistics
from pathlib import Path

import numpy as np
import pytest

from geo.osm import import_osm
from geo.pack import load_pack
from routes.audiences import load_audiences
from routes.loops import RoutingError, find_loops, start_node
from routes.network import build_network, rules_for

OSM = Path(__file__).parent / "data" / "osm"
TOWNS = {
    "vaduz": OSM / "vaduz.osm.pbf",
    "schaan": OSM / "schaan.osm.gz",
    "triesenberg": OSM / "triesenberg.osm.bz2",
}


def town_pack(extract: Path, folder: Path) -> Path:
    """A pack made from a real extract by ``import-osm --create`` (its walking rules, default audiences)."""
    folder.mkdir(parents=True, exist_ok=True)
    root = folder / extract.name.split(".")[0]
    import_osm(extract, root, create=True)
    return root


def starts(network, count: int, seed: int) -> list[tuple[float, float]]:
    """Places spread over the network (seeded): its nodes' positions."""
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(network.node_ids), count, replace=False)
    nodes = [network.graph.nodes[network.node_ids[index]] for index in picked]
    return [(node["lon"], node["lat"]) for node in nodes]


@pytest.fixture(scope="module", params=sorted(TOWNS))
def town(request, tmp_path_factory):
    root = town_pack(TOWNS[request.param], tmp_path_factory.mktemp(request.param))
    audiences, _ = load_audiences(root)
    return request.param, build_network(load_pack(root)), audiences


@pytest.mark.parametrize("audience_id", ["adults", "seniors"])
def test_every_loop_lands_within_five_per_cent_and_repeats_little(town, audience_id):
    name, network, audiences = town
    audience = audiences[audience_id]
    rules = rules_for(audience)
    repeated, answered = [], 0
    for steps in (3_000, 6_000, 10_000):
        for lon, lat in starts(network, 15, seed=9):
            start = start_node(network, lon, lat, "start", rules)
            try:
                loops = find_loops(network, start, steps, rules, audience.step_length_m)
            except RoutingError:
                continue  # a start on a stray bit of an extract
            answered += 1
            for loop in loops:
                assert abs(loop.steps_count - steps) <= 0.05 * steps, (name, steps)
                assert loop.nodes[0] == loop.nodes[-1] == start
                repeated.append(loop.repeated_share)
    assert answered >= 30, name
    # out-and-back walks repeat half their way; the old search repeated a median of 24-57 %
    assert statistics.median(repeated) <= 0.10, (name, statistics.median(repeated))


def test_limited_mobility_gets_loops_on_real_data(town):
    name, network, audiences = town
    wheels = audiences["limited-mobility"]
    rules = rules_for(wheels)
    answered = 0
    for lon, lat in starts(network, 8, seed=4):
        try:
            start = start_node(network, lon, lat, "start", rules)
            loops = find_loops(network, start, 6_000, rules, wheels.step_length_m)
        except RoutingError:
            continue
        answered += 1
        for loop in loops:
            assert abs(loop.steps_count - 6_000) <= 300
            assert 0 <= loop.untagged_surface_share <= 1
            for u, v in zip(loop.nodes[:-1], loop.nodes[1:], strict=True):
                assert rules.allows(network.graph.edges[u, v]), network.graph.edges[u, v]
    assert answered >= 3, name  # it was 0 of 90 before the untagged-surface rule and snapping


def test_a_start_snaps_to_any_part_and_a_refusal_tells_the_truth(town):
    _name, network, audiences = town
    rules = rules_for(audiences["limited-mobility"])
    arrays = network.arrays(rules)
    small = np.flatnonzero(arrays.usable).tolist()
    node = network.graph.nodes[network.node_ids[small[-1]]]
    assert start_node(network, node["lon"], node["lat"], "start", rules) == network.node_ids[small[-1]]
    refused = [
        node
        for node in network.node_ids
        if not arrays.usable[network.index_of[node]]
        and network.nearest_node(network.graph.nodes[node]["lon"], network.graph.nodes[node]["lat"], rules)[1]
        > 500
    ]
    assert refused  # every town has ways a wheelchair cannot use far from any it can
    place = network.graph.nodes[refused[0]]
    with pytest.raises(RoutingError) as error:
        start_node(network, place["lon"], place["lat"], "start", rules)
    _node, distance = network.nearest_node(place["lon"], place["lat"], rules)
    assert f"suitable for this audience is {distance:,.0f} m away" in str(error.value)
    assert "the nearest way of any kind is 0 m away but it has" in str(error.value)
