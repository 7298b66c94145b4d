"""Bench-only: the loop search of ecomap before issue 9 (networkx's Dijkstra over the whole graph) and
the routing engines' circle round trip, kept to compare with routes/loops.py in bench/bench_loops.py.

Not used by the app. ``largest_component`` restricts a network to its largest connected part.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from typing import Any

import networkx as nx
import numpy as np
from pyproj import Transformer

from routes.loops import RoutingError, Walk
from routes.network import BENCH_FACTOR, GREEN_WEIGHT, AudienceRules, WalkingNetwork, edge_path_coords

TOLERANCE = 0.05
AIM = 0.04
MAX_LOOPS = 3
MAX_ATTEMPTS = 24
ENOUGH_ATTEMPTS = 8
DEADLINE_S = 5.0
CANDIDATES = 6
REPEAT_PENALTY = 1.0
MAX_OVERLAP = 0.5


def largest_component(network: WalkingNetwork) -> WalkingNetwork:
    """The network restricted to its largest connected part (stray bits of an extract left out)."""
    nodes = max(nx.connected_components(network.graph), key=len)
    graph = network.graph.subgraph(nodes).copy()
    keep = [index for index, node in enumerate(network.node_ids) if node in nodes]
    return WalkingNetwork(
        graph, network.crs_metric, network.node_xy[keep], [network.node_ids[i] for i in keep]
    )


def start_node(network: WalkingNetwork, lon: float, lat: float, field: str, rules: AudienceRules) -> int:
    """The former snapping: the nearest node on the audience's largest usable part, else an error."""
    x, y = network.metric_xy(lon, lat)
    distances = np.hypot(network.node_xy[:, 0] - x, network.node_xy[:, 1] - y)
    cache = network.__dict__.setdefault("_legacy_usable", {})
    if rules not in cache:
        allowed = nx.subgraph_view(
            network.graph, filter_edge=lambda u, v: rules.allows(network.graph.edges[u, v])
        )
        parts = [part for part in nx.connected_components(allowed) if len(part) > 1]
        largest = max(parts, key=len) if parts else set()
        cache[rules] = np.array([node in largest for node in network.node_ids], dtype=bool)
    distances = np.where(cache[rules], distances, np.inf)
    index = int(np.argmin(distances))
    if distances[index] > 500:
        raise RoutingError(f"'{field}' is {distances[index]:,.0f} m from the walking network", field)
    return network.node_ids[index]


def weight(rules: AudienceRules, prefer_green: bool):
    """The edge cost for networkx: None hides a way the audience cannot use."""

    def cost(_u: int, _v: int, edge: dict[str, Any]) -> float | None:
        if not rules.allows(edge):
            return None
        value = edge["length_m"]
        if prefer_green:
            value *= 1 + GREEN_WEIGHT * (1 - edge["green_share"])
        if rules.prefer_benches and edge["benches"]:
            value *= BENCH_FACTOR
        return value

    return cost


class _Tree:
    """Shortest paths from one node by the audience's cost, with the true length and green along them."""

    def __init__(self, graph: nx.Graph, source: int, weight) -> None:
        self.pred, cost = nx.dijkstra_predecessor_and_distance(graph, source, weight=weight)
        self.length: dict[int, float] = {source: 0.0}
        self.green: dict[int, float] = {source: 0.0}
        for node in sorted(cost, key=cost.__getitem__):
            if node == source:
                continue
            parent = self.pred[node][0]
            edge = graph.edges[parent, node]
            self.length[node] = self.length[parent] + edge["length_m"]
            self.green[node] = self.green[parent] + edge["length_m"] * edge["green_share"]

    def path_to(self, node: int) -> list[int]:
        path = [node]
        while self.pred[path[-1]]:
            path.append(self.pred[path[-1]][0])
        return path[::-1]


def find_loops(
    network: WalkingNetwork,
    start: int,
    steps: int,
    rules: AudienceRules,
    step_length_m: float,
    prefer_green: bool = True,
    deadline_s: float = DEADLINE_S,
) -> list[Walk]:
    """The former search: sampled waypoints, the last one fitted over all nodes (see git history)."""
    target_m = steps * step_length_m
    cost = weight(rules, prefer_green)
    graph = network.graph
    home = _Tree(graph, start, cost)
    reachable = set(home.length)
    if len(reachable) < 2:
        raise RoutingError("no way suitable for this audience leaves the start", "start")
    held_m = sum(graph.edges[u, v]["length_m"] for u, v in graph.subgraph(reachable).edges)
    if held_m * 2 < target_m:
        raise RoutingError("the network reachable from the start cannot hold the loop", "steps")
    rng = random.Random(f"{start}:{steps}:{rules.audience_id}:{prefer_green}")
    order = sorted(reachable)
    home_length = _array(home.length, order)
    home_green = _array(home.green, order)
    trees: dict[int, _Tree] = {start: home}
    found: list[tuple[float, Walk]] = []
    began = time.monotonic()
    for attempt in range(MAX_ATTEMPTS):
        if time.monotonic() - began > deadline_s:
            break
        if len(found) >= MAX_LOOPS and attempt >= ENOUGH_ATTEMPTS:
            break
        waypoints = _sample_waypoints(graph, trees, start, target_m, order, rng, cost, attempt)
        chain = [start, *waypoints]
        prefix_length = sum(trees[a].length.get(b, math.inf) for a, b in itertools.pairwise(chain))
        prefix_green = sum(trees[a].green.get(b, 0.0) for a, b in itertools.pairwise(chain))
        last = trees[chain[-1]]
        total = prefix_length + _array(last.length, order) + home_length
        green = prefix_green + _array(last.green, order) + home_green
        close = np.flatnonzero(np.abs(total - target_m) <= AIM * target_m)
        if not len(close):
            continue
        scored = []
        for candidate in close[np.argsort(-(green[close] / total[close]))[:CANDIDATES]]:
            walk = graph_walk(graph, _join(trees, [*chain, order[candidate]], start), step_length_m)
            if abs(walk.steps_count - steps) > TOLERANCE * steps:
                continue
            if all(_overlap(walk, other) <= MAX_OVERLAP for _, other in found):
                scored.append((walk.green_share - REPEAT_PENALTY * walk.repeated_share, walk))
        if scored:
            found.append(max(scored, key=lambda item: item[0]))
    found.sort(key=lambda item: -item[0])
    loops = [walk for _, walk in found[:MAX_LOOPS]]
    if not loops:
        raise RoutingError(f"no loop of {steps:,} steps (±5 %) from this start", "steps")
    return loops


def _array(values: dict[int, float], order: list[int]) -> np.ndarray:
    return np.array([values.get(node, math.inf) for node in order])


def _sample_waypoints(graph, trees, start, target_m, order, rng, cost, attempt) -> list[int]:
    count = 1 + attempt % 3
    leg_m = target_m / (count + 2)
    waypoints: list[int] = []
    current = start
    for _ in range(count):
        tree = trees[current]
        near = [node for node in order if 0.6 * leg_m <= tree.length.get(node, math.inf) <= 1.4 * leg_m]
        if not near:
            near = sorted(order, key=lambda node: -tree.length.get(node, 0.0))[: max(1, len(order) // 10)]
        current = near[rng.randrange(len(near))]
        if current not in trees:
            trees[current] = _Tree(graph, current, cost)
        waypoints.append(current)
    return waypoints


def _join(trees: dict[int, _Tree], chain: list[int], start: int) -> list[int]:
    nodes = [start]
    for a, b in itertools.pairwise(chain):
        nodes.extend(trees[a].path_to(b)[1:])
    nodes.extend(trees[start].path_to(chain[-1])[::-1][1:])
    return nodes


def graph_walk(graph: nx.Graph, nodes: list[int], step_length_m: float) -> Walk:
    """A Walk from a node path, measured edge by edge on the graph (the same figures as routes.loops)."""
    length = green = repeated = untagged = 0.0
    seen: set[frozenset[int]] = set()
    for u, v in itertools.pairwise(nodes):
        edge = graph.edges[u, v]
        length += edge["length_m"]
        green += edge["length_m"] * edge["green_share"]
        untagged += edge["length_m"] if edge["surface"] is None else 0.0
        key = frozenset((u, v))
        if key in seen:
            repeated += edge["length_m"]
        seen.add(key)
    return Walk(
        nodes=tuple(nodes),
        coords=tuple(edge_path_coords(graph, nodes)),
        length_m=round(length, 1),
        green_share=round(green / length, 3) if length else 0.0,
        repeated_share=round(repeated / length, 3) if length else 0.0,
        untagged_surface_share=round(untagged / length, 3) if length else 0.0,
        steps_count=round(length / step_length_m),
    )


def _overlap(a: Walk, b: Walk) -> float:
    edges_a = {frozenset(pair) for pair in itertools.pairwise(a.nodes)}
    edges_b = {frozenset(pair) for pair in itertools.pairwise(b.nodes)}
    return len(edges_a & edges_b) / max(1, min(len(edges_a), len(edges_b)))


def circle_loop(
    network: WalkingNetwork, start: int, steps: int, rules: AudienceRules, step_length_m: float, seed: int
) -> Walk:
    """The routing engines' round trip: two waypoints on a circle of the goal's length, routed between.

    The circle passes through the start, its circumference is the goal's length and
    its centre lies at a random bearing (GraphHopper's round_trip); used to compare.
    """
    rng = random.Random(seed)
    target_m = steps * step_length_m
    radius = target_m / (2 * math.pi)
    bearing = rng.uniform(0, 2 * math.pi)
    index = network.node_ids.index(start)
    x0, y0 = network.node_xy[index]
    cx, cy = x0 + radius * math.sin(bearing), y0 + radius * math.cos(bearing)
    back = bearing + math.pi
    to_lonlat = Transformer.from_crs(network.crs_metric, "EPSG:4326", always_xy=True)
    cost = weight(rules, prefer_green=False)
    nodes = [start]
    for turn in (2 * math.pi / 3, 4 * math.pi / 3):
        angle = back + turn
        lon, lat = to_lonlat.transform(cx + radius * math.sin(angle), cy + radius * math.cos(angle))
        nodes.append(network.nearest_node(lon, lat)[0])
    nodes.append(start)
    path = [start]
    for a, b in itertools.pairwise(nodes):
        try:
            path.extend(nx.dijkstra_path(network.graph, a, b, weight=cost)[1:])
        except nx.NetworkXNoPath:
            raise RoutingError("no way joins the circle's waypoints", "start") from None
    return graph_walk(network.graph, path, step_length_m)
