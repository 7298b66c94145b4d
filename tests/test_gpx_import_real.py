"""``ecomap import-gpx`` on real recordings (tests/data/gpx): parts kept apart, heights and encodings true."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import re
from pathlib import Path

import gpxpy
import pytest
from pyproj import Geod

from routes.check import _elevation_jumps
from routes.figures import measure_track, utm_crs
from routes.gpx import BREAK_GAP_S, RecordedPart, Recording, draft_part, read_recording
from routes.tracks import Track, parse_track
from tests.conftest import SYSERT_PACK
from tests.support.packs import CITY_TOML, write_pack

DATA = Path(__file__).parent / "data" / "gpx"
FILES = sorted(path.name for path in DATA.glob("*.gpx"))
WAYPOINTS_ONLY = {
    "unicode.gpx",
    "unicode-windows-1250.gpx",
    "unicode_with_bom.gpx",
    "unicode_with_bom_noencoding.gpx",
}
RECORDINGS = [name for name in FILES if name not in WAYPOINTS_ONLY]
GEOD = Geod(ellps="WGS84")
DAY = dt.date(2026, 12, 2)


def recording(name: str) -> Recording:
    return read_recording((DATA / name).read_bytes(), name)


def segments(name: str) -> list[list[gpxpy.gpx.GPXTrackPoint]]:
    """The points of every non-empty track segment, read by gpxpy alone (UTF-8 files only)."""
    document = gpxpy.parse((DATA / name).read_text(encoding="utf-8-sig"))
    return [segment.points for track in document.tracks for segment in track.segments if segment.points]


def step_m(first: tuple[float, float], second: tuple[float, float]) -> float:
    return GEOD.inv(first[0], first[1], second[0], second[1])[2]


def drafted_track(recording_: Recording, part: RecordedPart) -> Track:
    draft = draft_part(recording_, part, DAY)
    track_id = draft["features"][0]["id"]
    track, problems = parse_track(draft, f"tracks/{track_id}.geojson", track_id)
    assert problems == [] and track is not None, problems
    return track


@pytest.mark.parametrize("name", FILES)
def test_every_file_is_a_draft_or_a_message_never_a_traceback(run_ecomap, tmp_path: Path, name: str):
    out = tmp_path / "tracks"
    result = run_ecomap("import-gpx", str(DATA / name), "--out", f"{out}/")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    if name in WAYPOINTS_ONLY:
        assert result.exit_code == 1
        assert f"Error: {name}: the GPX has 0 distinct point(s)" in result.output
        return
    assert result.exit_code == 0, result.output
    written = sorted(out.glob("*.geojson"))
    assert len(written) == len(recording(name).parts) >= 1
    for path in written:
        _track, problems = parse_track(json.loads(path.read_text(encoding="utf-8")), path.name, path.stem)
        assert problems == [], problems


@pytest.mark.parametrize("name", [n for n in RECORDINGS if "iso-8859-1" not in n])
def test_parts_keep_to_their_segments_and_never_jump(name: str):
    own = segments(name)
    largest_step_m = max(
        step_m((a.longitude, a.latitude), (b.longitude, b.latitude))
        for points in own
        for a, b in itertools.pairwise(points)
    )
    rounded = [{(round(p.longitude, 6), round(p.latitude, 6)) for p in points} for points in own]
    parts = recording(name).parts
    assert len(parts) >= sum(len(points) > 1 for points in own)
    for part in parts:
        lon_lats = [position[:2] for position in part.positions]
        assert any(set(lon_lats) <= segment for segment in rounded), f"part {part.number} mixes segments"
        legs = [step_m(a, b) for a, b in itertools.pairwise(lon_lats)]
        assert max(legs) <= largest_step_m + 0.5, f"part {part.number} has a leg no fix-to-fix step made"


MULTI = [name for name in RECORDINGS if "iso-8859-1" not in name and len(segments(name)) > 1]


def test_the_multi_segment_files_are_the_ones_expected():
    # Guards the parametrization below: 7 of these files hold several tracks or segments.
    assert MULTI == [
        "cerknicko-jezero-with-elevations-zero.gpx",
        "cerknicko-jezero-without-elevations.gpx",
        "cerknicko-jezero.gpx",
        "cerknicko-without-times.gpx",
        "healthfit-run-two-segments.gpx",
        "korita-zbevnica.gpx",
        "lannion-plestin.gpx",
    ]


@pytest.mark.parametrize("name", MULTI)
def test_several_segments_give_several_parts_without_a_leg_between_them(name: str):
    parts = recording(name).parts
    assert len(parts) >= 2
    # The straight line the old import drew from each part's end to the next part's start is gone.
    for earlier, later in itertools.pairwise(parts):
        lon_lats = [position[:2] for position in later.positions]
        ends = list(itertools.pairwise(lon_lats))
        assert (earlier.positions[-1][:2], later.positions[0][:2]) not in ends


@pytest.mark.parametrize("name", ["korita-zbevnica.gpx", "lannion-plestin.gpx"])
def test_a_pause_of_over_five_minutes_splits_the_segment(name: str):
    pauses = [
        ((round(a.longitude, 6), round(a.latitude, 6)), (round(b.longitude, 6), round(b.latitude, 6)))
        for points in segments(name)
        for a, b in itertools.pairwise(points)
        if a.time and b.time and (b.time - a.time).total_seconds() > BREAK_GAP_S
    ]
    assert pauses, f"{name} was chosen for its pauses"
    legs = {
        (a[:2], b[:2])
        for part in recording(name).parts
        for a, b in zip(part.positions[:-1], part.positions[1:], strict=True)
    }
    assert not legs & set(pauses)


def test_a_recording_of_zero_heights_has_unknown_heights():
    zero = recording("cerknicko-jezero-with-elevations-zero.gpx")
    real = recording("cerknicko-jezero.gpx")
    assert [p.positions for p in zero.parts] == [
        tuple((lon, lat, None) for lon, lat, _ in p.positions) for p in real.parts
    ]
    assert any(ele for p in real.parts for _, _, ele in p.positions)
    draft = draft_part(zero, zero.parts[0], DAY)
    assert "every height is unknown" in draft["features"][0]["properties"]["elevation_en"]
    assert all(len(position) == 2 for position in draft["features"][0]["geometry"]["coordinates"])


def test_an_iso_8859_1_file_reads_as_its_utf_8_original():
    # lannion-plestin-iso-8859-1.gpx was made here: the original re-encoded, one name with an è.
    latin = recording("lannion-plestin-iso-8859-1.gpx")
    original = recording("lannion-plestin.gpx")
    assert latin.parts[0].name == "Lannion - Plestin-les-Grèves"
    assert [p.positions for p in latin.parts] == [p.positions for p in original.parts]


def test_a_windows_1250_file_keeps_its_letters():
    # unicode-windows-1250.gpx was made here: gpxpy's unicode.gpx re-encoded to windows-1250.
    names = [waypoint.name for waypoint in recording("unicode-windows-1250.gpx").waypoints]
    assert names == [waypoint.name for waypoint in recording("unicode.gpx").waypoints]
    assert names[0] == "šđčćž"


@pytest.mark.parametrize(
    ("name", "same_as"),
    [("healthfit-run-bom.gpx", "healthfit-run.gpx"), ("unicode_with_bom.gpx", None)],
)
def test_a_byte_order_mark_is_accepted(name: str, same_as: str | None):
    assert (DATA / name).read_bytes().startswith(b"\xef\xbb\xbf")
    read = recording(name)
    if same_as is None:
        assert read.waypoints and read.waypoints[0].name
    else:
        assert [p.positions for p in read.parts] == [p.positions for p in recording(same_as).parts]


def noisy(track: Track) -> bool:
    """Whether two neighbouring fixes differ in height by more than the distance between them."""
    lengths = measure_track(track).lengths_m
    heights = track.elevations_m
    return any(
        a is not None and b is not None and abs(b - a) > max(length, 1)
        for a, b, length in zip(heights[:-1], heights[1:], lengths, strict=True)
    )


def jumps_m(messages: list[str]) -> list[float]:
    pairs = [re.search(r"from (-?[\d.]+) m to (-?[\d.]+) m", message) for message in messages]
    return [abs(float(pair[2]) - float(pair[1])) for pair in pairs if pair]


HEIGHTED = [n for n in RECORDINGS if "elevations-zero" not in n and "without-elevations" not in n]


@pytest.mark.parametrize("name", HEIGHTED)
def test_the_height_check_lets_gps_noise_pass_and_catches_a_100_m_spike(name: str):
    read = recording(name)
    for part in read.parts:
        track = drafted_track(read, part)
        lengths = measure_track(track).lengths_m
        # GPS noise (a few metres between fixes a few metres apart) is never named; the only
        # jumps left in these recordings are heights 60-75 m off (Mojstrovka, korita-zbevnica).
        assert all(jump > 50 for jump in jumps_m(_elevation_jumps(track, lengths)))
        if measure_track(track).length_m < 100:
            continue
        middle = len(track.elevations_m) // 2
        heights = list(track.elevations_m)
        heights[middle] = heights[middle] + 100  # type: ignore[operator]
        spiked = dataclasses.replace(track, elevations_m=tuple(heights))
        messages = _elevation_jumps(spiked, lengths)
        named = [m for m in messages if f"(position {middle})" in m or f"at position {middle}:" in m]
        assert named, (part.number, messages)


def test_the_noisy_recordings_really_are_noisy():
    # The old fix-to-fix check fired on these; the windowed one above must not.
    noisy_files = set()
    for name in HEIGHTED:
        read = recording(name)
        if any(noisy(drafted_track(read, part)) for part in read.parts):
            noisy_files.add(name)
    assert {"around-visnjan-with-car.gpx", "cerknicko-jezero.gpx", "lannion-plestin.gpx"} <= noisy_files


def pack_around(root: Path, drafts: list[Track]) -> Path:
    """A pack (tests/support/packs.py) whose bbox, centre and metric CRS fit the drafts, for hill walkers.

    Its audiences are Sysert's, but adults may climb 100 %: a town in the hills sets its own
    limit, and a recording steeper than Sysert's 15 % is a choice of audience for the reviewer.
    """
    lons = [lon for track in drafts for lon in track.lons]
    lats = [lat for track in drafts for lat in track.lats]
    west, south, east, north = min(lons) - 0.01, min(lats) - 0.01, max(lons) + 0.01, max(lats) + 0.01
    center_lon, center_lat = (west + east) / 2, (south + north) / 2
    city = re.sub(r"bbox = .*", f"bbox = [{west}, {south}, {east}, {north}]", CITY_TOML)
    city = re.sub(r"center_lat = .*", f"center_lat = {center_lat}", city)
    city = re.sub(r"center_lon = .*", f"center_lon = {center_lon}", city)
    city = re.sub(r"crs_metric = .*", f'crs_metric = "{utm_crs(center_lon, center_lat)}"', city)
    write_pack(root, layers={"park": [], "rink-cinema": []}, city_toml=city)
    (root / "tracks").mkdir(exist_ok=True)
    audiences = (SYSERT_PACK / "tracks" / "audiences.toml").read_text(encoding="utf-8")
    hills = re.sub(r'(id = "adults"[^[]*?max_gradient_pct = )15\b', r"\g<1>100", audiences, count=1)
    assert hills != audiences
    (root / "tracks" / "audiences.toml").write_text(hills, encoding="utf-8")
    return root


# Why the drafts of these files cannot pass check-data as they are: the recordings' own heights.
EXPECTED_PROBLEMS = {
    # GPS heights 60-75 m off within 50-65 m (the altitude fix catching up, then stuck and dropping).
    "Mojstrovka.gpx": r"from 1886\.3 m \(position 27\) to 1946\.3 m |from 1942\.5 m.* to 18\d\d(\.\d)? m",
    # One fix 67 m above its neighbours (806.7 m between 739.9 m and 747.1 m).
    "korita-zbevnica.gpx": r"jumps from 739\.9 m \(position 16\) to 806\.7 m over 51 m at position 17",
}


@pytest.mark.parametrize("name", RECORDINGS)
def test_the_drafts_pass_check_data_in_a_pack_around_them(run_ecomap, tmp_path: Path, name: str):
    read = recording(name)
    pack = pack_around(tmp_path / "pack", [drafted_track(read, part) for part in read.parts])
    result = run_ecomap("import-gpx", str(DATA / name), "--out", f"{pack / 'tracks'}/")
    assert result.exit_code == 0, result.output
    checked = run_ecomap("check-data", str(pack))
    problems = [line for line in checked.output.splitlines() if line.startswith(f"{pack}/tracks/")]
    if name not in EXPECTED_PROBLEMS:
        assert checked.exit_code == 0, checked.output
        assert checked.output.count("\ntrack ") + checked.output.startswith("track ") == len(read.parts)
        return
    assert checked.exit_code == 1 and problems
    assert all(re.search(EXPECTED_PROBLEMS[name], line) for line in problems), checked.output
