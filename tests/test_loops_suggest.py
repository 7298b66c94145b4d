"""``ecomap suggest-tracks``: draft tracks of each audience's step goal that check-data accepts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from geo.pack import load_pack
from routes.audiences import load_audiences
from routes.catalog import load_catalog
from routes.figures import measure_track
from routes.suggest import DRAFTS_DIR, central_places
from routes.tracks import read_track_file
from tests.conftest import SYSERT_PACK
from tests.test_loops_towns import TOWNS, town_pack


@pytest.fixture(scope="module")
def vaduz(tmp_path_factory) -> Path:
    return town_pack(TOWNS["vaduz"], tmp_path_factory.mktemp("vaduz"))


def drafted(pack: Path) -> dict[str, Path]:
    return {path.stem: path for path in sorted((pack / DRAFTS_DIR).glob("*.geojson"))}


def test_drafts_of_every_audience_pass_check_data_within_five_per_cent(run_ecomap, vaduz):
    result = run_ecomap("suggest-tracks", "--pack", str(vaduz))
    assert result.exit_code == 0, result.output
    audiences, _ = load_audiences(vaduz)
    drafts = drafted(vaduz)
    pack = load_pack(vaduz)
    by_audience = {}
    for path in drafts.values():
        track, problems = read_track_file(path, f"{DRAFTS_DIR}/{path.name}")
        assert problems == [] and track is not None
        (audience_id,) = track.audiences
        by_audience[audience_id] = track
        assert track.accuracy["en"].startswith("approximate: draft")
        steps = measure_track(track, pack.crs_metric).length_m / audiences[audience_id].step_length_m
        goal = audiences[audience_id].daily_step_goal
        assert abs(steps - goal) <= 0.05 * goal, (audience_id, steps, goal)
        assert (track.lons[0], track.lats[0]) == (track.lons[-1], track.lats[-1])
    assert set(by_audience) == set(audiences), result.output
    check = run_ecomap("check-data", str(vaduz))
    assert check.exit_code == 0, check.output
    assert load_catalog(pack).tracks == {}  # drafts are not published


def test_a_published_draft_is_a_track_and_a_broken_draft_fails_check_data(run_ecomap, vaduz, tmp_path):
    pack = tmp_path / "vaduz"
    shutil.copytree(vaduz, pack)
    assert run_ecomap("suggest-tracks", "--pack", str(pack)).exit_code == 0
    first = next(iter(drafted(pack).values()))
    shutil.copy(first, pack / "tracks" / first.name)
    assert first.stem in load_catalog(load_pack(pack)).tracks
    document = json.loads(first.read_text(encoding="utf-8"))
    document["features"][0]["properties"]["audiences"] = ["cats"]
    first.write_text(json.dumps(document), encoding="utf-8")
    check = run_ecomap("check-data", str(pack))
    assert check.exit_code == 1
    assert f"{DRAFTS_DIR}/{first.name}" in check.output and "unknown audience 'cats'" in check.output


def test_points_given_with_at_and_a_place_from_the_layers(run_ecomap, vaduz, tmp_path):
    pack = tmp_path / "vaduz"
    shutil.copytree(vaduz, pack)
    centre = load_pack(pack)
    out = tmp_path / "drafts"
    result = run_ecomap(
        "suggest-tracks",
        "--pack",
        str(pack),
        "--at",
        f"{centre.center_lon},{centre.center_lat}",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert all("-at-1" in path.name for path in out.glob("*.geojson")) and list(out.glob("*.geojson"))
    places = central_places(centre)  # import-osm's osm-places layer: Vaduz's centre node comes first
    assert places[0].origin == "place=town" and places[0].name["en"] == "Vaduz"
    assert "amenity=townhall" in [place.origin for place in places]


def test_bad_arguments_are_messages_not_tracebacks(run_ecomap, tmp_path):
    result = run_ecomap("suggest-tracks", "--pack", str(SYSERT_PACK), "--at", "north")
    assert result.exit_code == 2 and "is not LON,LAT" in result.output
    result = run_ecomap("suggest-tracks", "--pack", str(tmp_path / "nowhere"))
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_check_data_lists_a_broken_pack_with_drafts_without_a_traceback(run_ecomap, vaduz, tmp_path):
    pack = tmp_path / "vaduz"
    shutil.copytree(vaduz, pack)
    assert run_ecomap("suggest-tracks", "--pack", str(pack)).exit_code == 0
    city = pack / "city.toml"
    city.write_text(city.read_text(encoding="utf-8") + "\nzoom = 3\n", encoding="utf-8")  # a duplicate key
    check = run_ecomap("check-data", str(pack))
    assert check.exit_code == 1
    assert "city.toml" in check.output and "Traceback" not in check.output
