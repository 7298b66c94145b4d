"""``ecomap export-gpx`` writes what the site serves; ``ecomap import-gpx`` drafts a track or says why not."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import gpxpy.gpx
import pytest

from routes.check import check_track
from routes.gpx import MAX_GPX_BYTES, GpxImportError, import_gpx
from routes.tracks import parse_track
from webmap import tracks


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
    assert "unknown" in draft["features"][0]["properties"]["elevation"]


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
