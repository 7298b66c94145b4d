"""Step-goal loops and routes on the walking network: within ±5 % of the goal, green, little repeated way.

Every search runs scipy.sparse.csgraph's Dijkstra on the audience's CSR arrays
(routes/network.py), cut off at the radius the goal needs, so that its time
depends on the walk and not on the size of the city (docs/loops.md).
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass

import numpy as np
from scipy.sparse.csgraph import dijkstra

from routes.errors import RoutingError
from routes.network import AudienceRules, Graph, RoutingArrays, WalkingNetwork, edge_path_coords

TOLERANCE = 0.05  # a loop's steps within ±5 % of the goal
AIM = 0.035  # candidates are picked within ±3.5 %, inside the tolerance
MAX_START_DISTANCE_M = 500.0
MAX_LOOPS = 3
ENOUGH_ATTEMPTS = 4  # stop after this many once three loops are found, each repeating little,
SETTLE_ATTEMPTS = 12  # ... or after this many once three are found, the best repeating little
DEADLINE_S = 5.0  # and its bound in time, a safeguard
CANDIDATES = 8  # second waypoints built exactly and scored per attempt
REPEAT_PENALTY = 6.0  # score = green share - penalty x repeated share
REUSE_FACTOR = 20.0  # a way an earlier leg walked costs twenty times as much to the later legs
WORSE = 0.1  # ... and repeats at most this share more than the best one
MAX_OVERLAP = 0.5  # two loops are distinct when they share under half their ways
# Each attempt searches a disc only: round the circle through the start whose length, with
# the network's detours, is the goal's (radius = goal / (2 pi DETOUR)), widened by AREAS.
DETOUR = 1.3
# The disc's radius in circle radii, pass by pass: a wider pass when the loops found so far repeat
# more than GOOD, and the disc of radius REACH x goal round the start (None) when none is found
# at all (or the start's part is small).
AREAS = ((1.6, 24), (3.5, 12), (None, 12))  # (radius, attempts)
REACH = 0.53
GOOD = 0.1
SMALL_PART = 5_000  # nodes: a part this small is searched whole when the discs found only poor loops
FIRST_LEG = (0.18, 0.36)  # the first waypoint's distance from the start, as shares of the goal
MAX_WAYPOINTS = 4  # waypoints chained round the start when the area is small for the goal
TURN = math.radians(80)  # ... each turned this much round the start from the one before
SECTOR = math.radians(35)  # ... within this angle of the attempt's bearing (when there are such nodes)
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))  # successive bearings spread evenly round the start
REPEATED_DEFINITION = (
    "repeated: the share of the loop's length walked on a way (between two junctions) "
    "that the loop has already walked before, in either direction"
)


@dataclass(frozen=True)
class Walk:
    """A found route or loop: its node path, positions, length and shares of green, repeats, untagged ways.

    ``repeated_share`` is :data:`REPEATED_DEFINITION`; ``untagged_surface_share`` is the
    share of the length on ways without a ``surface`` tag (judged by the untagged-surface rule).
    """

    nodes: tuple[int, ...]
    coords: tuple[tuple[float, float, float | None], ...]
    length_m: float
    green_share: float
    repeated_share: float
    untagged_surface_share: float
    steps_count: int


@dataclass(frozen=True)
class _Tree:
    """Cheapest paths from one local node over an area, with length, green and reused metres along them."""

    source: int
    pred: np.ndarray
    length: np.ndarray  # by local node; inf where not reached
    green: np.ndarray
    reused: np.ndarray

    def path_to(self, node: int) -> list[int]:
        path = [node]
        pred = self.pred
        while path[-1] != self.source:
            path.append(int(pred[path[-1]]))
        return path[::-1]


def _tree(
    network: WalkingNetwork, graph: Graph, cost: np.ndarray, source: int, used: np.ndarray | None = None
) -> _Tree:
    """Dijkstra from local node ``source`` over ``graph``, and sums along each path by pointer jumping."""
    dist, pred = dijkstra(graph.matrix(cost), directed=True, indices=source, return_predecessors=True)
    reached = np.flatnonzero(np.isfinite(dist))
    local = np.full(graph.n, -1, dtype=np.int64)
    local[reached] = np.arange(len(reached))
    parents = pred[reached]
    child = parents >= 0
    up = np.where(child, local[np.where(child, parents, 0)], np.arange(len(reached)))
    edges = graph.edge[graph.entries(parents[child], reached[child])]
    lengths = network.edge_length[edges]
    sums = np.zeros((len(reached), 3))
    sums[child, 0] = lengths
    sums[child, 1] = lengths * network.edge_green[edges]
    if used is not None:
        sums[child, 2] = lengths * used[edges]
    while True:  # each pass doubles the stretch summed: log2(depth) passes
        sums += sums[up]
        higher = up[up]
        if np.array_equal(higher, up):
            break
        up = higher
    full = np.full((3, graph.n), np.inf)
    full[:, reached] = sums.T
    return _Tree(source, pred, full[0], full[1], full[2])


def start_node(network: WalkingNetwork, lon: float, lat: float, field: str, rules: AudienceRules) -> int:
    """The nearest node that the audience can walk from, in any part of the network; else why not."""
    return snap(network, lon, lat, field, rules)[0]


def snap(
    network: WalkingNetwork, lon: float, lat: float, field: str, rules: AudienceRules
) -> tuple[int, float]:
    """The nearest node that the audience can walk from and its distance in metres; else why not.

    Beyond 500 m the error gives the true distance to a suitable way and, when a way of
    another kind is nearer, what makes it unsuitable (steps, a kerb, an unknown surface...).
    """
    node, distance_m = network.nearest_node(lon, lat, rules)
    if distance_m <= MAX_START_DISTANCE_M:
        return node, distance_m
    near, near_m = network.nearest_node(lon, lat)
    limit_m = MAX_START_DISTANCE_M
    if near_m > limit_m:
        message = f"'{field}' is {near_m:,.0f} m from the walking network; it must be within {limit_m:,.0f} m"
        raise RoutingError(message, field, "far", distance_m=near_m, limit_m=limit_m)
    suitable = (
        f"is {distance_m:,.0f} m away" if math.isfinite(distance_m) else "does not exist in this network"
    )
    refusals = tuple(network.refusals_near(near, rules))
    message = (
        f"'{field}': the nearest way suitable for this audience {suitable} (it must be within "
        f"{limit_m:,.0f} m); the nearest way of any kind is {near_m:,.0f} m away "
        f"but it has {', '.join(refusals) or 'no suitable way joining it'}"
    )
    raise RoutingError(
        message,
        field,
        "unsuitable",
        distance_m=distance_m,
        near_m=near_m,
        limit_m=limit_m,
        refusals=refusals,
        audience=rules.audience_id,
    )


def route(network: WalkingNetwork, start: int, end: int, rules: AudienceRules, step_length_m: float) -> Walk:
    """The shortest path for the audience between two nodes (by length: no green preference).

    The search is cut off at three times the straight distance, and widened only when
    the end lies further along the network.
    """
    arrays = network.arrays(rules)
    source, target = network.index_of[start], network.index_of[end]
    if source == target:
        return _walk(network, arrays, [source], step_length_m)
    if arrays.part[source] != arrays.part[target] or not arrays.usable[source]:
        message = "no way suitable for this audience joins 'from' and 'to'"
        raise RoutingError(message, "to", "not_joined", audience=rules.audience_id)
    straight = float(np.hypot(*(network.node_xy[source] - network.node_xy[target])))
    limit = max(3 * straight, 1_000.0)
    matrix = arrays.whole.matrix(arrays.cost)
    while True:
        dist, pred = dijkstra(matrix, directed=True, indices=source, return_predecessors=True, limit=limit)
        if math.isfinite(dist[target]):
            break
        limit *= 4
    path = [target]
    while path[-1] != source:
        path.append(int(pred[path[-1]]))
    return _walk(network, arrays, path[::-1], step_length_m)


def find_loops(
    network: WalkingNetwork,
    start: int,
    steps: int,
    rules: AudienceRules,
    step_length_m: float,
    prefer_green: bool = True,
    deadline_s: float = DEADLINE_S,
) -> list[Walk]:
    """Up to three distinct loops from ``start`` within ±5 % of ``steps``, greenest and least repeated first.

    Each attempt searches a disc round the start in a new direction: it takes a first
    waypoint at about a third of the goal from the start, walks there on the cheapest
    path, then reprices the ways walked (x8) and searches from the waypoint and from the
    start again; the second waypoint is chosen among all nodes at once so that start →
    first → second → start lands within ±3.5 % of the goal, where the two searches meet
    from different sides, with the most green and the fewest repeats. The same question
    gets the same loops (seeded by it).
    """
    target_m = steps * step_length_m
    arrays = network.arrays(rules, prefer_green)
    source = network.index_of[start]
    if not arrays.usable[source]:
        message = "no way suitable for this audience leaves the start"
        figures = {"steps": steps, "tolerance": TOLERANCE, "audience": rules.audience_id}
        raise RoutingError(message, "start", "start_unusable", **figures)
    held_m = float(arrays.part_m[arrays.part[source]])
    if held_m * 2 < target_m:
        raise RoutingError(
            f"the network reachable from the start ({held_m / 1000:,.1f} km) cannot hold a loop of "
            f"{steps:,} steps ({target_m / 1000:,.1f} km) without walking most of it twice",
            "steps",
            "too_small",
            held_m=held_m,
            steps=steps,
        )
    rng = random.Random(f"{start}:{steps}:{rules.audience_id}:{prefer_green}")
    first_bearing = rng.uniform(0, 2 * math.pi)
    radius = target_m / (2 * math.pi * DETOUR)
    cost = arrays.cost.copy()  # repriced in place for each attempt, then restored
    found: list[tuple[float, list[int], frozenset[int], float]] = []
    began = time.monotonic()
    part = arrays.part[source]
    whole_part = False  # every attempt of the last pass searched the start's whole part
    for area, attempts in AREAS:
        good = found and _best_kept_repeat(found) <= GOOD
        small = arrays.part_n[part] <= SMALL_PART
        if good or (found and whole_part) or (found and area is None and not small):
            break
        whole_part = True
        for attempt in range(attempts):
            if time.monotonic() - began > deadline_s:
                break
            if _enough(found, attempt):
                break
            bearing = first_bearing + attempt * GOLDEN_ANGLE
            centre = network.node_xy[source] + radius * np.array([math.sin(bearing), math.cos(bearing)])
            if area is None:  # every loop of the goal lies within goal / 2 of its start
                centre, reach = network.node_xy[source], REACH * target_m
            else:
                reach = radius * area
            nodes = np.array(sorted(arrays.tree.query_ball_point(centre, reach)), dtype=np.int64)
            whole_part = whole_part and np.count_nonzero(arrays.part[nodes] == part) >= arrays.part_n[part]
            graph = arrays.area(np.union1d(nodes, [source]))
            search = _Attempt(network, arrays, graph, cost, target_m, steps, step_length_m)
            best = search.run(source, bearing, rng, attempt)
            if best:
                found = _keep(found, best[0])
    found.sort(key=lambda item: -item[0])
    loops = [_walk(network, arrays, item[1], step_length_m) for item in found[:MAX_LOOPS]]
    # an alternative that walks much more of its way twice than the best one is left out
    loops = (
        [walk for walk in loops if walk.repeated_share <= loops[0].repeated_share + WORSE] if loops else []
    )
    if not loops:
        raise RoutingError(
            f"no loop of {steps:,} steps (±5 %) from this start fits the network for this audience",
            "steps",
            "no_loop",
            steps=steps,
            tolerance=TOLERANCE,
            audience=rules.audience_id,
        )
    return loops


@dataclass
class _Attempt:
    """One loop attempt on an area: waypoints chained round the start, each leg repricing the ways walked."""

    network: WalkingNetwork
    arrays: RoutingArrays
    graph: Graph
    cost: np.ndarray
    target_m: float
    steps: int
    step_length_m: float

    def run(
        self, source: int, bearing: float, rng: random.Random, attempt: int
    ) -> list[tuple[float, list[int], frozenset[int], float]]:
        """The best loops start → waypoints → X → start on the goal: (score, node path, ways), best first.

        When no X closes the loop on the goal (the loop would be too short), one more
        waypoint is added, turned round the start from the last one.
        """
        graph = self.graph
        start = int(np.searchsorted(graph.nodes, source))
        offsets = self.network.node_xy[graph.nodes] - self.network.node_xy[source]
        bearings = np.arctan2(offsets[:, 0], offsets[:, 1])
        home = _tree(self.network, graph, self.arrays.cost, start)
        waypoint = _first_waypoint(home, bearings, bearing, self.target_m, rng)
        if waypoint is None:
            return []
        turn = TURN if attempt % 2 else -TURN
        prefix = home.path_to(waypoint)
        for stage in range(MAX_WAYPOINTS):
            onward, back, prefix_edges = self._trees(prefix, start)
            found = self._close(prefix, prefix_edges, onward, back)
            if found or stage == MAX_WAYPOINTS - 1:
                return [(score, graph.nodes[path].tolist(), edges, rep) for score, path, edges, rep in found]
            remaining = self.target_m - float(self.network.edge_length[prefix_edges].sum())
            ring = np.flatnonzero((onward.length >= 0.25 * remaining) & (onward.length <= 0.45 * remaining))
            fresh = ring[onward.reused[ring] == 0]
            ring = fresh if len(fresh) else ring
            if not len(ring):
                return []
            waypoint = _towards(ring, bearings, bearings[waypoint] + turn, rng)
            prefix = prefix + onward.path_to(waypoint)[1:]
        return []

    def _trees(self, prefix: list[int], start: int) -> tuple[_Tree, _Tree, np.ndarray]:
        """Cheapest paths on from the last waypoint and back from the start, the walked ways repriced."""
        arrays, cost = self.arrays, self.cost
        prefix_edges = _edges(self.graph, prefix)
        used = np.zeros(len(self.network.edge_length), dtype=bool)
        used[prefix_edges] = True
        entries = arrays.edge_entries[prefix_edges].ravel()
        cost[entries] = arrays.cost[entries] * REUSE_FACTOR
        try:
            onward = _tree(self.network, self.graph, cost, prefix[-1], used)
            back = _tree(self.network, self.graph, cost, start, used)
        finally:
            cost[entries] = arrays.cost[entries]
        return onward, back, prefix_edges

    def _close(
        self, prefix: list[int], prefix_edges: np.ndarray, onward: _Tree, back: _Tree
    ) -> list[tuple[float, np.ndarray, frozenset[int], float]]:
        network, target_m = self.network, self.target_m
        lengths = network.edge_length[prefix_edges]
        prefix_length = float(lengths.sum())
        prefix_green = float((lengths * network.edge_green[prefix_edges]).sum())
        prefix_repeat = prefix_length - float(network.edge_length[np.unique(prefix_edges)].sum())
        total = prefix_length + onward.length + back.length
        total[prefix] = np.inf
        close = np.flatnonzero(np.abs(total - target_m) <= AIM * target_m)
        if not len(close):
            return []
        green = (prefix_green + onward.green[close] + back.green[close]) / total[close]
        reused = (prefix_repeat + onward.reused[close] + back.reused[close]) / total[close]
        # the two searches meet at X from different sides, or the loop walks X's last way twice
        meets = onward.pred[close] != back.pred[close]
        estimate = green - REPEAT_PENALTY * reused
        ranked = close[np.lexsort((-estimate, ~meets))[:CANDIDATES]]
        scored = []
        for candidate in ranked.tolist():
            path = prefix + onward.path_to(candidate)[1:] + back.path_to(candidate)[::-1][1:]
            edges = _edges(self.graph, path)
            length, green_share, repeated_share, _ = _shares(network, edges)
            if abs(round(length / self.step_length_m) - self.steps) > TOLERANCE * self.steps:
                continue
            score = green_share - REPEAT_PENALTY * repeated_share
            scored.append((score, np.asarray(path), frozenset(edges.tolist()), repeated_share))
        scored.sort(key=lambda item: -item[0])
        return scored


def _first_waypoint(
    home: _Tree, bearings: np.ndarray, bearing: float, target_m: float, rng: random.Random
) -> int | None:
    """A node about a third of the goal away, as near as may be to ``bearing`` as seen from the start."""
    low, high = FIRST_LEG
    ring = np.flatnonzero((home.length >= low * target_m) & (home.length <= high * target_m))
    if not len(ring):  # the area is smaller than a leg: go as far as it allows
        finite = np.flatnonzero(np.isfinite(home.length) & (home.length > 0))
        if not len(finite):
            return None
        ring = finite[home.length[finite] >= 0.8 * home.length[finite].max()]
    return _towards(ring, bearings, bearing, rng)


def _towards(ring: np.ndarray, bearings: np.ndarray, bearing: float, rng: random.Random) -> int:
    """One of the nodes of ``ring`` within the sector round ``bearing`` (else the nearest tenth)."""
    turn = np.abs((bearings[ring] - bearing + math.pi) % (2 * math.pi) - math.pi)
    sector = ring[turn <= SECTOR]
    if not len(sector):
        sector = ring[np.argsort(turn, kind="stable")[: max(1, len(ring) // 10)]]
    return int(sector[rng.randrange(len(sector))])


def _shares(network: WalkingNetwork, edges: np.ndarray) -> tuple[float, float, float, float]:
    """Length, and the green, repeated and untagged-surface shares of a walk along ``edges``."""
    lengths = network.edge_length[edges]
    length = float(lengths.sum())
    if not length:
        return 0.0, 0.0, 0.0, 0.0
    once = float(network.edge_length[np.unique(edges)].sum())
    green = float((lengths * network.edge_green[edges]).sum())
    untagged = float(lengths[network.edge_untagged[edges]].sum())
    return length, green / length, (length - once) / length, untagged / length


def _edges(graph: Graph, path: list[int]) -> np.ndarray:
    """The edge ids along a path of ``graph``'s nodes."""
    nodes = np.asarray(path, dtype=np.int64)
    return graph.edge[graph.entries(nodes[:-1], nodes[1:])]


def _walk(network: WalkingNetwork, arrays: RoutingArrays, path: list[int], step_length_m: float) -> Walk:
    """A path of node indices as a Walk: positions, length, green, repeated and untagged shares."""
    length, green, repeated, untagged = _shares(network, _edges(arrays.whole, path))
    nodes = [network.node_ids[index] for index in path]
    return Walk(
        nodes=tuple(nodes),
        coords=tuple(edge_path_coords(network.graph, nodes)),
        length_m=round(length, 1),
        green_share=round(green, 3),
        repeated_share=round(repeated, 3),
        untagged_surface_share=round(untagged, 3),
        steps_count=round(length / step_length_m),
    )


def _enough(found: list, attempt: int) -> bool:
    """Whether a pass may stop: three loops kept, each repeating little, after a few attempts;
    or, after more attempts, one loop repeating little (there may be no three distinct ones)."""
    if not found:
        return False
    if attempt >= ENOUGH_ATTEMPTS and len(found) >= MAX_LOOPS and _best_kept_repeat(found) <= GOOD:
        return True
    return attempt >= SETTLE_ATTEMPTS and min(item[3] for item in found) <= GOOD


def _best_kept_repeat(found: list) -> float:
    """The largest repeated share among the (up to) three best-scored loops found so far."""
    return max(item[3] for item in sorted(found, key=lambda item: -item[0])[:MAX_LOOPS])


def _keep(found: list, item: tuple) -> list:
    """``found`` with ``item`` added, unless it shares most of its ways with a better loop already there.

    Loops it shares most of its ways with that score lower are dropped for it.
    """
    alike = [other for other in found if _overlap(item[2], other[2]) > MAX_OVERLAP]
    if any(other[0] >= item[0] for other in alike):
        return found
    return [other for other in found if other not in alike] + [item]


def _overlap(a: frozenset[int], b: frozenset[int]) -> float:
    """Share of the smaller loop's ways that the other walks too."""
    return len(a & b) / max(1, min(len(a), len(b)))
