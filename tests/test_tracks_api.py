"""The tracks API: metrics for every track, filters, one track as GeoJSON, and the JSON error shape."""

from __future__ import annotations

import pytest

from webmap import create_app
from webmap.tracks import views as tracks


@pytest.fixture
def app(app):
    """The test app with the tracks blueprint, whether or not create_app registers it yet."""
    if "tracks" not in app.blueprints:
        tracks.init_app(app)
    return app


METRIC_KEYS = {
    "id", "name", "mode", "seasons", "audiences", "length_m", "steps", "duration_s", "energy_kcal",
    "ascent_m", "descent_m", "terrenkur_class", "elevation_known_fraction", "max_gradient_pct", "passes",
    "duration_complete", "longest_rest_gap_m", "rest_gap_norm_m", "rest_gap_over_norm",
}  # fmt: skip


def test_every_track_has_its_metrics(client):
    body = client.get("/api/tracks").get_json()
    assert len(body["tracks"]) == 5
    for track in body["tracks"]:
        assert set(track) >= METRIC_KEYS
        assert set(track["steps"]) == set(track["audiences"]) == set(track["duration_s"])
        assert track["links"]["gpx"] == f"/tracks/{track['id']}.gpx"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("audience=seniors", {"terrenkur-embankment", "accessible-dam-centre"}),
        ("audience=limited-mobility", {"accessible-dam-centre"}),
        ("mode=ski", {"ski-talkov-kamen"}),
        (
            "season=winter",
            {"ski-talkov-kamen", "children-factory-tales", "walk-10000-steps", "terrenkur-embankment"},
        ),
        ("season=spring&mode=ski", set()),
        ("season=summer&mode=walk&audience=children", {"children-factory-tales"}),
        ("season=winter&mode=walk&audience=seniors", {"terrenkur-embankment"}),
        ("season=winter&mode=walk&audience=limited-mobility", set()),
    ],
    ids=[
        "seniors",
        "limited-mobility",
        "ski",
        "winter",
        "no-ski-in-spring",
        "summer-walk-children",
        "winter-seniors",
        "none",
    ],
)
def test_filters(client, query: str, expected: set[str]):
    body = client.get(f"/api/tracks?{query}").get_json()
    assert {track["id"] for track in body["tracks"]} == expected


def test_body_mass_sets_the_energy(client):
    light = client.get("/api/tracks/walk-10000-steps?mass_kg=50").get_json()["properties"]
    heavy = client.get("/api/tracks/walk-10000-steps?mass_kg=100").get_json()["properties"]
    assert heavy["energy_kcal"]["adults"] == pytest.approx(2 * light["energy_kcal"]["adults"], abs=2)
    assert light["mass_kg"] == 50


def test_one_track_is_a_geojson_feature_with_stops(client):
    response = client.get("/api/tracks/terrenkur-embankment")
    assert response.content_type == "application/geo+json"
    feature = response.get_json()
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "LineString"
    stops = feature["properties"]["stops"]
    assert {"start", "bench", "finish"} <= {stop["kind"] for stop in stops}
    assert all(stop["text"]["ru"] and stop["text"]["en"] for stop in stops)
    positions = [stop["position_m"] for stop in stops]
    assert positions == sorted(positions)
    assert feature["properties"]["length_m"] == pytest.approx(positions[-1], abs=1)


def test_unknown_elevation_is_reported_not_zeroed(client):
    walk = client.get("/api/tracks/walk-10000-steps").get_json()
    coordinates = walk["geometry"]["coordinates"]
    assert any(len(position) == 2 for position in coordinates)
    assert all(len(position) == 2 or position[2] > 200 for position in coordinates)
    assert 0 < walk["properties"]["elevation_known_fraction"] < 1


@pytest.mark.parametrize(
    ("track_id", "duration_complete", "rest_gap_over_norm"),
    [
        ("terrenkur-embankment", True, False),
        ("accessible-dam-centre", True, True),
        ("walk-10000-steps", False, True),
        ("ski-talkov-kamen", False, None),
    ],
)
def test_summary_flags_partial_times_and_long_rest_gaps(
    client, track_id: str, duration_complete: bool, rest_gap_over_norm: bool | None
):
    listed = {t["id"]: t for t in client.get("/api/tracks").get_json()["tracks"]}[track_id]
    one = client.get(f"/api/tracks/{track_id}").get_json()["properties"]
    for summary in (listed, one):
        assert summary["duration_complete"] is duration_complete
        assert summary["duration_complete"] is (summary["elevation_known_fraction"] == 1)
        assert summary["rest_gap_over_norm"] is rest_gap_over_norm
        if rest_gap_over_norm is not None:
            over = summary["longest_rest_gap_m"] > summary["rest_gap_norm_m"]
            assert summary["rest_gap_over_norm"] is over


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/api/tracks/no-such-track", 404, "track_id"),
        ("/api/tracks?audience=astronauts", 400, "audience"),
        ("/api/tracks?mode=swim", 400, "mode"),
        ("/api/tracks?season=monsoon", 400, "season"),
        ("/api/tracks?mass_kg=heavy", 400, "mass_kg"),
        ("/api/tracks?mass_kg=5", 400, "mass_kg"),
        ("/api/tracks?mass_kg=nan", 400, "mass_kg"),
        ("/api/tracks/walk-10000-steps?mass_kg=1e9", 400, "mass_kg"),
    ],
    ids=["unknown-track", "audience", "mode", "season", "mass-text", "mass-low", "mass-nan", "mass-huge"],
)
def test_bad_requests_use_the_error_shape(client, url: str, status: int, field: str):
    response = client.get(url)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["status"] == status
    assert error["field"] == field
    assert field in error["message"] or "track" in error["message"]


def test_a_pack_without_tracks_serves_an_empty_list(good_pack):
    app = create_app({"TESTING": True, "PACK": str(good_pack), "TILES": "none"})
    if "tracks" not in app.blueprints:
        tracks.init_app(app)
    client = app.test_client()
    assert client.get("/api/tracks").get_json() == {"tracks": []}
    assert client.get("/tracks").status_code == 200
