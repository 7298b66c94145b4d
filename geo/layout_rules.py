"""The rules of a draft on a site: inside, no overlap, clear zones, keep-clear, free route, budget, season.

Every rule is computed here, once, in the pack's metric CRS (metres), over the footprints that
``geo.layout.place_parts`` made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geo.bill import Bill
from geo.crs import in_degrees
from geo.kit import SEASONS
from geo.layout import PlacedPart
from geo.sites import Site

RULES = ("outside", "overlap", "clear-zone", "keep-clear", "route", "budget", "season")
MIN_OVERLAP_M2 = 0.01  # shapes that share less only touch (or differ by rounding)
TOLERANCE_M = 1e-6  # distances this close to a rule's figure keep the rule (rounding of coordinates)


@dataclass(frozen=True)
class LayoutProblem:
    """A rule a draft breaks: the parts (their indices), the keep-clear feature, where (metres), figures."""

    rule: str
    parts: tuple[int, ...]
    keep_clear: str | None = None
    where: BaseGeometry | None = field(default=None, compare=False)
    figures: dict[str, float] = field(default_factory=dict)


def check_layout(site: Site, placed: Sequence[PlacedPart], bill: Bill, season: str) -> list[LayoutProblem]:
    """Every rule ``placed`` breaks on ``site`` in ``season`` ("all-year", "summer"), by rule, then parts."""
    if season not in SEASONS:
        raise ValueError(f"season must be one of {', '.join(SEASONS)}, got {season!r}")
    footprints = np.array([item.footprint for item in placed], dtype=object)
    indices = np.array([item.index for item in placed], dtype=int)
    tree = shapely.STRtree(footprints)
    overlaps = _overlaps(footprints, indices, tree)
    problems = [
        *_outside(site, footprints, indices),
        *overlaps,
        *_clear_zones(placed, footprints, indices, tree, {problem.parts for problem in overlaps}),
        *_keep_clear(site, footprints, indices, tree),
        *_route(site, footprints, indices),
        *_budget(site, bill),
        *_season(placed, season),
    ]
    return sorted(
        problems, key=lambda problem: (RULES.index(problem.rule), problem.parts, problem.keep_clear or "")
    )


def _outside(site: Site, footprints: np.ndarray, indices: np.ndarray) -> list[LayoutProblem]:
    """Footprints reaching out of the site's mask (grown by its tolerance) by more than MIN_OVERLAP_M2."""
    outside = np.flatnonzero(~shapely.within(footprints, site.mask_metric))
    parts = shapely.difference(footprints[outside], site.mask_metric)
    return [
        LayoutProblem("outside", (int(indices[i]),), None, where, {"outside_m2": round(float(area), 3)})
        for i, where, area in zip(outside, parts, shapely.area(parts), strict=True)
        if area > MIN_OVERLAP_M2
    ]


def _pairs(tree: shapely.STRtree, geometries: np.ndarray, **query: Any) -> np.ndarray:
    """Index pairs ``(i, j)``, ``i < j``, that the tree's ``query`` finds among its own geometries."""
    if len(geometries) == 0:
        return np.empty((0, 2), dtype=int)
    found = tree.query(geometries, **query).T
    return found[found[:, 0] < found[:, 1]]


def _overlaps(footprints: np.ndarray, indices: np.ndarray, tree: shapely.STRtree) -> list[LayoutProblem]:
    """Two footprints sharing more than MIN_OVERLAP_M2."""
    pairs = _pairs(tree, footprints, predicate="intersects")
    shared = shapely.intersection(footprints[pairs[:, 0]], footprints[pairs[:, 1]])
    areas = shapely.area(shared)
    return [
        LayoutProblem(
            "overlap", _sorted_pair(indices, i, j), None, where, {"overlap_m2": round(float(area), 3)}
        )
        for (i, j), where, area in zip(pairs, shared, areas, strict=True)
        if area > MIN_OVERLAP_M2
    ]


def _clear_zones(
    placed: Sequence[PlacedPart],
    footprints: np.ndarray,
    indices: np.ndarray,
    tree: shapely.STRtree,
    overlapping: set[tuple[int, ...]],
) -> list[LayoutProblem]:
    """Two footprints nearer than the larger of their clear distances (one inside the other's clear zone)."""
    clear_m = np.array([item.part.clear_m for item in placed], dtype=float)
    if len(footprints) == 0:
        return []
    found = tree.query(footprints, predicate="dwithin", distance=clear_m).T
    pairs = {(min(i, j), max(i, j)) for i, j in found if i != j}
    problems = []
    for i, j in sorted(pairs):
        parts = _sorted_pair(indices, i, j)
        if parts in overlapping:
            continue
        distance = float(shapely.distance(footprints[i], footprints[j]))
        required = float(max(clear_m[i], clear_m[j]))
        if distance >= required - TOLERANCE_M:
            continue
        intrusions = [
            shapely.intersection(footprints[b], placed[a].clear_zone)
            for a, b in ((i, j), (j, i))
            if distance < clear_m[a] - TOLERANCE_M
        ]
        where = shapely.union_all(intrusions)
        if where.is_empty:  # the zone's polygon falls short of its true curve at a corner
            where = shapely.shortest_line(footprints[i], footprints[j])
        figures = {"distance_m": round(distance, 3), "required_m": required}
        problems.append(LayoutProblem("clear-zone", parts, None, where, figures))
    return problems


def _keep_clear(
    site: Site, footprints: np.ndarray, indices: np.ndarray, tree: shapely.STRtree
) -> list[LayoutProblem]:
    """Footprints reaching into a keep-clear zone (an entrance, a path, a fire access, an area)."""
    problems = []
    for item in site.keep_clear:
        hit = tree.query(item.zone, predicate="intersects")
        shared = shapely.intersection(footprints[hit], item.zone)
        for i, where, area in zip(hit, shared, shapely.area(shared), strict=True):
            if area > MIN_OVERLAP_M2:
                figures = {"overlap_m2": round(float(area), 3)}
                problems.append(LayoutProblem("keep-clear", (int(indices[i]),), item.id, where, figures))
    return problems


def route_arcs(site: Site) -> list[BaseGeometry]:
    """The site's outline cut at its entrances: a window of the entrance's opening around each.

    A route between the entrances is blocked exactly when a chain of obstacles, each gap narrower
    than the route, joins two of these arcs. A site with fewer than two entrances has none.
    """
    entrances = site.entrances
    if len(entrances) < 2:
        return []
    rings = [polygon.exterior for polygon in shapely.get_parts(site.mask_metric)]
    windows = []
    for entrance in entrances:
        ring = min(rings, key=entrance.geometry_metric.distance)
        door = ring.interpolate(ring.project(entrance.geometry_metric))
        windows.append(door.buffer((entrance.opening_m or 0.0) / 2))
    cut = shapely.union_all(windows)
    arcs: list[BaseGeometry] = []
    for ring in rings:
        arcs.extend(shapely.get_parts(shapely.line_merge(ring.difference(cut))))
    return arcs


def _route(site: Site, footprints: np.ndarray, indices: np.ndarray) -> list[LayoutProblem]:
    """The barrier method: the narrowest gap of the chain of obstacles that first joins two arcs."""
    arcs = route_arcs(site)
    if not arcs:
        return []
    holes = [
        shapely.Polygon(ring) for polygon in shapely.get_parts(site.mask_metric) for ring in polygon.interiors
    ]
    nodes = np.array([*arcs, *footprints, *holes], dtype=object)
    first_part, first_hole = len(arcs), len(arcs) + len(footprints)
    pairs = _pairs(shapely.STRtree(nodes), nodes, predicate="dwithin", distance=site.free_route_m)
    pairs = pairs[pairs[:, 1] >= first_part]  # gaps between two arcs are the site's own, not the draft's
    gaps = shapely.distance(nodes[pairs[:, 0]], nodes[pairs[:, 1]])
    bottleneck = _bottleneck(pairs, gaps, len(nodes), len(arcs), site.free_route_m)
    if bottleneck is None:
        return []
    (a, b), width, chain = bottleneck
    parts = tuple(
        sorted(int(indices[node - first_part]) for node in chain if first_part <= node < first_hole)
    )
    where = shapely.shortest_line(nodes[a], nodes[b])
    figures = {"width_m": round(width, 3), "required_m": site.free_route_m}
    return [LayoutProblem("route", parts, None, where, figures)]


def _bottleneck(
    pairs: np.ndarray, gaps: np.ndarray, count: int, arc_count: int, required_m: float
) -> tuple[tuple[int, int], float, list[int]] | None:
    """Kruskal over the gaps narrower than ``required_m``: the first that joins two arcs, and its chain.

    Nodes below ``arc_count`` are arcs. Returns the gap's two nodes, its width and the nodes of
    the chain from one arc to the other through it; None when no such gap joins two arcs.
    """
    parent = list(range(count))
    holds_arc = [node < arc_count for node in range(count)]
    forest: dict[int, list[int]] = {node: [] for node in range(count)}

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for k in np.lexsort((pairs[:, 1], pairs[:, 0], gaps)):
        a, b, gap = int(pairs[k, 0]), int(pairs[k, 1]), float(gaps[k])
        if gap >= required_m - TOLERANCE_M:
            break
        root_a, root_b = root(a), root(b)
        if root_a == root_b:
            continue
        if holds_arc[root_a] and holds_arc[root_b]:
            chain = _path_to_arc(forest, a, arc_count)[::-1] + _path_to_arc(forest, b, arc_count)
            return (a, b), gap, chain
        parent[root_a] = root_b
        holds_arc[root_b] = holds_arc[root_a] or holds_arc[root_b]
        forest[a].append(b)
        forest[b].append(a)
    return None


def _path_to_arc(forest: dict[int, list[int]], start: int, arc_count: int) -> list[int]:
    """The nodes from ``start`` to the arc of its tree in the forest (breadth first)."""
    came_from = {start: start}
    queue = [start]
    for node in queue:
        if node < arc_count:
            path = [node]
            while path[-1] != start:
                path.append(came_from[path[-1]])
            return path[::-1]
        for neighbour in forest[node]:
            if neighbour not in came_from:
                came_from[neighbour] = node
                queue.append(neighbour)
    return [start]


def _budget(site: Site, bill: Bill) -> list[LayoutProblem]:
    if site.budget_rub is None or bill.total_rub <= site.budget_rub:
        return []
    figures = {"total_rub": float(bill.total_rub), "budget_rub": site.budget_rub}
    return [LayoutProblem("budget", (), None, None, figures)]


def _season(placed: Sequence[PlacedPart], season: str) -> list[LayoutProblem]:
    if season != "all-year":
        return []
    return [
        LayoutProblem("season", (item.index,), None, item.footprint, {})
        for item in placed
        if item.part.season == "summer"
    ]


def _sorted_pair(indices: np.ndarray, i: int, j: int) -> tuple[int, ...]:
    return tuple(sorted((int(indices[i]), int(indices[j]))))


def layout_problem_as_dict(problem: LayoutProblem, crs_metric: str) -> dict[str, Any]:
    """A problem as JSON-ready data: rule, part indices, keep-clear id, figures and ``where`` in WGS84.

    >>> gap = LayoutProblem("route", (3,), None, shapely.LineString([(5e5, 0), (5e5, 1)]), {"width_m": 1.0})
    >>> answer = layout_problem_as_dict(gap, "EPSG:32641")
    >>> answer["rule"], answer["parts"], answer["where"]["type"], answer["figures"]
    ('route', [3], 'LineString', {'width_m': 1.0})
    """
    where = None
    if problem.where is not None and not problem.where.is_empty:
        where = mapping(in_degrees(problem.where, crs_metric))
    return {
        "rule": problem.rule,
        "parts": list(problem.parts),
        "keep_clear": problem.keep_clear,
        "where": where,
        "figures": dict(problem.figures),
    }
