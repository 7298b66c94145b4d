"""The Sysert pack: it loads, and its hand-drawn places are where and as large as the brief says."""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from geo import check_pack, load_pack
from geo.measure import areas_m2
from tests.conftest import SYSERT_PACK

TOWN_CENTRE = Point(60.8167, 56.5000)  # ru.wikipedia "Сысерть" (lon, lat)
REQUIRED_LAYERS = ["park", "reservoir", "forest", "rink-cinema", "school-yard", "learning-places", "paths"]


@pytest.fixture(scope="module")
def pack():
    return load_pack(SYSERT_PACK)


def test_pack_has_no_problems():
    assert check_pack(SYSERT_PACK) == []


def test_pack_has_the_public_layer_ids(pack):
    assert set(REQUIRED_LAYERS) <= set(pack.layers)
    assert pack.crs_metric == "EPSG:32641"
    assert {layer.group for layer in pack.layers.values()} == {"nature", "urban", "learning"}


@pytest.mark.parametrize(
    ("feature_id", "area_km2", "point"),
    [
        ("reservoir-sysert", 3.38, Point(60.804722, 56.492778)),
        ("reservoir-upper-sysert", 11.3, Point(60.713056, 56.443333)),
    ],
    ids=["town-reservoir", "upper-sysert-reservoir"],
)
def test_reservoirs_are_within_15_percent_of_their_published_area(pack, feature_id, area_km2, point):
    frame = pack.layers["reservoir"].frame
    measured_km2 = areas_m2(frame, pack.crs_metric)[feature_id] / 1e6
    assert measured_km2 == pytest.approx(area_km2, rel=0.15)
    assert frame.geometry[feature_id].contains(point)


def test_park_lies_west_of_the_town_and_holds_the_brief_point(pack):
    park = pack.layers["park"].frame.geometry.union_all()
    assert park.contains(Point(60.736346, 56.508605))
    assert not park.contains(TOWN_CENTRE)
    assert park.centroid.x < TOWN_CENTRE.x
    assert areas_m2(pack.layers["park"].frame, pack.crs_metric).sum() / 1e6 == pytest.approx(400, rel=0.25)


def test_ironworks_stands_at_the_published_point(pack):
    ironworks = pack.layers["learning-places"].frame.geometry["learning-ironworks"]
    assert ironworks.distance(Point(60.811111, 56.494167)) < 1e-5


@pytest.mark.parametrize("layer_id", ["park", "forest", "reservoir"])
def test_town_centre_is_not_covered_by_nature_layers(pack, layer_id):
    assert not pack.layers[layer_id].frame.geometry.union_all().contains(TOWN_CENTRE)


def test_every_feature_says_how_accurate_it_is(pack):
    for layer in pack.layers.values():
        for feature_id, accuracy in layer.frame["accuracy"].items():
            assert accuracy.split(":")[0] in {"approximate", "surveyed"}, feature_id


def test_rink_cinema_is_one_feature_with_two_seasonal_uses(pack):
    frame = pack.layers["rink-cinema"].frame
    assert len(frame) == 1
    uses = frame["uses"].iloc[0]
    assert {use["id"]: use["months"] for use in uses} == {"rink": [12, 1, 2, 3], "cinema": [6, 7, 8]}
