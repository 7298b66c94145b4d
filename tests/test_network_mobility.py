"""Limited-mobility rules on the ways: untagged surfaces, steps, kerbs, wheelchair=no, inclines."""

from __future__ import annotations

import pytest
import shapely

from routes.audiences import Audience
from routes.loops import RoutingError, route, start_node
from routes.network import network_from_lines, rules_for

WHEELS = rules_for(
    Audience("limited-mobility", {}, 0.62, 85, 7_000, 6, ("asphalt", "paving", "concrete"), "")
)
ADULTS = rules_for(Audience("adults", {}, 0.72, 115, 10_000, 15, (), ""))


@pytest.mark.parametrize(
    ("tags", "reason"),
    [
        ({"highway": "residential"}, None),
        ({"highway": "tertiary"}, None),
        ({"highway": "footway", "footway": "crossing"}, None),
        ({"highway": "path"}, "an unknown surface"),
        ({"highway": "track"}, "an unknown surface"),
        ({"highway": "bridleway"}, "an unknown surface"),
        ({"highway": "path", "surface": "asphalt"}, None),
        ({"highway": "footway", "surface": "sett"}, None),
        ({"highway": "footway", "surface": "gravel"}, "surface gravel"),
        ({"highway": "steps"}, "steps"),
        ({"highway": "footway", "wheelchair": "no"}, "wheelchair=no"),
        ({"highway": "path", "wheelchair": "yes"}, None),
        ({"highway": "footway", "smoothness": "very_bad"}, "smoothness very_bad"),
        ({"highway": "footway", "incline": "12%"}, "a gradient of 12 %"),
        ({"highway": "footway", "incline": "up"}, None),
    ],
)
def test_the_untagged_surface_rule_and_the_wheels_refusals(tags, reason):
    edge = {"highway": tags["highway"], "surface": tags.get("surface"), "gradient_pct": None, "tags": tags}
    assert WHEELS.refusal(edge) == reason
    assert ADULTS.allows(edge)


def square(kerbs=frozenset(), highway="footway"):
    """A 100 m square of footways at 60 N with a spur of ``highway`` to the west."""
    ring = [[24.0, 60.0], [24.002, 60.0], [24.002, 60.001], [24.0, 60.001], [24.0, 60.0]]
    lines = [
        ("ring", ring, {"highway": "footway"}),
        ("spur", [[24.0, 60.0], [23.998, 60.0]], {"highway": highway}),
    ]
    return network_from_lines(lines, "EPSG:32635", shapely.Polygon(), [], kerbs)


def test_a_raised_kerb_closes_its_way_to_wheels_only():
    network = square(kerbs={(23.998, 60.0)})
    spur = [data for _, _, data in network.graph.edges(data=True) if data["feature"] == "spur"]
    assert spur and all(data["kerb"] for data in spur)
    assert all(WHEELS.refusal(data) == "a kerb" for data in spur)
    assert all(ADULTS.allows(data) for data in spur)


def test_a_start_by_steps_is_told_the_true_distance_and_why():
    network = square(highway="steps")
    with pytest.raises(RoutingError) as error:
        start_node(network, 23.991, 60.0, "start", WHEELS)
    message = str(error.value)
    assert "the nearest way suitable for this audience is 5" in message  # about 500 m
    assert "the nearest way of any kind is 39" in message and "it has steps" in message
    assert start_node(network, 23.991, 60.0, "start", ADULTS)


def test_a_route_goes_round_what_wheels_cannot_take():
    network = square()
    corner = network.nearest_node(24.002, 60.001)[0]
    home = network.nearest_node(24.0, 60.0)[0]
    walk = route(network, home, corner, WHEELS, 0.62)
    assert 200 < walk.length_m < 250  # along two sides of the square
    assert walk.nodes[0] == home and walk.nodes[-1] == corner
