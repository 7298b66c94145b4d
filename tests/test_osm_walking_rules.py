"""The walking network and the kerbs that import-osm writes, tag rule by tag rule (docs/osm.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.osm import import_osm, load_mapping
from geo.osm_walking import walkable
from geo.pack import check_pack
from tests.support.osm_samples import ORIGIN, STEP_DEG, grid_town

# Extra ways hung on the 5 x 5 grid's nodes (1..25): way id -> (node ids, tags, walkable?)
WAYS = {
    101: ([1, 7], {"highway": "footway", "foot": "no"}, False),
    102: ([2, 8], {"highway": "service", "access": "private"}, False),
    103: ([3, 9], {"highway": "service", "access": "private", "foot": "yes"}, True),
    104: ([4, 10], {"highway": "motorway"}, False),
    105: ([6, 12], {"highway": "trunk", "sidewalk": "both"}, True),
    106: ([7, 13], {"highway": "trunk_link", "foot": "designated"}, True),
    107: ([8, 14], {"highway": "bridleway"}, False),
    108: ([9, 15], {"highway": "bridleway", "foot": "designated"}, True),
    109: ([11, 17], {"highway": "construction"}, False),
    110: ([12, 18], {"highway": "primary", "sidewalk": "separate"}, True),
    111: ([13, 19], {"highway": "footway", "footway": "crossing", "crossing": "marked"}, True),
    112: ([14, 20], {"highway": "cycleway", "foot": "no"}, False),
    113: ([16, 22], {"highway": "tertiary_link"}, True),
    114: ([17, 23], {"highway": "living_street", "access": "no", "foot": "permissive"}, True),
    115: ([18, 24], {"highway": "track", "tracktype": "grade2", "surface": "gravel"}, True),
    116: ([19, 25], {"highway": "steps", "incline": "up"}, True),
    117: ([21, 22, 17, 16, 21], {"highway": "pedestrian", "area": "yes", "name": "Rathausplatz"}, True),
}
KERBS = {  # node id -> (tags, a kerb a wheel cannot roll over?)
    201: ({"barrier": "kerb"}, True),
    202: ({"barrier": "kerb", "kerb": "lowered"}, False),
    203: ({"highway": "crossing", "kerb": "raised"}, True),
    204: ({"highway": "crossing", "crossing": "zebra"}, False),
    205: ({"kerb": "flush"}, False),
    206: ({"kerb": "yes"}, True),
}


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> Path:
    document = grid_town(5)
    for way_id, (nodes, tags, _walkable) in WAYS.items():
        document.way(way_id, nodes, **tags)
    lon, lat = ORIGIN
    for node_id, (tags, _kerb) in KERBS.items():
        document.node(node_id, lon + (node_id - 200) * STEP_DEG / 10, lat + STEP_DEG / 2, **tags)
    square = [(301, 0.2, 4.2), (302, 0.8, 4.2), (303, 0.8, 4.8), (304, 0.2, 4.8)]
    for node_id, column, row in square:
        document.node(node_id, lon + column * STEP_DEG, lat + row * STEP_DEG)
    document.way(300, [301, 302, 303, 304, 301])
    document.relation(
        300, [("way", 300, "outer")], type="multipolygon", highway="pedestrian", name="Marktplatz"
    )
    folder = tmp_path_factory.mktemp("town")
    extract = folder / "town.osm"
    extract.write_text(document.xml(), encoding="utf-8")
    import_osm(extract, folder / "town", create=True)
    return folder / "town"


def layer(pack: Path, layer_id: str) -> dict[str, dict]:
    features = json.loads((pack / "layers" / f"{layer_id}.geojson").read_text(encoding="utf-8"))["features"]
    return {feature["id"]: feature for feature in features}


@pytest.mark.parametrize("way_id", list(WAYS))
def test_each_way_is_in_the_network_by_its_tags(town, way_id):
    _nodes, tags, expected = WAYS[way_id]
    assert walkable(tags) is expected
    assert (f"osm-paths-w{way_id}" in layer(town, "osm-paths")) is expected


def test_kept_tags_include_sidewalk_crossing_and_the_loops_keys(town):
    network = layer(town, "osm-paths")
    assert network["osm-paths-w110"]["tags"] == {"highway": "primary", "sidewalk": "separate"}
    assert network["osm-paths-w111"]["tags"]["footway"] == "crossing"
    assert network["osm-paths-w111"]["tags"]["crossing"] == "marked"
    assert network["osm-paths-w115"]["tags"] == {
        "highway": "track",
        "surface": "gravel",
        "tracktype": "grade2",
    }


def test_pedestrian_areas_add_their_outline(town):
    network = layer(town, "osm-paths")
    closed_way = network["osm-paths-w117"]
    assert closed_way["geometry"]["type"] == "LineString"
    assert closed_way["geometry"]["coordinates"][0] == closed_way["geometry"]["coordinates"][-1]
    relation = network["osm-paths-r300"]
    assert relation["osm"] == {"type": "relation", "id": 300}
    assert relation["properties"]["name_en"] == "Marktplatz"
    assert len(relation["geometry"]["coordinates"]) == 5


def test_kerbs_a_wheel_cannot_roll_over_are_a_point_layer_with_the_kerb_role(town):
    kerbs = layer(town, "osm-kerbs")
    assert set(kerbs) == {f"osm-kerbs-n{node_id}" for node_id, (_tags, kerb) in KERBS.items() if kerb}
    assert load_mapping(town).layers_with_role("kerb") == ("osm-kerbs",)
    assert check_pack(town) == []
