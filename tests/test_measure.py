"""Measurements in metres against known figures, and seasonal uses across the year."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point, box

from geo import load_pack, summarize_layer, use_on
from geo.layers import layer_features
from tests.support.packs import USES

UTM41N = "EPSG:32641"


def _frame(*geometries, crs=UTM41N) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=list(geometries), crs=crs).to_crs("EPSG:4326")


def test_area_of_a_one_square_kilometre_square():
    """A 1 km x 1 km square drawn in UTM 41N measures 1,000,000 m² after a WGS84 round trip."""
    square = box(660_000, 6_265_000, 661_000, 6_266_000)
    summary = summarize_layer("square", "polygon", _frame(square), UTM41N)
    assert summary.area_m2 == pytest.approx(1_000_000, rel=1e-6)
    assert summary.length_m == 0
    assert str(summary) == "square: 1 feature(s), 1.00 km²"


def test_length_of_a_line_matches_the_ellipsoid():
    """A 5 km line along the meridian: UTM length agrees with pyproj.Geod within 0.1 %."""
    line = LineString([(60.8, 56.45), (60.8, 56.45 + 5_000 / 111_300)])
    frame = gpd.GeoDataFrame(geometry=[line], crs="EPSG:4326")
    summary = summarize_layer("line", "line", frame, UTM41N)
    geod_length = Geod(ellps="WGS84").geometry_length(line)
    assert summary.length_m == pytest.approx(geod_length, rel=1e-3)
    assert summary.length_m == pytest.approx(5_000, rel=5e-3)


def test_points_have_no_area_or_length():
    summary = summarize_layer("places", "point", _frame(Point(660_000, 6_265_000), Point(0, 0)), UTM41N)
    assert (summary.features, summary.area_m2, summary.length_m) == (2, 0, 0)


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2026, 12, 1), "rink"),
        (dt.date(2026, 12, 31), "rink"),
        (dt.date(2027, 1, 1), "rink"),
        (dt.date(2027, 2, 28), "rink"),
        (dt.date(2028, 2, 29), "rink"),
        (dt.date(2027, 3, 31), "rink"),
        (dt.date(2027, 4, 1), None),
        (dt.date(2027, 5, 31), None),
        (dt.date(2027, 6, 1), "cinema"),
        (dt.date(2027, 8, 31), "cinema"),
        (dt.date(2027, 9, 1), None),
        (dt.date(2027, 11, 30), None),
    ],
    ids=lambda value: value.isoformat() if isinstance(value, dt.date) else str(value),
)
def test_use_in_force_across_the_year(date, expected):
    use = use_on(USES, date)
    assert (use["id"] if use else None) == expected


def test_layer_features_carry_current_use_only_where_uses_exist(good_pack):
    pack = load_pack(good_pack)
    winter = layer_features(pack.layers["rink-cinema"], dt.date(2027, 1, 10))
    [rink] = winter["features"]
    assert rink["id"] == "rink-1"
    assert rink["properties"]["current_use"]["id"] == "rink"
    spring = layer_features(pack.layers["rink-cinema"], dt.date(2027, 4, 10))
    assert spring["features"][0]["properties"]["current_use"] is None
    park = layer_features(pack.layers["park"], dt.date(2027, 1, 10))
    assert "current_use" not in park["features"][0]["properties"]
