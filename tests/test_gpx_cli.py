"""``ecomap export-gpx`` writes what the site serves; ``ecomap import-gpx`` drafts walks or says why not."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import gpxpy.gpx
import pytest

from routes.check import check_track
from routes.gpx import BREAK_GAP_S, BREAK_STEP_M, MAX_GPX_BYTES, GpxImportError, import_gpx, read_recording
from routes.tracks import parse_track
from webmap.tracks import views as tracks


def test_export_writes_what_the_site_serves(run_ecomap, app, client, tmp_path: Path):
    result = run_ecomap(
        "export-gpx", "--out", str(tmp_path), "--lang", "en", "--base-url", "http://localhost"
    )
    assert result.exit_code == 0, result.output
    files = sorted(path.name for path in tmp_path.iterdir())
    assert files == sorted(f"{track_id}.gpx" for track_id in app.extensions[tracks.EXTENSION].tracks)
    served = client.get("/tracks/ski-talkov-kamen.gpx?lang=en").get_data(as_text=True)
    assert (tmp_path / "ski-talkov-kamen.gpx").read_text(encoding="utf-8") == served


def test_export_one_track(run_ecomap, tmp_path: Path):
    result = run_ecomap("export-gpx", "--track", "terrenkur-embankment", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert [path.name for path in tmp_path.iterdir()] == ["terrenkur-embankment.gpx"]


def test_export_unknown_track_is_a_message(run_ecomap, tmp_path: Path):
    result = run_ecomap("export-gpx", "--track", "nope", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "no track 'nope'" in result.output
    assert isinstance(result.exception, SystemExit)


def recording(points: int = 50, with_ele: bool = True) -> str:
    document = gpxpy.gpx.GPX()
    document.name = "Прогулка гида"
    track = gpxpy.gpx.GPXTrack()
    segment = gpxpy.gpx.GPXTrackSegment()
    for index in range(points):
        ele = 236.0 + index * 0.02 if with_ele else None
        segment.points.append(
            gpxpy.gpx.GPXTrackPoint(56.4950 + index * 0.00002, 60.8050 + index * 0.00003, elevation=ele)
        )
    track.segments.append(segment)
    document.tracks.append(track)
    document.waypoints.append(
        gpxpy.gpx.GPXWaypoint(56.4955, 60.80575, name="Скамейка", description="Отдых", type="bench")
    )
    return document.to_xml()


def test_import_makes_a_draft_that_passes_the_checks(run_ecomap, app, tmp_path: Path):
    source = tmp_path / "guide.gpx"
    source.write_text(recording(), encoding="utf-8")
    out = tmp_path / "draft.geojson"
    result = run_ecomap("import-gpx", str(source), "--out", str(out))
    assert result.exit_code == 0, result.output
    draft = json.loads(out.read_text(encoding="utf-8"))
    track, problems = parse_track(draft, "tracks/progulka-gida.geojson", "progulka-gida")
    assert problems == []
    assert len(track.lons) == 50 and track.elevations_m[0] == 236.0
    assert track.stops[0].kind == "bench"
    catalog = app.extensions[tracks.EXTENSION]
    assert check_track(track, catalog.audiences, None) == []


def test_import_without_heights_leaves_them_unknown(run_ecomap, tmp_path: Path):
    source = tmp_path / "flat.gpx"
    source.write_text(recording(with_ele=False), encoding="utf-8")
    result = run_ecomap("import-gpx", str(source))
    assert result.exit_code == 0, result.output
    draft = json.loads(result.output)
    assert all(len(position) == 2 for position in draft["features"][0]["geometry"]["coordinates"])
    assert "unknown" in draft["features"][0]["properties"]["elevation_en"]


NO_POINTS = (
    '<?xml version="1.0"?><gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1"></gpx>'
)
LAUGHS = '<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><gpx>&b;</gpx>'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('<?xml version="1.0"?><gpx version="1.1"><trk><trkseg><trkpt lat="56.5"', "malformed GPX"),
        (NO_POINTS, "has 0 distinct point(s)"),
        ('{"type": "FeatureCollection", "features": []}', "not a GPX file"),
        ('<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"></kml>', "not a GPX file"),
        (LAUGHS, "entity declarations are not allowed"),
        (b'<?xml version="1.0"?><gpx>\xff\xfe</gpx>', "not UTF-8"),
    ],
    ids=["malformed", "no-points", "json", "kml", "entities", "binary"],
)
def test_import_errors_are_messages_not_tracebacks(
    run_ecomap, tmp_path: Path, content: str | bytes, message: str
):
    source = tmp_path / "bad.gpx"
    source.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = run_ecomap("import-gpx", str(source))
    assert result.exit_code == 1
    assert message in result.output
    assert isinstance(result.exception, SystemExit)


def points_gpx(*points: str) -> bytes:
    """A GPX 1.1 file whose one track segment holds the ``<trkpt>`` elements given."""
    body = "".join(points)
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><trkseg>{body}</trkseg></trk></gpx>"
    ).encode()


GOOD_POINT = '<trkpt lat="56.495" lon="60.805"><ele>236</ele></trkpt>'


@pytest.mark.parametrize(
    ("bad_point", "pattern"),
    [
        ('<trkpt lat="95.0" lon="60.8"/>', r"^walk\.gpx: point 1: latitude 95\.0 is outside -90\.\.90$"),
        ('<trkpt lat="-90.5" lon="60.8"/>', r"^walk\.gpx: point 1: latitude -90\.5 is outside -90\.\.90$"),
        ('<trkpt lat="NaN" lon="60.8"/>', r"^walk\.gpx: point 1: latitude nan is outside -90\.\.90$"),
        ('<trkpt lat="56.5" lon="200"/>', r"^walk\.gpx: point 1: longitude 200\.0 is outside -180\.\.180$"),
        ('<trkpt lat="56.5" lon="-180.1"/>', r"point 1: longitude -180\.1 is outside -180\.\.180$"),
        ('<trkpt lat="56.5" lon="60.8"><ele>NaN</ele></trkpt>', r"point 1: elevation nan is not a finite"),
        ('<trkpt lat="56.5" lon="60.8"><ele>inf</ele></trkpt>', r"point 1: elevation inf is not a finite"),
        ('<trkpt lat="56.5" lon="60.8"><ele>-Infinity</ele></trkpt>', r"point 1: elevation -inf is not"),
    ],
    ids=[
        "lat-over-90",
        "lat-under-90",
        "lat-nan",
        "lon-over-180",
        "lon-under-180",
        "ele-nan",
        "ele-inf",
        "ele-minf",
    ],
)
def test_import_refuses_points_off_the_earth_and_non_finite_heights(bad_point: str, pattern: str):
    data = points_gpx(GOOD_POINT, bad_point, GOOD_POINT)
    with pytest.raises(GpxImportError, match=pattern):
        import_gpx(data, "walk.gpx", dt.date(2026, 11, 28))


@pytest.mark.parametrize(
    "edge", ['lat="90" lon="180"', 'lat="-90" lon="-180"'], ids=["north-east", "south-west"]
)
def test_import_accepts_the_edges_of_the_earth(edge: str):
    draft = import_gpx(points_gpx(GOOD_POINT, f"<trkpt {edge}/>"), "walk.gpx", dt.date(2026, 11, 28))
    assert len(draft["features"][0]["geometry"]["coordinates"]) == 2


def test_import_of_a_bad_point_is_a_message(run_ecomap, tmp_path: Path):
    source = tmp_path / "walk.gpx"
    source.write_bytes(
        points_gpx(GOOD_POINT, GOOD_POINT, '<trkpt lat="56.5" lon="60.8"><ele>NaN</ele></trkpt>')
    )
    result = run_ecomap("import-gpx", str(source))
    assert result.exit_code == 1
    assert "walk.gpx: point 2: elevation nan is not a finite number" in result.output


def test_import_refuses_a_file_over_the_limit(run_ecomap, tmp_path: Path):
    source = tmp_path / "huge.gpx"
    with source.open("wb") as file:
        file.truncate(MAX_GPX_BYTES + 1)
    result = run_ecomap("import-gpx", str(source))
    assert result.exit_code == 1
    assert "over the" in result.output and "MB limit" in result.output


def test_import_of_a_missing_file(run_ecomap, tmp_path: Path):
    result = run_ecomap("import-gpx", str(tmp_path / "nowhere.gpx"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


START = dt.datetime(2026, 5, 1, 10, tzinfo=dt.UTC)


def walk(*segments: list[tuple[float, float]], creator: str = "phone", ele: float | None = 240.0) -> bytes:
    """A one-track GPX: each segment a list of (seconds from START or None, metres north of the first fix)."""
    document = gpxpy.gpx.GPX()
    document.creator = creator
    track = gpxpy.gpx.GPXTrack(name="Прогулка")
    for fixes in segments:
        segment = gpxpy.gpx.GPXTrackSegment()
        for seconds, north_m in fixes:
            time = None if seconds is None else START + dt.timedelta(seconds=seconds)
            point = gpxpy.gpx.GPXTrackPoint(56.495 + north_m / 111_320, 60.805, elevation=ele, time=time)
            segment.points.append(point)
        track.segments.append(segment)
    document.tracks.append(track)
    return document.to_xml().encode()


def steady(first_s: float, first_m: float, count: int = 5) -> list[tuple[float, float]]:
    """``count`` fixes 10 s and 10 m apart from (first_s, first_m)."""
    return [(first_s + 10 * index, first_m + 10 * index) for index in range(count)]


def parts_of(data: bytes) -> list[int]:
    """The number of positions of each part of a recording."""
    return [len(part.positions) for part in read_recording(data, "walk.gpx").parts]


@pytest.mark.parametrize(
    ("gap_s", "gap_m", "expected"),
    [
        (BREAK_GAP_S - 1, 10, [10]),
        (BREAK_GAP_S + 1, 10, [5, 5]),
        (60, BREAK_STEP_M - 1, [10]),
        (60, BREAK_STEP_M + 1, [5, 5]),
    ],
    ids=["pause-under-5-min", "pause-over-5-min", "step-under-500-m", "step-over-500-m"],
)
def test_a_pause_or_a_long_step_cuts_a_segment(gap_s: float, gap_m: float, expected: list[int]):
    data = walk([*steady(0, 0), *steady(40 + gap_s, 40 + gap_m)])
    assert parts_of(data) == expected


def test_a_segment_without_times_keeps_its_long_steps():
    untimed = [(None, 0), (None, 10), (None, 10 + 2 * BREAK_STEP_M), (None, 20 + 2 * BREAK_STEP_M)]
    assert parts_of(walk(untimed)) == [4]


def test_segments_are_never_joined_even_two_metres_apart():
    assert parts_of(walk(steady(0, 0), steady(50, 42))) == [5, 5]


def test_a_lone_fix_after_a_pause_is_left_out(run_ecomap, tmp_path: Path):
    source = tmp_path / "walk.gpx"
    source.write_bytes(walk([*steady(0, 0), (3600, 50)]))
    result = run_ecomap("import-gpx", str(source), "--out", str(tmp_path / "draft.geojson"))
    assert result.exit_code == 0, result.output
    assert "1 break(s)" in result.output and "1 piece(s) of a single point left out" in result.output
    assert (
        len(json.loads((tmp_path / "draft.geojson").read_text())["features"][0]["geometry"]["coordinates"])
        == 5
    )


@pytest.fixture
def two_parts(tmp_path: Path) -> Path:
    source = tmp_path / "walk.gpx"
    source.write_bytes(walk(steady(0, 0), steady(3600, 2000, count=7)))
    return source


def test_several_parts_without_a_choice_are_listed(run_ecomap, two_parts: Path):
    result = run_ecomap("import-gpx", str(two_parts))
    assert result.exit_code == 1
    assert "Error: walk.gpx: the recording has 2 parts:" in result.output
    assert (
        "1: track 1, segment 1 'Прогулка', 5 points, 0.04 km, 2026-05-01 10:00–10:00 (1 min)" in result.output
    )
    assert (
        "2: track 1, segment 2 'Прогулка', 7 points, 0.06 km, 2026-05-01 11:00–11:01 (1 min)" in result.output
    )
    assert "Choose one with --part N, or write each to a folder with --out DIR/." in result.output
    assert isinstance(result.exception, SystemExit)


def test_list_only_lists(run_ecomap, two_parts: Path):
    result = run_ecomap("import-gpx", str(two_parts), "--list")
    assert result.exit_code == 0
    assert result.output.splitlines()[1].startswith("2: track 1, segment 2 'Прогулка', 7 points")
    assert not list(two_parts.parent.glob("*.geojson"))


def test_part_n_drafts_that_part(run_ecomap, two_parts: Path):
    result = run_ecomap("import-gpx", str(two_parts), "--part", "2")
    assert result.exit_code == 0, result.output
    draft = json.loads(result.stdout)
    line = draft["features"][0]
    assert line["id"] == "progulka-2"
    assert (
        line["properties"]["name_ru"] == "Прогулка, часть 2"
        and "part 2 of 2" in line["properties"]["source_en"]
    )
    assert len(line["geometry"]["coordinates"]) == 7


def test_a_part_that_is_not_there(run_ecomap, two_parts: Path):
    result = run_ecomap("import-gpx", str(two_parts), "--part", "3")
    assert result.exit_code == 1
    assert "walk.gpx: there is no part 3; the recording has 2 parts:" in result.output


def test_out_dir_writes_every_part_as_a_track_file(run_ecomap, app, two_parts: Path, tmp_path: Path):
    folder = tmp_path / "tracks"
    result = run_ecomap("import-gpx", str(two_parts), "--out", f"{folder}/")
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in folder.iterdir()) == ["progulka-1.geojson", "progulka-2.geojson"]
    catalog = app.extensions[tracks.EXTENSION]
    for path in folder.iterdir():
        track, problems = parse_track(json.loads(path.read_text()), f"tracks/{path.name}", path.stem)
        assert problems == [] and track is not None
        assert check_track(track, catalog.audiences, None) == []


def test_heights_that_are_all_zero_are_unknown():
    positions = read_recording(walk(steady(0, 0), ele=0.0), "walk.gpx").parts[0].positions
    assert {ele for _, _, ele in positions} == {None}


def test_ecomaps_own_zero_heights_are_heights():
    positions = read_recording(walk(steady(0, 0), creator="ecomap", ele=0.0), "walk.gpx").parts[0].positions
    assert {ele for _, _, ele in positions} == {0.0}


def test_a_waypoint_far_from_every_part_is_named_and_left_out(run_ecomap, tmp_path: Path):
    document = gpxpy.parse(walk(steady(0, 0)).decode())
    document.waypoints.append(gpxpy.gpx.GPXWaypoint(56.495, 60.806, name="Родник"))  # 61 m east
    document.waypoints.append(gpxpy.gpx.GPXWaypoint(56.4952, 60.8051, name="Скамейка", type="bench"))
    source = tmp_path / "walk.gpx"
    source.write_text(document.to_xml(), encoding="utf-8")
    result = run_ecomap("import-gpx", str(source))
    assert result.exit_code == 0
    assert "walk.gpx: waypoint 'Родник' is 61 m from every part" in result.stderr
    stops = json.loads(result.stdout)["features"][1:]
    assert [stop["properties"]["name_ru"] for stop in stops] == ["Скамейка"]


def declared(encoding: str, name: str = "Прогулка у пруда") -> bytes:
    text = points_gpx(GOOD_POINT, '<trkpt lat="56.496" lon="60.806"><ele>237</ele></trkpt>').decode()
    text = text.replace('<?xml version="1.0"?>', f'<?xml version="1.0" encoding="{encoding}"?>')
    return text.replace("<trk>", f"<trk><name>{name}</name>").encode(encoding)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (declared("windows-1251"), "Прогулка у пруда"),
        (declared("KOI8-R"), "Прогулка у пруда"),
        (declared("ISO-8859-1", "Promenade à l'étang"), "Promenade à l'étang"),
        (b"\xef\xbb\xbf" + declared("UTF-8"), "Прогулка у пруда"),
        (declared("utf-16-le"), "Прогулка у пруда"),
        (declared("utf-16-be"), "Прогулка у пруда"),
        ("\ufeff".encode("utf-16-le") + declared("utf-16-le"), "Прогулка у пруда"),
    ],
    ids=["windows-1251", "koi8-r", "iso-8859-1", "utf-8-bom", "utf-16-le", "utf-16-be", "utf-16-bom"],
)
def test_the_declared_encoding_or_the_byte_order_mark_is_read(data: bytes, name: str):
    draft = import_gpx(data, "walk.gpx", dt.date(2026, 5, 1))
    assert draft["features"][0]["properties"]["name_ru"] == name


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (declared("UTF-8").replace(b"UTF-8", b"x-klingon"), "the encoding 'x-klingon', which is not a known"),
        (declared("UTF-8").replace(b"UTF-8", b"rot13"), "the encoding 'rot13', which is not a known text"),
        (declared("UTF-8").replace(b"UTF-8", b"ascii"), "not ascii text, as its XML declaration says"),
        (declared("windows-1251").replace(b"windows-1251", b"UTF-8"), "not UTF-8 text"),
        (b'<?xml version="1.0"?>\x00<gpx/>', "not a GPX file (XML text holds no NUL character)"),
    ],
    ids=["unknown", "not-text", "not-ascii", "1251-saying-utf-8", "nul"],
)
def test_a_wrong_encoding_is_named(run_ecomap, tmp_path: Path, data: bytes, message: str):
    source = tmp_path / "walk.gpx"
    source.write_bytes(data)
    result = run_ecomap("import-gpx", str(source))
    assert result.exit_code == 1
    assert "Error: walk.gpx: " in result.output and message in result.output
    assert isinstance(result.exception, SystemExit)


def test_a_draft_that_cannot_be_written_is_a_message(run_ecomap, tmp_path: Path):
    source = tmp_path / "walk.gpx"
    source.write_bytes(walk(steady(0, 0)))
    (tmp_path / "taken").write_text("a file, not a folder", encoding="utf-8")
    result = run_ecomap("import-gpx", str(source), "--out", str(tmp_path / "taken" / "draft.geojson"))
    assert result.exit_code == 1
    assert f"Error: {tmp_path / 'taken' / 'draft.geojson'}: cannot be written: " in result.output
    assert isinstance(result.exception, SystemExit)
