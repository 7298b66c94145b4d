"""A proposal's kit parts: placements checked (part, position, rotation), placed and judged by geo's rules.

Pure functions: no Flask, no database. The rules themselves (outside the site, overlaps, clear
zones, keep-clear features, the free walking route, budget, season) live in ``geo/layout_rules.py``;
here a draft's ``properties.parts`` and ``properties.season`` are read, every malformed placement is
an InvalidProposal naming its index and field, and the rules' verdicts become problems naming the
part (its index and id) and the rule.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pyproj import Geod

from geo.bill import Bill, bill_of
from geo.kit import SEASONS, Kit, Part
from geo.layout import PlacedPart, Placement, place_parts
from geo.layout_rules import LayoutProblem, check_layout
from geo.sites import Site
from webmap.proposals.errors import InvalidProposal

MAX_PARTS = 60  # parts in one proposal: a school yard's worth, and a bounded check (bench/bench_kit.py)
PLACEMENT_KEYS = ("part", "lon", "lat", "rotation_deg")
ROTATION_RANGE = (0.0, 360.0)  # degrees clockwise from north, 360 itself excluded
DEFAULT_SEASON = "all-year"
MAX_FROM_SITE_M = 2_000.0  # a part farther from its site's centre is not on it: refused before placing
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Judgement:
    """A draft's parts placed in metres, its bill, and what the rules say of it (nothing: all is well)."""

    placed: tuple[PlacedPart, ...]
    bill: Bill
    problems: tuple[LayoutProblem, ...]


def check_season(value: Any) -> str:
    """The project's season: "all-year" or "summer" (a draft without one is "all-year", DEFAULT_SEASON).

    >>> check_season("summer")
    'summer'
    """
    if value not in SEASONS:
        message = f"'season' must be one of {', '.join(SEASONS)}, got {_show(value)}"
        raise InvalidProposal("properties.season", message, code="unknown_season")
    return value


def check_placements(value: Any, site: Site | None, kit: Kit | None) -> tuple[Placement, ...]:
    """``properties.parts`` as placements: at most MAX_PARTS, each a known part of the site's kit
    with a position in range and a rotation in [0, 360); every problem, each naming its index."""
    if not isinstance(value, list):
        raise InvalidProposal("properties.parts", f"'parts' must be an array, got {_kind(value)}")
    if len(value) > MAX_PARTS:
        message = f"'parts' has {len(value)} parts; the limit is {MAX_PARTS}"
        raise InvalidProposal(
            "properties.parts", message, code="too_many_parts", count=len(value), limit=MAX_PARTS
        )
    allowed = _site_parts(site, kit)
    problems: list[InvalidProposal] = []
    placements = []
    for index, item in enumerate(value):
        try:
            placements.append(_placement(index, item, allowed, site))
        except InvalidProposal as error:
            problems.append(error)
    if problems:
        raise InvalidProposal.every(problems)
    return tuple(placements)


def _site_parts(site: Site | None, kit: Kit | None) -> dict[str, Any]:
    """The parts a draft on ``site`` may use: its kit's, limited to the site's list when it has one."""
    if kit is None or site is None:
        return {}
    if site.parts is None:
        return dict(kit.parts)
    return {part: kit.parts[part] for part in site.parts}


def _placement(index: int, item: Any, allowed: dict[str, Any], site: Site | None) -> Placement:
    where = f"properties.parts[{index}]"
    if not isinstance(item, dict):
        raise InvalidProposal(where, f"parts[{index}] must be an object, got {_kind(item)}", index=index)
    unknown = [key for key in item if key not in PLACEMENT_KEYS]
    if unknown:
        message = f"parts[{index}] has an unknown key {unknown[0]!r}; allowed: {', '.join(PLACEMENT_KEYS)}"
        raise InvalidProposal(f"{where}.{unknown[0]}", message, index=index)
    part = item.get("part")
    if not isinstance(part, str) or part not in allowed:
        known = ", ".join(allowed) or "none"
        site_name = site.id if site else "?"
        message = (
            f"parts[{index}]: unknown part {_show(part)} for site {site_name!r}; the kit's parts: {known}"
        )
        raise InvalidProposal(f"{where}.part", message, code="unknown_part", index=index, part=str(part)[:60])
    lon = _number(item, "lon", index, (-180.0, 180.0))
    lat = _number(item, "lat", index, (-90.0, 90.0))
    if site is not None:
        _near(site, index, allowed[part], lon, lat)
    rotation = _number(item, "rotation_deg", index, ROTATION_RANGE, default=0.0)
    if rotation == ROTATION_RANGE[1]:
        message = f"parts[{index}].rotation_deg must be at least 0 and under 360, got 360"
        raise InvalidProposal(f"{where}.rotation_deg", message, code="bad_rotation", index=index, part=part)
    return Placement(part=part, lon=lon, lat=lat, rotation_deg=rotation)


def _near(site: Site, index: int, part: Part, lon: float, lat: float) -> None:
    """A part far from its site is a malformed draft, not a layout to judge (its metres would be wrong):
    at most MAX_FROM_SITE_M from the site's centre, measured on the ellipsoid."""
    centre = site.mask.centroid
    distance_m = _GEOD.inv(centre.x, centre.y, lon, lat)[2]
    if distance_m > MAX_FROM_SITE_M:
        message = (
            f"parts[{index}] is {distance_m / 1000:,.1f} km from site {site.id!r}; "
            f"parts go on the site (at most {MAX_FROM_SITE_M / 1000:g} km from its centre)"
        )
        where = f"properties.parts[{index}]"
        raise InvalidProposal(
            where, message, code="rule", rule="outside", indices=(index,), names=[part.name]
        )


def _number(
    item: dict[str, Any], key: str, index: int, bounds: tuple[float, float], default: float | None = None
) -> float:
    value = item.get(key, default)
    field = f"properties.parts[{index}].{key}"
    low, high = bounds
    if not (isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)):
        message = f"parts[{index}].{key} must be a number in [{low:g}, {high:g}], got {_show(value)}"
        raise InvalidProposal(field, message, code="bad_" + _code(key), index=index, part=item.get("part"))
    if not low <= value <= high:
        message = f"parts[{index}].{key} must be in [{low:g}, {high:g}], got {value:g}"
        raise InvalidProposal(field, message, code="bad_" + _code(key), index=index, part=item.get("part"))
    return float(value)


def _code(key: str) -> str:
    return "rotation" if key == "rotation_deg" else "position"


def judge(site: Site, kit: Kit, placements: Sequence[Placement], season: str) -> Judgement:
    """Place the parts in the site's metric CRS, sum their bill and check every rule."""
    placed = place_parts(kit, placements, site.crs_metric)
    bill = bill_of(kit, [placement.part for placement in placements])
    return Judgement(tuple(placed), bill, tuple(check_layout(site, placed, bill, season)))


def refusals(judgement: Judgement, site: Site) -> list[InvalidProposal]:
    """The rules' verdicts as problems of the draft, each naming its parts (index and id) and the rule."""
    return [_refusal(problem, judgement.placed, site) for problem in judgement.problems]


def problem_details(problem: LayoutProblem, placed: Sequence[PlacedPart], site: Site) -> dict[str, Any]:
    """What a plain sentence about a verdict needs: the rule, the parts' indices and names in both
    languages, the keep-clear feature's name, and the figures."""
    keep_clear = next((item for item in site.keep_clear if item.id == problem.keep_clear), None)
    return {
        "rule": problem.rule,
        "indices": problem.parts,
        "names": [placed[index].part.name for index in problem.parts],
        "keep_clear_name": keep_clear.name if keep_clear else None,
        **problem.figures,
    }


def problem_field(problem: LayoutProblem) -> str:
    """The field a rule's verdict belongs to: its first part, or the season, or the parts as a whole.

    >>> problem_field(LayoutProblem("budget", (), None, None, {}))
    'properties.parts'
    """
    if problem.rule == "season":
        return "properties.season"
    if problem.parts:
        return f"properties.parts[{problem.parts[0]}]"
    return "properties.parts"


def _refusal(problem: LayoutProblem, placed: Sequence[PlacedPart], site: Site) -> InvalidProposal:
    ids = [placed[index].part.id for index in problem.parts]
    culprits = ", ".join(f"parts[{index}] ({part})" for index, part in zip(problem.parts, ids, strict=True))
    figures = ", ".join(f"{key} {value:g}" for key, value in sorted(problem.figures.items()))
    message = f"rule {problem.rule!r} broken" + (f" by {culprits}" if culprits else "")
    if problem.keep_clear:
        message += f" in keep-clear feature {problem.keep_clear!r}"
    message += f" ({figures})" if figures else ""
    return InvalidProposal(
        problem_field(problem), message, code="rule", **problem_details(problem, placed, site)
    )


def _kind(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _show(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
