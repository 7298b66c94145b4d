"""``check_tracks``: the Sysert tracks pass; each kind of broken track is named by file, track and problem."""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from routes import check_tracks, load_audiences, load_tracks
from routes.tracks import TrackError, parse_track
from tests.conftest import SYSERT_PACK

GOOD_ID = "terrenkur-embankment"


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A copy of the Sysert pack that a test may break."""
    return Path(shutil.copytree(SYSERT_PACK, tmp_path / "sysert"))


def good_track() -> dict:
    return json.loads((SYSERT_PACK / "tracks" / f"{GOOD_ID}.geojson").read_text(encoding="utf-8"))


def write(pack: Path, document: dict | str, name: str = GOOD_ID) -> None:
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    (pack / "tracks" / f"{name}.geojson").write_text(text, encoding="utf-8")


def test_sysert_tracks_have_no_problems():
    assert check_tracks(SYSERT_PACK) == []


def _route(document: dict) -> dict:
    return document["features"][0]


def far_stop(document: dict) -> None:
    document["features"][1]["geometry"]["coordinates"] = [60.80, 56.50]


def unknown_audience(document: dict) -> None:
    _route(document)["properties"]["audiences"] = ["seniors", "astronauts"]


def steep(document: dict) -> None:
    coordinates = _route(document)["geometry"]["coordinates"]
    coordinates[1] = [*coordinates[1][:2], coordinates[0][2] + 20]


def empty_line(document: dict) -> None:
    _route(document)["geometry"]["coordinates"] = []


def single_point(document: dict) -> None:
    first = _route(document)["geometry"]["coordinates"][0]
    _route(document)["geometry"]["coordinates"] = [first, first]


def text_elevation(document: dict) -> None:
    coordinates = _route(document)["geometry"]["coordinates"]
    coordinates[2] = [*coordinates[2][:2], "240"]


def impossible_elevation(document: dict) -> None:
    coordinates = _route(document)["geometry"]["coordinates"]
    coordinates[2] = [*coordinates[2][:2], 24000.0]


def jumping_elevation(document: dict) -> None:
    coordinates = _route(document)["geometry"]["coordinates"]
    coordinates[2] = [*coordinates[2][:2], coordinates[1][2] + 400]


def over_water(document: dict) -> None:
    coordinates = _route(document)["geometry"]["coordinates"]
    coordinates.insert(2, [60.7980, 56.4880, 236.0])  # the middle of the town pond


def bad_mode(document: dict) -> None:
    _route(document)["properties"]["mode"] = "swim"


def missing_name(document: dict) -> None:
    del _route(document)["properties"]["name_en"]


def missing_russian_source(document: dict) -> None:
    del _route(document)["properties"]["source_ru"]


def old_english_only_note(document: dict) -> None:
    properties = _route(document)["properties"]
    properties["accuracy"] = properties.pop("accuracy_en")


def bad_english_accuracy(document: dict) -> None:
    _route(document)["properties"]["elevation_en"] = "roughly: by eye"


def gravel_for_wheelchairs(document: dict) -> None:
    _route(document)["properties"]["audiences"] = ["limited-mobility"]
    _route(document)["properties"]["surface"] = "gravel"


def bad_stop_kind(document: dict) -> None:
    document["features"][1]["properties"]["kind"] = "kiosk"


def swapped(document: dict) -> None:
    coordinates = _route(document)["geometry"]["coordinates"]
    coordinates[0] = [coordinates[0][1], coordinates[0][0], *coordinates[0][2:]]


BREAKAGES: list[tuple[Callable[[dict], None], str]] = [
    (far_stop, r"stop 'terrenkur-embankment-start' is \d+ m from its track"),
    (unknown_audience, r"unknown audience 'astronauts'"),
    (steep, r"gradient of [\d.]+ % is over the 5 % limit of audience 'seniors'"),
    (empty_line, r"the line needs at least 2 positions"),
    (single_point, r"the line has a single distinct point"),
    (text_elevation, r"position 2 .* must be \[lon, lat\] or \[lon, lat, elevation\]"),
    (impossible_elevation, r"position 2: elevation 24000.0 m is not a height on Earth"),
    (jumping_elevation, r"elevation jumps from .* at position 2: a typo\?"),
    (over_water, r"runs \d+ m over the water of 'reservoir-sysert'"),
    (bad_mode, r"'mode' must be one of walk, ski, got 'swim'"),
    (missing_name, r"property 'name_en' is missing"),
    (missing_russian_source, r"property 'source_ru' is missing"),  # the default language's is required
    (old_english_only_note, r"unknown property 'accuracy'"),
    (bad_english_accuracy, r"'elevation_en' must start with one of surveyed, approximate"),
    (gravel_for_wheelchairs, r"surface 'gravel' does not suit audience 'limited-mobility'"),
    (bad_stop_kind, r"'kind' must be one of .* got 'kiosk'"),
    (swapped, r"outside the city bounding box \(swapped lat/lon\?\)"),
]


@pytest.mark.parametrize(("breakage", "pattern"), BREAKAGES, ids=[b.__name__ for b, _ in BREAKAGES])
def test_each_problem_names_file_track_and_problem(pack: Path, breakage, pattern: str):
    document = copy.deepcopy(good_track())
    breakage(document)
    write(pack, document)
    problems = check_tracks(pack)
    assert problems, f"{breakage.__name__} was not caught"
    text = "\n".join(map(str, problems))
    assert all(p.file == f"tracks/{GOOD_ID}.geojson" for p in problems), text
    assert all(GOOD_ID in p.where for p in problems), text
    assert any(re.search(pattern, p.message) for p in problems), text


def stop_outside_bbox(document: dict) -> None:
    document["features"][2]["geometry"]["coordinates"] = [61.5, 57.0]


COMBINED: list[tuple[Callable[[dict], None], ...]] = [
    (unknown_audience, far_stop),
    (unknown_audience, steep),
    (unknown_audience, jumping_elevation),
    (unknown_audience, over_water),
    (unknown_audience, far_stop, steep),
    (stop_outside_bbox, far_stop, unknown_audience),
]
PATTERNS = {breakage: pattern for breakage, pattern in BREAKAGES} | {
    stop_outside_bbox: r"stop '[a-z0-9-]+' \[61.5, 57.0\] is outside the city bounding box"
}


@pytest.mark.parametrize(
    "breakages", COMBINED, ids=["+".join(b.__name__ for b in breakages) for breakages in COMBINED]
)
def test_every_problem_of_a_track_is_reported_at_once(pack: Path, breakages):
    # An unknown audience used to hide the rest: a stop 1 km off its line went unreported.
    document = copy.deepcopy(good_track())
    for breakage in breakages:
        breakage(document)
    write(pack, document)
    text = "\n".join(str(p) for p in check_tracks(pack))
    for breakage in breakages:
        assert re.search(PATTERNS[breakage], text), f"{breakage.__name__} not reported in:\n{text}"


def test_a_line_outside_the_city_stops_the_check_early(pack: Path):
    document = copy.deepcopy(good_track())
    swapped(document)
    unknown_audience(document)
    far_stop(document)
    write(pack, document)
    messages = [p.message for p in check_tracks(pack)]
    assert len(messages) == 2, messages
    assert "unknown audience 'astronauts'" in messages[0]
    assert "outside the city bounding box (swapped lat/lon?)" in messages[1]


def test_a_note_without_english_is_said_in_the_default_language(pack: Path):
    document = copy.deepcopy(good_track())
    for note in ("source", "accuracy", "elevation"):
        del _route(document)["properties"][f"{note}_en"]
    track, problems = parse_track(document, f"tracks/{GOOD_ID}.geojson", GOOD_ID)
    assert problems == []
    assert track.source["en"] == track.source["ru"] == _route(document)["properties"]["source_ru"]
    assert track.accuracy["en"].startswith("approximate: проведён")


def test_without_a_pack_a_position_off_the_earth_is_reported():
    from routes.check import check_track

    document = copy.deepcopy(good_track())
    _route(document)["geometry"]["coordinates"][1][1] = 95.0
    track, problems = parse_track(document, f"tracks/{GOOD_ID}.geojson", GOOD_ID)
    assert problems == []
    assert check_track(track, {}, None)[-1] == (
        f"position 1 [{track.lons[1]}, 95.0] is not a longitude and latitude"
    )


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        ("{not json", r"unreadable JSON"),
        ('{"type": "Feature"}', r"must be a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection", "features": []}', r"needs exactly one LineString feature, found 0"),
    ],
    ids=["bad-json", "not-a-collection", "no-line"],
)
def test_unreadable_track_files(pack: Path, content: str, pattern: str):
    write(pack, content, name="broken")
    problems = check_tracks(pack)
    assert [p.file for p in problems] == ["tracks/broken.geojson"]
    with pytest.raises(TrackError, match=pattern):
        load_tracks(pack)


def test_audience_problems_are_named(pack: Path):
    path = pack / "tracks" / "audiences.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "step_length_m = 0.62\ncadence_spm = 90", "step_length_m = -1\ncadence_spm = 90", 1
        ),
        encoding="utf-8",
    )
    problems = check_tracks(pack)
    expected = "tracks/audiences.toml: audience 'seniors': 'step_length_m' must be positive, got -1"
    assert str(problems[0]) == expected
    assert any("unknown audience 'seniors'" in p.message for p in problems[1:])


def test_file_name_must_match_the_line_id(pack: Path):
    write(pack, good_track(), name="another-name")
    problems = check_tracks(pack)
    assert any(
        p.file == "tracks/another-name.geojson" and "must be the file name" in p.message for p in problems
    )


def test_a_pack_without_tracks_has_no_track_problems(good_pack: Path):
    assert check_tracks(good_pack) == []


def test_a_tracks_folder_without_audiences_uses_the_default_audiences(pack: Path):
    (pack / "tracks" / "audiences.toml").unlink()
    assert check_tracks(pack) == []
    audiences, problems = load_audiences(pack)
    assert problems == []
    assert set(audiences) == {"adults", "seniors", "children", "limited-mobility"}
