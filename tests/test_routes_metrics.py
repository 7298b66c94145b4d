"""Health metrics against hand-computed cases: length, steps, time, energy, climb, terrenkur class."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from routes import elevation, metrics, terrenkur
from routes.audiences import Audience
from routes.figures import audience_figures, measure_track
from routes.tracks import parse_track

# One kilometre due north near Sysert: 1 km / 111.3 km per degree of latitude at 56.5° N.
NORTH_1KM_DEG = 1000 / 111_336.4
ADULT = Audience("adults", {"ru": "Взрослые", "en": "Adults"}, 0.72, 115, 10_000, 15, (), "test")
SENIOR = Audience("seniors", {"ru": "Пожилые", "en": "Seniors"}, 0.62, 90, 7_000, 5, (), "test")
CHILD = Audience("children", {"ru": "Дети", "en": "Children"}, 0.55, 110, 12_000, 10, (), "test")


def straight_track(elevations: list[float | None], mode: str = "walk", stops: list | None = None):
    """A track due north from (60.8, 56.5), its vertices spread evenly over 1 km."""
    count = len(elevations)
    coordinates = [
        [60.8, 56.5 + NORTH_1KM_DEG * i / (count - 1)] + ([] if ele is None else [ele])
        for i, ele in enumerate(elevations)
    ]
    properties = {
        "name_ru": "Прямая",
        "name_en": "Straight",
        "description_ru": "Километр на север",
        "description_en": "A kilometre north",
        "mode": mode,
        "months": [1],
        "audiences": ["adults"],
        "surface": "asphalt",
        "source_ru": "test",
        "accuracy_ru": "approximate: test",
        "elevation_ru": "approximate: test",
        "updated": "2026-01-24",
    }
    features = [
        {
            "type": "Feature",
            "id": "straight",
            "properties": properties,
            "geometry": {"type": "LineString", "coordinates": coordinates},
        }
    ]
    features += stops or []
    track, problems = parse_track(
        {"type": "FeatureCollection", "features": features}, "tracks/straight.geojson", "straight"
    )
    assert not problems, problems
    return track


def test_straight_kilometre_is_1000_m_on_the_ellipsoid():
    measure = measure_track(straight_track([240.0, 240.0]))
    assert measure.length_m == pytest.approx(1000, abs=1)


@pytest.mark.parametrize(
    ("audience", "expected_steps", "expected_minutes"),
    [(ADULT, 1389, 60 / 4.968), (SENIOR, 1613, 60 / 3.348), (CHILD, 1818, 60 / 3.63)],
    ids=["adults", "seniors", "children"],
)
def test_steps_and_time_on_a_flat_kilometre(audience, expected_steps, expected_minutes):
    track = straight_track([240.0, 240.0])
    figures = audience_figures(track, measure_track(track), audience)
    assert figures.steps == pytest.approx(expected_steps, abs=1)
    assert figures.duration_s / 60 == pytest.approx(expected_minutes, rel=0.005)


def test_known_slope_of_ten_percent():
    # 100 m of climb over 1 km (vertices every 250 m): Tobler gives 6·e^(-3.5·0.15) km/h uphill.
    track = straight_track([200.0, 225.0, 250.0, 275.0, 300.0])
    measure = measure_track(track)
    assert measure.climb == elevation.Climb(
        ascent_m=pytest.approx(100, abs=0.5), descent_m=0.0, known_fraction=1.0
    )
    assert measure.max_gradient_pct == pytest.approx(10.0, abs=0.1)
    assert measure.mean_gradient_pct == pytest.approx(10.0, abs=0.1)
    uphill_kmh = 6 * math.exp(-3.5 * 0.15) * ADULT.flat_speed_kmh / metrics.tobler_speed_kmh(0)
    figures = audience_figures(track, measure, ADULT)
    assert figures.duration_s == pytest.approx(3600 / uphill_kmh, rel=0.01)
    # Compendium 17211, walking uphill 6-15 %: 8.0 MET for 70 kg.
    assert figures.energy_kcal == pytest.approx(8.0 * 70 * figures.duration_s / 3600, abs=1)
    assert figures.gradient_ok is True
    assert audience_figures(track, measure, SENIOR).gradient_ok is False


def test_missing_elevation_is_unknown_not_zero():
    track = straight_track([240.0, None, None, 260.0, 270.0])
    measure = measure_track(track)
    # Only the last quarter (260 → 270 m) has both heights known.
    assert measure.climb.ascent_m == pytest.approx(10, abs=0.5)
    assert measure.climb.known_fraction == pytest.approx(0.25, abs=0.001)
    assert not measure.climb.complete
    assert measure.slopes[:3] == (None, None, None)


def test_no_elevation_at_all_gives_no_climb():
    measure = measure_track(straight_track([None, None, None]))
    assert (measure.climb.ascent_m, measure.climb.descent_m, measure.climb.known_fraction) == (
        None,
        None,
        0.0,
    )
    assert measure.max_gradient_pct is None


@pytest.mark.parametrize(
    ("elevations", "mode", "complete"),
    [
        ([240.0, 250.0, 260.0], "walk", True),
        ([240.0, None, 260.0], "walk", False),
        ([None, None], "walk", False),
        ([240.0, 290.0], "ski", True),
        ([240.0, None, 290.0], "ski", False),
    ],
    ids=["walk-known", "walk-partial", "walk-none", "ski-known", "ski-partial"],
)
def test_duration_says_whether_it_counts_every_climb(elevations, mode, complete):
    # Unknown heights count as flat (walking) or as no climb (skiing): the measure says so.
    measure = measure_track(straight_track(elevations, mode=mode))
    assert measure.duration_complete is complete


def test_ski_time_over_unknown_heights_is_a_lower_bound():
    known = straight_track([240.0, 265.0, 290.0], mode="ski")
    partial = straight_track([240.0, None, 290.0], mode="ski")
    known_s = audience_figures(known, measure_track(known), ADULT).duration_s
    partial_s = audience_figures(partial, measure_track(partial), ADULT).duration_s
    assert partial_s < known_s
    assert not measure_track(partial).duration_complete


def test_smoothing_removes_gps_noise():
    # A flat 1 km line whose heights jitter ±2 m every 10 m: the raw gain is 200 m.
    count = 101
    jitter = [240.0 + (2.0 if i % 2 else -2.0) for i in range(count)]
    raw_gain_m = sum(max(0.0, b - a) for a, b in itertools.pairwise(jitter))
    assert raw_gain_m == 200
    measure = measure_track(straight_track(jitter))
    assert measure.climb.ascent_m < 0.15 * raw_gain_m


def noisy(count: int, kind: str) -> list[float]:
    """±3 m of phone-GPS height noise around 236 m: a slow swing, point-to-point jitter, or seeded random."""
    rng = random.Random(3)
    noise = {
        "swing": lambda i: 3 * math.sin(i / 50),
        "jitter": lambda i: 3.0 if i % 2 else -3.0,
        "random": lambda i: rng.uniform(-3, 3),
    }[kind]
    return [236 + noise(i) for i in range(count)]


@pytest.mark.parametrize(
    ("kind", "raw_gain_m", "max_ascent_m"),
    [("swing", 189, 30), ("random", 10_036, 45), ("jitter", 30_000, 120)],
)
def test_dense_recording_noise_is_not_a_climb(kind: str, raw_gain_m: float, max_ascent_m: float):
    # 10,000 points 0.7 m apart with ±3 m of noise (bench_tracks.py's walk swings like "swing"). A plain
    # moving average left 129, 71 and 209 m of ascent. A sign flip at every point ("jitter") still leaves
    # about 110 m: the window's point count changes by one as it slides (a moving average's known residue).
    heights = noisy(10_000, kind)
    assert sum(max(0.0, b - a) for a, b in itertools.pairwise(heights)) == pytest.approx(raw_gain_m, rel=0.01)
    result = elevation.climb([0.7] * 9_999, heights)
    assert result.ascent_m < max_ascent_m and result.descent_m < max_ascent_m


@pytest.mark.parametrize("kind", ["swing", "random"])
def test_a_hill_on_a_straight_line_is_kept(kind: str):
    # A 30 m hill on a straight line: simplifying the map line would keep only its two ends and lose
    # the hill; the profile's simplification keeps the top, so the climb survives the noise.
    count = 1001  # a vertex every metre over 1 km
    hill = [15 * (1 - math.cos(2 * math.pi * i / (count - 1))) for i in range(count)]
    heights = [240 + h + n - 236 for h, n in zip(hill, noisy(count, kind), strict=True)]
    measure = measure_track(straight_track(heights))
    assert measure.climb.ascent_m == pytest.approx(30, abs=5)
    assert measure.climb.descent_m == pytest.approx(30, abs=5)


@pytest.mark.parametrize(
    ("lengths", "heights", "expected"),
    [
        ([100.0, 100.0], [200, 210, 205], (5.0, 0.0)),  # the 10 m bump is within 20 m of the chord
        ([150.0, 150.0], [200, 210, 205], (10.0, 5.0)),  # 150 m apart: outside each other's window
        ([100.0, 100.0], [200, 240, 200], (40.0, 40.0)),  # a 40 m peak is kept by the simplification
        ([250.0] * 4, [200, 225, 250, 275, 300], (100.0, 0.0)),  # an even slope
    ],
    ids=["small-bump-averaged", "sparse-kept", "peak-kept", "even-slope"],
)
def test_climb_of_hand_computed_profiles(lengths, heights, expected):
    result = elevation.climb(lengths, heights)
    assert (result.ascent_m, result.descent_m) == expected


def test_ski_model():
    # 1 km flat at 6 km/h is 10 min for the model's skier; an adult's pace scales it.
    track = straight_track([240.0, 240.0], mode="ski")
    figures = audience_figures(track, measure_track(track), ADULT)
    factor = ADULT.flat_speed_kmh / metrics.tobler_speed_kmh(0)
    assert figures.duration_s == pytest.approx(600 / factor, abs=1)
    assert figures.steps is None


@pytest.mark.parametrize(
    ("length_m", "angle_deg", "expected"),
    [
        (999.9, 3.0, 1),
        (1000.0, 3.0, 2),
        (2999.9, 0.0, 2),
        (3000.0, 0.0, 3),
        (500.0, 3.01, 2),
        (500.0, 10.0, 2),
        (500.0, 10.01, 3),
        (500.0, None, 1),
    ],
    ids=[
        "below-1km",
        "at-1km",
        "below-3km",
        "at-3km",
        "over-3deg",
        "at-10deg",
        "over-10deg",
        "unknown-angle",
    ],
)
def test_terrenkur_class_boundaries(length_m, angle_deg, expected):
    assert terrenkur.terrenkur_class(length_m, angle_deg) == expected


def stop(stop_id: str, kind: str, fraction: float) -> dict:
    lat = 56.5 + NORTH_1KM_DEG * fraction
    properties = {"kind": kind, "name_ru": stop_id, "name_en": stop_id, "text_ru": "т", "text_en": "t"}
    return {
        "type": "Feature",
        "id": stop_id,
        "properties": properties,
        "geometry": {"type": "Point", "coordinates": [60.8, lat]},
    }


def test_longest_gap_between_benches():
    stops = [stop("b1", "bench", 0.2), stop("t1", "tea", 0.5), stop("v1", "view", 0.9)]
    measure = measure_track(straight_track([240.0, 240.0], stops=stops))
    # Rest points: start 0, bench 200, tea 500, finish 1000 (a view is not a rest).
    assert measure.longest_rest_gap_m == pytest.approx(500, abs=2)
    assert measure.stop_positions_m["b1"] == pytest.approx(200, abs=1)
    assert measure.terrenkur_class == 2
    assert measure.rest_gap_norm_m == 500


@pytest.mark.parametrize(
    ("stops", "mode", "gap_m", "over"),
    [
        ([stop("b1", "bench", 0.2), stop("t1", "tea", 0.5)], "walk", 500, False),  # at the norm
        ([stop("b1", "bench", 0.15)], "walk", 850, True),  # 850 m > 500 m
        ([stop("b1", "bench", 0.2), stop("t1", "tea", 0.49)], "walk", 510, True),
        ([], "ski", 1000, None),  # no terrenkur class for skiing: no norm
    ],
    ids=["at-norm", "over-norm", "just-over", "ski-no-norm"],
)
def test_rest_gap_over_the_class_norm(stops, mode, gap_m, over):
    measure = measure_track(straight_track([240.0, 240.0], mode=mode, stops=stops))
    assert measure.longest_rest_gap_m == pytest.approx(gap_m, abs=2)
    assert measure.rest_gap_over_norm is over


@pytest.mark.parametrize(
    ("speed_kmh", "slope", "met"),
    [(3.0, 0.0, 2.0), (3.5, 0.0, 2.8), (4.3, 0.0, 3.0), (5.0, 0.0, 3.5), (6.0, 0.0, 4.3), (6.5, 0.0, 5.0)],
    ids=["<2mph", "2.0mph", "2.5mph", "3mph", "3.5mph", "4mph"],
)
def test_walking_met_by_speed(speed_kmh, slope, met):
    assert metrics.walking_met(speed_kmh, slope) == met


def test_energy_scales_with_body_mass():
    track = straight_track([240.0, 240.0])
    measure = measure_track(track)
    light = audience_figures(track, measure, ADULT, mass_kg=50)
    heavy = audience_figures(track, measure, ADULT, mass_kg=100)
    assert heavy.energy_kcal == pytest.approx(2 * light.energy_kcal, abs=1)
