"""The layout rules on hand-made drafts in a 40 m square site with two entrances, and the bill."""

from __future__ import annotations

import dataclasses
import math

import pytest
import shapely

from geo.bill import bill_as_dict, bill_of
from geo.crs import to_degrees
from geo.kit import load_kit
from geo.layout import Placement, place_parts
from geo.layout_rules import check_layout, layout_problem_as_dict, route_arcs
from geo.pack import load_pack
from geo.sites import load_sites
from tests.conftest import SYSERT_PACK
from tests.support.layouts import CRS, KIT, ORIGIN, place, square_site
from tests.support.proposals_support import KIT_DRAFT


def problems(draft, season="all-year", **site_options):
    placed = place(draft)
    bill = bill_of(KIT, [item.part.id for item in placed])
    return check_layout(square_site(**site_options), placed, bill, season)


def rules(found):
    return [(problem.rule, problem.parts) for problem in found]


def test_a_good_draft_breaks_no_rule():
    draft = [("bench", 10, 10, 0), ("bench", 10, 14, 90), ("tyre", 30, 30, 0), ("beam", 20, 30, 0)]

    assert problems(draft) == []


def test_an_empty_draft_breaks_no_rule():
    assert problems([]) == []


def test_a_part_reaching_out_of_the_site_is_outside():
    (problem,) = problems([("bench", 0.3, 10, 0)])

    assert (problem.rule, problem.parts) == ("outside", (0,))
    assert problem.figures["outside_m2"] == pytest.approx(0.3 * 0.8, abs=1e-6)


def test_two_parts_on_one_place_overlap_and_are_not_also_a_clear_zone_problem():
    (problem,) = problems([("bench", 10, 10, 0), ("bench", 10.6, 10, 0)])

    assert (problem.rule, problem.parts) == ("overlap", (0, 1))
    assert problem.figures["overlap_m2"] == pytest.approx(0.6 * 0.8, abs=1e-6)
    assert problem.where.area == pytest.approx(0.48, abs=1e-6)


def test_parts_that_only_touch_do_not_overlap():
    assert rules(problems([("wall", 10, 10, 0), ("wall", 11, 10, 0)])) == []


@pytest.mark.parametrize(
    ("gap_m", "expected"),
    [(0.4, [("clear-zone", (0, 1))]), (0.59, [("clear-zone", (0, 1))]), (0.61, []), (1.0, [])],
    ids=["0.4m", "0.59m", "0.61m", "1m"],
)
def test_a_part_inside_another_ones_clear_zone(gap_m, expected):
    found = problems([("bench", 10, 10, 0), ("bench", 11.2 + gap_m, 10, 0)])

    assert rules(found) == expected
    if found:
        assert found[0].figures == {"distance_m": pytest.approx(gap_m, abs=1e-6), "required_m": 0.6}


def test_the_larger_clear_zone_counts_the_play_safety_zone():
    (problem,) = problems([("beam", 10, 10, 0), ("tyre", 10, 11.45, 0)])  # 1.0 m north of the beam

    assert (problem.rule, problem.parts) == ("clear-zone", (0, 1))
    assert problem.figures == {"distance_m": pytest.approx(1.0, abs=1e-6), "required_m": 1.5}


def test_a_part_in_an_entrance_is_in_a_keep_clear_zone():
    problem, route = problems([("tyre", 0.8, 20, 0)])

    assert (problem.rule, problem.parts, problem.keep_clear) == ("keep-clear", (0,), "west-gate")
    assert problem.figures["overlap_m2"] > 0.1
    assert (route.rule, route.parts) == ("route", (0,))  # and it stands in the gate's opening
    assert route.figures["width_m"] == pytest.approx(math.hypot(0.8, 1.0) - 0.3, abs=0.01)


def test_route_arcs_are_the_outline_cut_at_the_two_entrances():
    arcs = route_arcs(square_site())

    assert len(arcs) == 2
    assert sum(arc.length for arc in arcs) == pytest.approx(160 - 2 * 2.0, abs=1e-6)


@pytest.mark.parametrize("gap_m", [0.3, 1.2, 1.49])
def test_a_wall_across_the_site_with_a_narrow_gap_breaks_the_route_and_tells_the_gap(gap_m):
    height = 2 * 19.4 + gap_m  # two walls from the north and south sides, gap_m apart in the middle
    found = problems([("wall", 20, height - 9.7, 0), ("wall", 20, 9.7, 0)], height_m=height)

    assert rules(found) == [("route", (0, 1))]
    assert found[0].figures["width_m"] == pytest.approx(gap_m, abs=0.01)
    assert found[0].figures["required_m"] == 1.5
    assert found[0].where.length == pytest.approx(gap_m, abs=0.01)


def test_a_gap_as_wide_as_the_free_route_keeps_the_route():
    draft = [("wall", 20, 40.3 - 9.7, 0), ("wall", 20, 9.7, 0)]

    assert problems(draft, height_m=40.3) == []
    assert rules(problems(draft, height_m=40.3, free_route_m=1.6)) == [("route", (0, 1))]


def test_a_chain_of_parts_with_narrow_gaps_breaks_the_route_and_names_only_the_chain():
    chain = [("wall", 20, 9.7, 0), ("bench", 20, 19.4 + 0.5 + 0.6, 90), ("wall", 20, 41 - 9.7, 0)]
    found = problems([*chain, ("tyre", 5, 5, 0)], height_m=41)
    route = [problem for problem in found if problem.rule == "route"]

    assert [problem.parts for problem in route] == [(0, 1, 2)]
    assert route[0].figures["width_m"] == pytest.approx(0.5, abs=0.01)


def test_a_wall_from_one_side_only_keeps_the_route():
    assert problems([("wall", 20, 9.7, 0)]) == []


def test_budget_is_broken_when_the_bill_is_over_it():
    draft = [("bench", 10, 10, 0), ("bench", 20, 10, 0)]
    (problem,) = problems(draft, budget_rub=2000)

    assert (problem.rule, problem.parts) == ("budget", ())
    assert problem.figures == {"total_rub": 2 * (2 * 250 + 2 * 300 + 0.5 * 650), "budget_rub": 2000}
    assert problems(draft, budget_rub=2850) == []


def test_a_summer_part_in_an_all_year_project_breaks_the_season():
    draft = [("bench", 10, 10, 0), ("bale", 20, 20, 0)]

    assert rules(problems(draft)) == [("season", (1,))]
    assert problems(draft, season="summer") == []
    with pytest.raises(ValueError, match="season must be one of"):
        problems(draft, season="winter")


def test_problems_come_by_rule_then_parts():
    draft = [("bale", 20, 20, 0), ("bench", 0.1, 10, 0), ("bench", 30, 30, 0), ("bench", 30.5, 30, 0)]

    assert rules(problems(draft, budget_rub=100)) == [
        ("outside", (1,)),
        ("overlap", (2, 3)),
        ("budget", ()),
        ("season", (0,)),
    ]


def test_rotation_turns_a_part_clockwise_from_north():
    (upright,) = place([("wall", 20, 20, 0)])
    (turned,) = place([("wall", 20, 20, 90)])
    (tilted,) = place([("bench", 20, 20, 30)])
    expected = shapely.affinity.rotate(place([("bench", 20, 20, 0)])[0].footprint, -30)

    assert upright.footprint.bounds[2] - upright.footprint.bounds[0] == pytest.approx(1.0, abs=1e-6)
    assert turned.footprint.bounds[2] - turned.footprint.bounds[0] == pytest.approx(19.4, abs=1e-6)
    assert shapely.equals_exact(tilted.footprint.normalize(), expected.normalize(), tolerance=1e-6)
    assert turned.clear_zone.equals(turned.footprint)  # a wall has no clear zone


def test_a_circle_part_is_its_diameter_across():
    (tyre,) = place([("tyre", 20, 20, 45)])

    assert tyre.footprint.area == pytest.approx(math.pi * 0.3**2, rel=0.02)
    assert tyre.clear_zone.area == pytest.approx(math.pi * 0.6**2, rel=0.02)


def test_bill_sums_materials_labour_and_cost_by_hand():
    bill = bill_of(KIT, ["bench", "bench", "wall", "bale"])

    assert [(line.material, line.quantity, line.cost_rub) for line in bill.lines] == [
        ("board", 2 * 2 + 10, 14 * 300),
        ("paint", 1.1, 715.0),
        ("pallet", 4, 4 * 250),
    ]
    assert bill.parts == (("bale", 1), ("bench", 2), ("wall", 1))
    assert bill.labour_h == 2 * 2 + 5 + 2
    assert bill.total_rub == 4200 + 715 + 1000
    assert bill.durability == "demo"
    assert bill.estimate is True


def test_an_empty_bill():
    bill = bill_of(KIT, [])

    assert (bill.lines, bill.parts, bill.total_rub, bill.durability, bill.estimate) == (
        (),
        (),
        0,
        None,
        False,
    )


def test_bill_as_dict_holds_ids_and_numbers_only():
    data = bill_as_dict(bill_of(KIT, ["bench"]))

    assert data["parts"] == [{"part": "bench", "count": 1}]
    assert data["lines"][0] == {
        "material": "board",
        "quantity": 2.0,
        "unit": "pcs",
        "unit_price_rub": 300.0,
        "cost_rub": 600.0,
        "estimate": True,
    }
    assert (data["total_rub"], data["durability"], data["labour_h"]) == (1425, "pilot", 2.0)


def test_a_problem_as_dict_gives_where_in_degrees():
    (problem,) = problems([("bench", 10, 10, 0), ("bench", 10.6, 10, 0)])
    data = layout_problem_as_dict(problem, CRS)

    assert (data["rule"], data["parts"], data["keep_clear"]) == ("overlap", [0, 1], None)
    west, south = data["where"]["coordinates"][0][0]
    assert 60.8 < west < 60.9 and 56.4 < south < 56.6


@pytest.fixture(scope="module")
def sysert():
    pack = load_pack(SYSERT_PACK)
    kit = load_kit(SYSERT_PACK)
    return pack, kit, load_sites(pack, kit)["school-yard-23"]


def test_on_the_sysert_yard_a_bench_on_the_path_to_the_main_door_is_refused(sysert):
    pack, kit, site = sysert
    path = next(item for item in site.keep_clear if item.id == "gate-to-main-door")
    middle = path.geometry.interpolate(0.5, normalized=True)
    placed = place_parts(kit, [Placement("pallet-bench", middle.x, middle.y, 0.0)], pack.crs_metric)
    found = check_layout(site, placed, bill_of(kit, ["pallet-bench"]), "all-year")

    assert [(problem.rule, problem.keep_clear) for problem in found] == [("keep-clear", "gate-to-main-door")]


def test_on_the_sysert_yard_the_route_has_four_arcs(sysert):
    assert len(route_arcs(sysert[2])) == 4


def test_origin_is_inside_the_metric_crs_of_sysert():
    assert ORIGIN[0] > 166_000 and ORIGIN[1] > 6_000_000


def test_a_sensible_draft_on_the_sysert_yard_keeps_every_rule(sysert):
    pack, kit, site = sysert
    centre = site.mask_metric.centroid
    transformer = to_degrees(pack.crs_metric)
    draft = KIT_DRAFT
    placements = [
        Placement(part, *transformer.transform(centre.x + east, centre.y + north), rotation)
        for part, east, north, rotation in draft
    ]
    bill = bill_of(kit, [part for part, *_ in draft])

    assert check_layout(site, place_parts(kit, placements, pack.crs_metric), bill, "all-year") == []
    assert bill.total_rub < site.budget_rub


def test_holes_of_the_site_are_obstacles_too_and_blame_no_part():
    site = square_site()
    west, south = ORIGIN
    holed = shapely.box(west, south, west + 40, south + 40).difference(
        shapely.box(west + 19.5, south + 0.5, west + 20.5, south + 39.5)
    )
    (problem,) = check_layout(dataclasses.replace(site, mask_metric=holed), [], bill_of(KIT, []), "all-year")

    assert (problem.rule, problem.parts) == ("route", ())
    assert problem.figures["width_m"] == pytest.approx(0.5, abs=0.01)
