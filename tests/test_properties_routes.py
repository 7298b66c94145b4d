"""Property-based tests of routes/: metrics, climb, and GPX out and in for random and broken tracks."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routes.elevation import climb, segment_slopes
from routes.gpx import STOP_SYMBOLS, GpxImportError, GpxText, build_gpx, import_gpx
from routes.metrics import length_m, ski_duration_s, steps, walking_duration_s, walking_energy_kcal
from routes.tracks import Stop, Track

FAST = settings(max_examples=100, deadline=None)

lons = st.floats(-180, 180)
lats = st.floats(-89.9, 89.9)
segment_lengths = st.lists(st.floats(0.5, 2_000), min_size=1, max_size=40)
heights = st.floats(-400, 8_800)
maybe_heights = st.none() | heights


@FAST
@given(st.lists(st.tuples(lons, lats), min_size=2, max_size=30))
def test_length_is_finite_and_not_negative(points):
    length = length_m([lon for lon, _ in points], [lat for _, lat in points])
    assert 0 <= length < 1e9


@FAST
@given(st.floats(0, 1e6), st.floats(0, 1e6), st.floats(0.3, 1.2))
def test_steps_grow_with_length(first_m, second_m, step_m):
    shorter, longer = sorted((first_m, second_m))
    assert 0 <= steps(shorter, step_m) <= steps(longer, step_m)


@FAST
@given(
    segment_lengths.flatmap(
        lambda lengths: st.tuples(
            st.just(lengths),
            st.lists(st.none() | st.floats(-1, 1), min_size=len(lengths), max_size=len(lengths)),
        )
    ),
    st.floats(1, 8),
    st.floats(20, 250),
)
def test_walking_time_and_energy_are_not_negative(case, flat_speed_kmh, mass_kg):
    lengths, slopes = case
    assert walking_duration_s(lengths, slopes, flat_speed_kmh) >= 0
    assert walking_energy_kcal(lengths, slopes, flat_speed_kmh, mass_kg) >= 0


@FAST
@given(st.floats(0, 1e6), st.floats(0, 1e4), st.floats(0.1, 3))
def test_ski_time_is_not_negative(length, ascent, factor):
    assert ski_duration_s(length, ascent, factor) >= 0


def profiles(values: st.SearchStrategy) -> st.SearchStrategy:
    """Segment lengths with one height (or None) per vertex."""
    return segment_lengths.flatmap(
        lambda lengths: st.tuples(
            st.just(lengths), st.lists(values, min_size=len(lengths) + 1, max_size=len(lengths) + 1)
        )
    )


def raw_climb(lengths, elevations):
    """Gain and loss straight from the heights, over runs of consecutive known ones."""
    gain = loss = 0.0
    for earlier, later in itertools.pairwise(elevations):
        if earlier is not None and later is not None:
            gain += max(0.0, later - earlier)
            loss += max(0.0, earlier - later)
    return gain, loss


@FAST
@given(profiles(maybe_heights))
def test_climb_is_not_negative_and_none_only_without_heights(profile):
    lengths, elevations = profile
    result = climb(lengths, elevations)
    known_runs = any(a is not None and b is not None for a, b in itertools.pairwise(elevations))
    if not known_runs:
        assert (result.ascent_m, result.descent_m, result.known_fraction) == (None, None, 0.0)
    else:
        assert result.ascent_m is not None and result.descent_m is not None
        assert result.ascent_m >= 0 and result.descent_m >= 0
        assert 0 <= result.known_fraction <= 1  # rounded to 4 places: a sliver of heights is 0.0


@FAST
@given(profiles(maybe_heights))
def test_smoothing_never_invents_climb(profile):
    lengths, elevations = profile
    result = climb(lengths, elevations)
    gain, loss = raw_climb(lengths, elevations)
    if result.ascent_m is not None:
        assert result.ascent_m <= gain + 0.1
        assert result.descent_m <= loss + 0.1


@FAST
@given(segment_lengths, heights)
def test_a_constant_profile_has_no_climb_and_no_slope(lengths, height):
    elevations = [height] * (len(lengths) + 1)
    result = climb(lengths, elevations)
    assert (result.ascent_m, result.descent_m, result.known_fraction) == (0.0, 0.0, 1.0)
    assert all(slope == 0 for slope in segment_slopes(lengths, elevations))


# Text that XML 1.0 can carry, without edge spaces (GPX readers strip them).
words = (
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def tracks(draw) -> Track:
    """A valid track: distinct positions (to 6 decimals), heights for all or none, a few stops."""
    count = draw(st.integers(2, 30))
    cells = draw(
        st.lists(
            st.tuples(st.integers(-1_800_000, 1_800_000), st.integers(-899_000, 899_000)),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    lons = tuple(lon / 10_000 for lon, _ in cells)
    lats = tuple(lat / 10_000 for _, lat in cells)
    with_heights = draw(st.booleans())
    elevations = tuple(draw(st.integers(-4000, 88000)) / 10 if with_heights else None for _ in cells)
    stops = tuple(
        Stop(
            f"s{index}",
            draw(st.sampled_from(sorted(STOP_SYMBOLS))),
            {"ru": name, "en": name},
            {"ru": name, "en": name},
            lons[0],
            lats[0],
        )
        for index, name in enumerate(draw(st.lists(words, max_size=3)))
    )
    name = draw(words)
    return Track(
        id="t",
        file="tracks/t.geojson",
        name={"ru": name, "en": name},
        description={"ru": name, "en": name},
        mode="walk",
        months=(1,),
        audiences=("adults",),
        surface="asphalt",
        source={"ru": "s", "en": "s"},
        accuracy={"ru": "surveyed", "en": "surveyed"},
        elevation_note={"ru": "n", "en": "n"},
        updated=dt.date(2026, 1, 1),
        lons=lons,
        lats=lats,
        elevations_m=elevations,
        stops=stops,
    )


@FAST
@given(tracks())
def test_gpx_round_trip_keeps_line_heights_stops_and_name(track):
    text = GpxText("description", "author", "link", "keywords")
    document = build_gpx(track, "en", text, "http://localhost/tracks/t").encode("utf-8")
    draft = import_gpx(document, "walk.gpx", dt.date(2026, 1, 2))
    line, *stops = draft["features"]
    expected = [
        [lon, lat] if ele is None else [lon, lat, ele]
        for lon, lat, ele in zip(track.lons, track.lats, track.elevations_m, strict=True)
    ]
    assert line["geometry"]["coordinates"] == expected
    assert line["properties"]["name_en"] == track.name["en"]
    assert [stop["properties"]["kind"] for stop in stops] == [stop.kind for stop in track.stops]
    assert [stop["properties"]["name_en"] for stop in stops] == [stop.name["en"] for stop in track.stops]


def _only_its_own_error(data: bytes) -> None:
    """Import ``data``: either its own error naming the file, or a draft of finite positions on the Earth."""
    try:
        draft = import_gpx(data, "random.gpx", dt.date(2026, 1, 1))
    except GpxImportError as error:
        assert str(error).startswith("random.gpx: ")
        return
    json.dumps(draft, allow_nan=False)
    line, *stops = draft["features"]
    for lon, lat, *_ in [
        *line["geometry"]["coordinates"],
        *(stop["geometry"]["coordinates"] for stop in stops),
    ]:
        assert -180 <= lon <= 180 and -90 <= lat <= 90


@FAST
@given(st.binary(max_size=2_000))
def test_import_of_random_bytes_raises_only_its_own_error(data):
    _only_its_own_error(data)


def sample(wpt_lat="56.5", wpt_lon="60.8", trk_lat="56.5", trk_lon="60.8", ele="250") -> bytes:
    """A small GPX with a waypoint and a two-point track, any of whose numbers may be replaced."""
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1">'
        f'<wpt lat="{wpt_lat}" lon="{wpt_lon}"><name>Bench</name><type>bench</type></wpt>'
        f'<trk><name>Walk</name><trkseg><trkpt lat="{trk_lat}" lon="{trk_lon}"><ele>{ele}</ele>'
        '<time>2026-01-01T10:00:00Z</time></trkpt><trkpt lat="56.51" lon="60.81"><ele>251</ele></trkpt>'
        "</trkseg></trk></gpx>"
    ).encode()


SAMPLE = sample()


@FAST
@given(st.data())
def test_import_of_a_damaged_gpx_raises_only_its_own_error(data):
    damaged = bytearray(SAMPLE)
    for _ in range(data.draw(st.integers(1, 6), label="edits")):
        index = data.draw(st.integers(0, len(damaged) - 1), label="at")
        action = data.draw(st.sampled_from(["replace", "delete", "insert"]), label="action")
        chunk = data.draw(
            st.sampled_from([b"-", b"9", b"e", b"<", b">", b'"', b"&", b"\xff", b"nan", b"1e999", b""])
            | st.binary(max_size=3),
            label="bytes",
        )
        if action == "replace":
            damaged[index : index + len(chunk)] = chunk
        elif action == "delete":
            del damaged[index : index + data.draw(st.integers(1, 20), label="length")]
        else:
            damaged[index:index] = chunk
    _only_its_own_error(bytes(damaged))


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e999", "91", "-181", "", "x"])
@pytest.mark.parametrize("field", ["wpt_lat", "wpt_lon", "trk_lat", "trk_lon", "ele"])
def test_import_of_bad_numbers_raises_only_its_own_error(field, value):
    _only_its_own_error(sample(**{field: value}))


def test_a_waypoint_off_the_earth_is_named():
    with pytest.raises(GpxImportError, match=r"^walk\.gpx: waypoint 0: latitude 91\.0 is outside -90\.\.90$"):
        import_gpx(sample(wpt_lat="91"), "walk.gpx", dt.date(2026, 1, 1))
