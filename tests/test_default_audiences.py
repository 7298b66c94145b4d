"""Default audiences: Sysert's documented figures for a pack without its own, which a pack overrides."""

from __future__ import annotations

from pathlib import Path

from geo.pack import load_pack
from routes.audiences import DEFAULT_AUDIENCES, load_audiences
from routes.catalog import load_catalog
from tests.conftest import SYSERT_PACK


def test_the_defaults_are_the_documented_sysert_figures():
    defaults, problems = load_audiences(DEFAULT_AUDIENCES.parent / "no-such-pack")
    sysert, sysert_problems = load_audiences(SYSERT_PACK)
    assert problems == sysert_problems == []
    assert defaults == sysert
    assert set(defaults) == {"adults", "seniors", "children", "limited-mobility"}


def test_a_pack_without_tracks_has_the_default_audiences_and_no_tracks(good_pack: Path):
    catalog = load_catalog(load_pack(good_pack))
    assert catalog.tracks == {}
    assert catalog.audiences["adults"].daily_step_goal == 10_000
    assert catalog.audiences["limited-mobility"].surfaces == ("asphalt", "paving", "concrete")


def test_a_packs_own_audiences_replace_the_defaults(good_pack: Path):
    (good_pack / "tracks").mkdir()
    text = (SYSERT_PACK / "tracks" / "audiences.toml").read_text(encoding="utf-8")
    own = text.split("[[audiences]]")[0] + "[[audiences]]" + text.split("[[audiences]]")[1]
    (good_pack / "tracks" / "audiences.toml").write_text(
        own.replace("daily_step_goal = 10000", "daily_step_goal = 8000")
    )
    audiences = load_catalog(load_pack(good_pack)).audiences
    assert list(audiences) == ["adults"]
    assert audiences["adults"].daily_step_goal == 8_000


def test_a_broken_pack_file_is_reported_not_replaced_by_the_defaults(good_pack: Path):
    (good_pack / "tracks").mkdir()
    (good_pack / "tracks" / "audiences.toml").write_text("[[audiences]\n", encoding="utf-8")
    audiences, problems = load_audiences(good_pack)
    assert audiences == {}
    assert [problem.file for problem in problems] == ["tracks/audiences.toml"]
    assert "unreadable TOML" in problems[0].message
