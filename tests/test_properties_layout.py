"""Property-based tests of the layout rules: verdicts do not depend on order, place or a full turn."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.bill import bill_of
from geo.layout_rules import check_layout
from tests.support.layouts import KIT, ORIGIN, place, square_site

FAST = settings(max_examples=50, deadline=None)
PARTS = sorted(KIT.parts)

part_ids = st.sampled_from([part for part in PARTS if part != "wall"])
drafts = st.lists(
    st.tuples(
        part_ids,
        st.floats(2, 38, allow_nan=False),
        st.floats(2, 38, allow_nan=False),
        st.floats(0, 359.9, allow_nan=False),
    ),
    min_size=1,
    max_size=8,
)


def verdict(draft, origin=ORIGIN, order=None):
    """The problems of a draft as a set of (rule, frozenset of the draft's part numbers, keep-clear)."""
    placed = place(draft, origin)
    bill = bill_of(KIT, [item.part.id for item in placed])
    found = check_layout(square_site(origin), placed, bill, "all-year")
    order = order or list(range(len(draft)))
    return {
        (problem.rule, frozenset(order[i] for i in problem.parts), problem.keep_clear) for problem in found
    }


@FAST
@given(drafts, st.randoms(use_true_random=False))
def test_problems_do_not_depend_on_the_order_of_parts(draft, random):
    order = list(range(len(draft)))
    random.shuffle(order)
    shuffled = [draft[i] for i in order]

    assert verdict(shuffled, order=order) == verdict(draft)


@FAST
@given(drafts, st.integers(-2000, 2000), st.integers(-2000, 2000))
def test_moving_the_site_and_every_part_together_changes_no_verdict(draft, east_m, north_m):
    moved = (ORIGIN[0] + east_m, ORIGIN[1] + north_m)

    assert verdict(draft, moved) == verdict(draft)


@FAST
@given(drafts, st.integers(0, 7), st.integers(1, 3))
def test_a_full_turn_of_a_part_changes_no_verdict(draft, which, turns):
    which %= len(draft)
    part, x, y, rotation = draft[which]
    turned = [*draft[:which], (part, x, y, rotation + 360 * turns), *draft[which + 1 :]]

    assert verdict(turned) == verdict(draft)


@FAST
@given(drafts)
def test_a_part_moved_far_from_all_others_overlaps_none(draft):
    far = [(draft[0][0], 200.0, 200.0, draft[0][3]), *draft[1:]]

    near_others = {
        rule for rule, parts, _ in verdict(far) if 0 in parts and rule in ("overlap", "clear-zone", "route")
    }
    assert near_others == set()


@FAST
@given(drafts)
def test_overlaps_are_symmetric_and_name_two_parts(draft):
    for rule, parts, _ in verdict(draft):
        if rule in ("overlap", "clear-zone"):
            assert len(parts) == 2
