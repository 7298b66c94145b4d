"""The pack loader: a good pack loads; every kind of problem is reported with its place."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import geopandas as gpd
import pytest

from geo import PackError, check_pack, load_pack
from tests.support.packs import CITY_TOML, SQUARE, feature, good_layers, write_pack


def test_good_pack_loads_into_geodataframes(good_pack: Path):
    pack = load_pack(good_pack)
    assert pack.name == {"ru": "Тестовск", "en": "Testville"}
    assert list(pack.layers) == ["park", "rink-cinema"]
    park = pack.layers["park"]
    assert isinstance(park.frame, gpd.GeoDataFrame)
    assert park.frame.crs.to_epsg() == 4326
    assert list(park.frame.index) == ["park-1"]
    assert park.title == {"ru": "Парк", "en": "Park"}
    assert check_pack(good_pack) == []


def _layers_with(layer_id: str, index: int, change) -> dict:
    layers = copy.deepcopy(good_layers())
    change(layers[layer_id][index])
    return layers


def _set(path: str, value):
    def change(item):
        *parents, last = path.split(".")
        for key in parents:
            item = item[key]
        item[last] = value

    return change


def _delete(path: str):
    def change(item):
        *parents, last = path.split(".")
        for key in parents:
            item = item[key]
        del item[last]

    return change


CLOCKWISE = list(reversed(SQUARE))
BOWTIE = [[60.80, 56.49], [60.81, 56.50], [60.81, 56.49], [60.80, 56.50], [60.80, 56.49]]
FEATURE_PROBLEMS = [
    ("missing-name", "park", _delete("properties.name_en"), "property 'name_en' is missing"),
    ("empty-source", "park", _set("properties.source", " "), "property 'source' must be a non-empty text"),
    ("unknown-property", "park", _set("properties.colour", "red"), "unknown property 'colour'"),
    ("bad-accuracy", "park", _set("properties.accuracy", "roughly"), "'accuracy' must start with one of"),
    (
        "swapped-lat-lon",
        "rink-cinema",
        _set("geometry.coordinates", [56.495, 60.805]),
        r"outside the city bounding box .*swapped lat/lon\?",
    ),
    (
        "outside-wgs84",
        "rink-cinema",
        _set("geometry.coordinates", [260.0, 56.4]),
        r"outside WGS84",
    ),
    (
        "outside-bbox",
        "rink-cinema",
        _set("geometry.coordinates", [10.0, 50.0]),
        "outside the city bounding box",
    ),
    ("not-a-number", "rink-cinema", _set("geometry.coordinates", ["60.8", 56.4]), r"must be \[lon, lat\]"),
    (
        "self-intersection",
        "park",
        _set("geometry.coordinates", [BOWTIE]),
        "invalid geometry: Self-intersection",
    ),
    ("unclosed-ring", "park", _set("geometry.coordinates", [SQUARE[:-1]]), "exterior ring is not closed"),
    ("clockwise-ring", "park", _set("geometry.coordinates", [CLOCKWISE]), "winds clockwise"),
    ("short-ring", "park", _set("geometry.coordinates", [SQUARE[:3]]), "needs at least 4"),
    (
        "wrong-geometry-type",
        "park",
        _set("geometry", {"type": "Point", "coordinates": [60.8, 56.5]}),
        "geometry type 'Point' does not fit a polygon layer",
    ),
    ("no-geometry", "park", _set("geometry", None), "geometry is missing"),
    ("no-id", "park", _delete("id"), r"'id' must be a text"),
    (
        "bad-month",
        "rink-cinema",
        _set("properties.uses", [{"id": "x", "name_ru": "x", "name_en": "x", "months": [13]}]),
        "month 13 is not a month",
    ),
    (
        "month-twice",
        "rink-cinema",
        _set(
            "properties.uses",
            [
                {"id": "a", "name_ru": "a", "name_en": "a", "months": [1]},
                {"id": "b", "name_ru": "b", "name_en": "b", "months": [1]},
            ],
        ),
        "month 1 already belongs to use 'a'",
    ),
]


@pytest.mark.parametrize(
    ("layer_id", "change", "message"),
    [case[1:] for case in FEATURE_PROBLEMS],
    ids=[case[0] for case in FEATURE_PROBLEMS],
)
def test_feature_problem_names_file_feature_and_problem(tmp_path, layer_id, change, message):
    write_pack(tmp_path, _layers_with(layer_id, 0, change))
    problems = check_pack(tmp_path)
    assert len(problems) >= 1
    text = str(problems[0])
    assert text.startswith(f"layers/{layer_id}.geojson: feature ")
    assert re.search(message, text), text


def test_every_problem_is_reported_at_once(tmp_path):
    layers = good_layers()
    del layers["park"][0]["properties"]["name_ru"]
    layers["rink-cinema"][0]["geometry"]["coordinates"] = [56.495, 60.805]
    write_pack(tmp_path, layers)
    problems = check_pack(tmp_path)
    assert [problem.file for problem in problems] == ["layers/park.geojson", "layers/rink-cinema.geojson"]
    with pytest.raises(PackError, match="2 problem"):
        load_pack(tmp_path)


def test_duplicate_id_across_layers(tmp_path):
    layers = good_layers()
    layers["rink-cinema"][0]["id"] = "park-1"
    write_pack(tmp_path, layers)
    [problem] = check_pack(tmp_path)
    assert str(problem) == (
        "layers/rink-cinema.geojson: feature 'park-1': duplicate id: already used in layers/park.geojson"
    )


def test_unreadable_json_names_the_file(tmp_path):
    write_pack(tmp_path, {**good_layers(), "park": '{"type": "FeatureCollection", "features": [}'})
    [problem] = check_pack(tmp_path)
    assert problem.file == "layers/park.geojson"
    assert problem.message.startswith("unreadable JSON: Expecting value: line 1")


def test_feature_without_id_is_named_by_index(tmp_path):
    layers = good_layers()
    layers["park"].append(feature("park-2", {"type": "Polygon", "coordinates": [SQUARE]}))
    del layers["park"][1]["id"]
    write_pack(tmp_path, layers)
    [problem] = check_pack(tmp_path)
    assert str(problem).startswith("layers/park.geojson: feature #1: 'id' must be a text")


def test_manifest_layer_without_file(tmp_path):
    layers = good_layers()
    del layers["park"]
    write_pack(tmp_path, layers)
    [problem] = check_pack(tmp_path)
    assert str(problem) == (
        "layers/park.geojson: missing: the manifest lists this layer but its file does not exist"
    )


def test_file_without_manifest_entry(tmp_path):
    write_pack(tmp_path, {**good_layers(), "extra": []})
    [problem] = check_pack(tmp_path)
    assert str(problem) == "layers/extra.geojson: not listed in city.toml's [[layers]]"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("zoom = 13", 'zoom = "13"', "city: 'zoom' must be int, got '13'"),
        ("zoom = 13", "", "city: 'zoom' is missing"),
        ("zoom = 13", "zoom = 13\nzom = 1", "city: unknown key 'zom'"),
        (
            "center_lat = 56.495\ncenter_lon = 60.805",
            "center_lat = 60.805\ncenter_lon = 56.495",
            "swapped lat/lon",
        ),
        ('crs_metric = "EPSG:32641"', 'crs_metric = "EPSG:4326"', "is not a projected (metric) CRS"),
        ('group = "urban"', 'group = "parks"', "'group' 'parks' is not one of the [[groups]]"),
        ('kind = "point"', 'kind = "dot"', "'kind' 'dot' is not one of point, line, polygon"),
        ("zoom = 13", "zoom = [", "unreadable TOML"),
    ],
    ids=[
        "zoom-type",
        "zoom-missing",
        "unknown-key",
        "center-swapped",
        "geographic-crs",
        "unknown-group",
        "bad-kind",
        "toml-syntax",
    ],
)
def test_city_toml_problems(tmp_path, old, new, message):
    assert old in CITY_TOML
    write_pack(tmp_path, city_toml=CITY_TOML.replace(old, new, 1))
    problems = check_pack(tmp_path)
    assert problems, "expected a problem"
    assert problems[0].file == "city.toml"
    assert message in str(problems[0])


def test_missing_pack_folder(tmp_path):
    [problem] = check_pack(tmp_path / "nowhere")
    assert "does not exist" in str(problem)


def test_not_a_feature_collection(tmp_path):
    write_pack(tmp_path, {**good_layers(), "park": json.dumps({"type": "Feature"})})
    [problem] = check_pack(tmp_path)
    assert str(problem) == "layers/park.geojson: must be a GeoJSON FeatureCollection"


def test_nothing_is_repaired_silently(tmp_path):
    """An invalid polygon is reported, never buffered or re-oriented into a loadable one."""
    write_pack(tmp_path, _layers_with("park", 0, _set("geometry.coordinates", [CLOCKWISE])))
    with pytest.raises(PackError, match="winds clockwise"):
        load_pack(tmp_path)
