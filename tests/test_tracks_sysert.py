"""The Sysert pack's tracks do what the issue asks of them, measured, not assumed."""

from __future__ import annotations

import pytest

from geo.pack import load_pack
from routes.catalog import SEASONS, Catalog, load_catalog, seasons_of
from routes.figures import audience_figures
from tests.conftest import SYSERT_PACK


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(load_pack(SYSERT_PACK))


def passes(catalog: Catalog, track_id: str, layer_id: str, relation: str) -> float:
    return sum(
        p.length_m or 0
        for p in catalog.passages[track_id]
        if p.layer_id == layer_id and p.relation == relation
    )


def test_ten_thousand_step_walk(catalog: Catalog):
    track = catalog.tracks["walk-10000-steps"]
    figures = audience_figures(track, catalog.measures[track.id], catalog.audiences["adults"])
    assert 9_000 <= figures.steps <= 11_000
    assert passes(catalog, track.id, "park", "inside") > 1_000
    assert passes(catalog, track.id, "reservoir", "beside") > 2_000  # along the shore
    assert passes(catalog, track.id, "reservoir", "inside") == 0  # not across the water


@pytest.mark.parametrize(
    "track_id",
    [
        "walk-10000-steps",
        "ski-talkov-kamen",
        "terrenkur-embankment",
        "children-factory-tales",
        "accessible-dam-centre",
    ],
)
def test_every_track_is_on_land_and_honest_about_accuracy(catalog: Catalog, track_id: str):
    track = catalog.tracks[track_id]
    assert passes(catalog, track_id, "reservoir", "inside") == 0
    for lang in ("ru", "en"):
        assert track.accuracy[lang].startswith("approximate: ")
        assert track.elevation_note[lang].startswith("approximate: ")
    assert track.source["ru"] != track.source["en"]  # the notes are in both languages
    for stop in track.stops:
        assert stop.text["ru"] and stop.text["en"] and stop.text["ru"] != stop.text["en"]
    assert [s.kind for s in track.stops].count("start") == 1
    assert [s.kind for s in track.stops].count("finish") == 1


def test_ski_track_runs_in_winter_only(catalog: Catalog):
    # The issue: "a ski track (winter only)"; a March month would list it under spring too.
    skis = [t for t in catalog.tracks.values() if t.mode == "ski"]
    assert skis
    for track in skis:
        assert set(track.months) <= set(SEASONS["winter"])
        assert seasons_of(track.months) == ["winter"]


def test_terrenkur_for_seniors_has_benches_within_the_norm(catalog: Catalog):
    track = catalog.tracks["terrenkur-embankment"]
    measure = catalog.measures[track.id]
    assert "seniors" in track.audiences
    assert measure.terrenkur_class == 1
    assert measure.longest_rest_gap_m <= measure.rest_gap_norm_m
    assert measure.max_gradient_pct <= catalog.audiences["seniors"].max_gradient_pct


def test_children_track_has_educational_stops(catalog: Catalog):
    track = catalog.tracks["children-factory-tales"]
    assert "children" in track.audiences
    assert sum(stop.kind in ("info", "view") for stop in track.stops) >= 3


def test_step_free_track(catalog: Catalog):
    track = catalog.tracks["accessible-dam-centre"]
    audience = catalog.audiences["limited-mobility"]
    assert "limited-mobility" in track.audiences
    assert track.surface in audience.surfaces
    assert catalog.measures[track.id].max_gradient_pct <= audience.max_gradient_pct
    assert catalog.measures[track.id].climb.complete


def test_some_heights_are_unknown_and_say_so(catalog: Catalog):
    partial = [m for m in catalog.measures.values() if 0 < m.climb.known_fraction < 1]
    assert partial, "the pack should show how unknown heights are handled"
    assert all(m.climb.ascent_m is not None for m in partial)
