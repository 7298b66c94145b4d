"""Property-based tests of geo/: the feature checks answer messages for any input, seasons for any date."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.features import GEOMETRY_TYPES, check_geometry, check_properties
from geo.seasons import check_uses, use_on

BBOX = (60.7, 56.4, 60.9, 56.6)
FAST = settings(max_examples=100, deadline=None)

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
json_ish = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=30,
)
# Positions mostly inside the city, with or without a height; sometimes anything at all.
lon, lat = st.floats(60.7, 60.9), st.floats(56.4, 56.6)
city_positions = st.tuples(lon, lat).map(list) | st.tuples(lon, lat, st.floats(-500, 9000)).map(list)
wild_positions = st.one_of(
    st.tuples(st.floats(), st.floats()).map(list),
    st.tuples(lon, lat, st.just(math.nan) | st.text(max_size=2)).map(list),
    st.lists(lon, max_size=4),
    json_ish,
)
positions = st.one_of(city_positions, city_positions, city_positions, wild_positions)
DEPTHS = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def nested(depth: int) -> st.SearchStrategy:
    """Coordinates nested ``depth`` deep; rings (depth 1 under a polygon) often closed."""
    if depth == 0:
        return positions
    items = st.lists(nested(depth - 1), max_size=6)
    if depth == 1:
        return items | st.lists(positions, min_size=1, max_size=6).map(lambda ring: [*ring, ring[0]])
    return items


@st.composite
def geometries(draw, kind: str):
    """Mostly geometries of a type that fits ``kind`` with coordinates of its depth; sometimes anything."""
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return draw(json_ish)
    kind_types = sorted(GEOMETRY_TYPES[kind])
    geometry_type = draw(st.sampled_from(kind_types if choice > 2 else sorted(DEPTHS)) | st.text(max_size=5))
    depth = DEPTHS.get(geometry_type, draw(st.integers(0, 3)))
    if choice == 1:
        depth = draw(st.integers(0, 3))
    return {"type": geometry_type, "coordinates": draw(nested(depth))}


@pytest.mark.parametrize("kind", sorted(GEOMETRY_TYPES))
@FAST
@given(data=st.data())
def test_check_geometry_answers_messages_for_any_input(kind, data):
    geometry = data.draw(geometries(kind), label="geometry")
    messages = check_geometry(geometry, kind, BBOX)
    assert isinstance(messages, list)
    assert all(isinstance(message, str) and message for message in messages)


@FAST
@given(st.sampled_from(sorted(GEOMETRY_TYPES)), st.integers(2, 3))
def test_check_geometry_accepts_a_valid_shape_in_the_city(kind, dimension):
    ring = [[60.8, 56.5], [60.81, 56.5], [60.81, 56.51], [60.8, 56.51], [60.8, 56.5]]
    ring = [[*position, 250.0][:dimension] for position in ring]
    geometry = {
        "point": {"type": "Point", "coordinates": ring[0]},
        "line": {"type": "LineString", "coordinates": ring[:3]},
        "polygon": {"type": "Polygon", "coordinates": [ring]},
    }[kind]
    assert check_geometry(geometry, kind, BBOX) == []


@FAST
@given(json_ish | st.dictionaries(st.sampled_from(["name_ru", "uses", "accuracy", "url"]), json_ish))
def test_check_properties_answers_messages_for_any_input(properties):
    messages = check_properties(properties)
    assert isinstance(messages, list)
    assert all(isinstance(message, str) and message for message in messages)


@FAST
@given(json_ish)
def test_check_uses_answers_messages_for_any_input(uses):
    messages = check_uses(uses)
    assert isinstance(messages, list) and all(isinstance(message, str) for message in messages)


@st.composite
def seasonal_uses(draw):
    """Uses that share out some of the twelve months, each month to at most one use."""
    months = draw(st.permutations(range(1, 13)))
    cuts = sorted(draw(st.lists(st.integers(0, 12), min_size=1, max_size=4)))
    parts = [months[start:end] for start, end in zip([0, *cuts], [*cuts, 12], strict=True)]
    uses = [
        {"id": f"use{index}", "name_ru": "x", "name_en": "x", "months": sorted(part)}
        for index, part in enumerate(parts)
        if part
    ]
    drop = draw(st.integers(0, len(uses)))  # some months may have no use at all
    return uses[:drop] if draw(st.booleans()) else uses


@FAST
@given(seasonal_uses(), st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31)))
def test_use_on_is_the_one_use_of_the_dates_month(uses, date):
    assert check_uses(uses) == [] or not uses
    use = use_on(uses, date)
    owners = [candidate for candidate in uses if date.month in candidate["months"]]
    assert (use is None) == (not owners)
    if use is not None:
        assert owners == [use]


@FAST
@given(st.dates())
def test_use_on_without_uses_is_none(date):
    assert use_on(None, date) is None
    assert use_on([], date) is None
