"""The city map's track layers: one feature group per track; a ski track is hidden out of its season."""

from __future__ import annotations

import datetime as dt

import pytest

from webmap.city.map import build_city_map
from webmap.maps.base import Tiles
from webmap.pack_access import get_pack
from webmap.tracks import views as tracks
from webmap.tracks.map import track_layers


@pytest.fixture
def app(app):
    if "tracks" not in app.blueprints:
        tracks.init_app(app)
    return app


def groups_on(app, date: dt.date, show_all: bool = False) -> dict[str, bool]:
    with app.test_request_context("/?lang=en"):
        groups = track_layers(tracks.get_catalog(), date, "en", show_all=show_all)
        city_map = build_city_map(
            get_pack(), date, "en", Tiles(None), [("Tracks", group) for group in groups]
        )
        city_map.get_root().render()
    return {group.layer_name: group.show for group in groups}


@pytest.mark.parametrize(
    ("date", "show_all", "ski_name", "ski_shown"),
    [
        (dt.date(2026, 1, 24), False, "Ski track to Talkov Kamen", True),
        (dt.date(2026, 7, 1), False, "Ski track to Talkov Kamen (out of season)", False),
        (dt.date(2026, 7, 1), True, "Ski track to Talkov Kamen (out of season)", True),
    ],
    ids=["january", "july", "july-asked-for"],
)
def test_ski_track_only_in_its_season_unless_asked(app, date, show_all, ski_name, ski_shown):
    groups = groups_on(app, date, show_all)
    assert len(groups) == 5
    assert groups[ski_name] is ski_shown
    assert groups["Children's trail: the works and the tales"] is True
