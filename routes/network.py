"""The walking network of a pack: intersections and ways with length, surface, gradient and green share."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import shapely
from pyproj import Transformer

from geo.osm import Mapping, load_mapping, read_tagged
from geo.pack import CityPack
from routes.audiences import Audience
from routes.metrics import GEOD
from routes.tracks import REST_KINDS, read_tracks

BESIDE_GREEN_M = 25.0  # a way along a park's or forest's edge counts as green
NEAR_WATER_M = 100.0  # within 100 m of water counts as green (the rule)
BENCH_NEAR_M = 30.0  # a bench within 30 m of a way is a rest on it
GREEN_WEIGHT = 1.5  # prefer=green: a way outside green space costs up to 2.5 times its length
BENCH_FACTOR = 0.8  # an audience that prefers benches: a way with a bench costs 80 % of its length
# Surfaces a wheel rolls on; a way without a surface tag counts as paved when its kind usually is.
PAVED_BY_DEFAULT = {"footway", "pedestrian", "residential", "living_street", "service", "cycleway", "steps"}
# OpenStreetMap's surface values in the audiences' vocabulary (audiences.toml says asphalt, paving, concrete).
SURFACE_ALIASES = {
    "paving_stones": "paving",
    "concrete:plates": "concrete",
    "concrete:lanes": "concrete",
    "paved": "asphalt",
}
DECIMALS = 7
# A network of at most this many vertices (a hand-drawn one) has a node at every vertex, so that a
# loop can turn back anywhere along a way and hit its goal on a sparse network.
SMALL_NETWORK_VERTICES = 5_000


@dataclass(frozen=True)
class AudienceRules:
    """What an audience may walk: steps or not, surfaces, the steepest gradient, and whether benches pull."""

    audience_id: str
    avoid_steps: bool
    surfaces: tuple[str, ...]
    max_gradient_pct: float
    prefer_benches: bool

    def allows(self, edge: dict[str, Any]) -> bool:
        """Whether a way (an edge's data) suits the audience.

        >>> rules = AudienceRules("limited-mobility", True, ("asphalt",), 6.0, False)
        >>> rules.allows({"highway": "steps", "surface": "asphalt", "gradient_pct": None})
        False
        >>> rules.allows({"highway": "footway", "surface": None, "gradient_pct": 4.0})
        True
        >>> rules.allows({"highway": "path", "surface": None, "gradient_pct": None})
        False
        """
        if self.avoid_steps and edge["highway"] == "steps":
            return False
        if self.surfaces:
            surface = SURFACE_ALIASES.get(edge["surface"], edge["surface"])
            if surface is None and edge["highway"] not in PAVED_BY_DEFAULT:
                return False
            if surface is not None and surface not in self.surfaces:
                return False
        gradient = edge["gradient_pct"]
        return gradient is None or gradient <= self.max_gradient_pct


def rules_for(audience: Audience, mapping: Mapping | None = None) -> AudienceRules:
    """The audience's rules from its data: surfaces it keeps to mean wheels (no steps, no loose ground).

    >>> from routes.audiences import Audience
    >>> rules_for(Audience("seniors", {}, 0.62, 90, 7000, 5, (), "")).prefer_benches
    True
    """
    prefer = mapping.prefer_benches if mapping is not None else ("seniors",)
    return AudienceRules(
        audience_id=audience.id,
        avoid_steps=bool(audience.surfaces),
        surfaces=audience.surfaces,
        max_gradient_pct=audience.max_gradient_pct,
        prefer_benches=audience.id in prefer,
    )


@dataclass
class WalkingNetwork:
    """The graph (nodes: intersections and ends; edges: ways between them) and node positions."""

    graph: nx.Graph
    crs_metric: str
    node_xy: np.ndarray
    node_ids: list[int]

    def nearest_node(self, lon: float, lat: float, rules: AudienceRules | None = None) -> tuple[int, float]:
        """The node nearest to a place (on the audience's largest usable part) and its distance in metres."""
        x, y = Transformer.from_crs("EPSG:4326", self.crs_metric, always_xy=True).transform(lon, lat)
        distances = np.hypot(self.node_xy[:, 0] - x, self.node_xy[:, 1] - y)
        if rules is not None:
            distances = np.where(self._usable(rules), distances, np.inf)
        index = int(np.argmin(distances))
        return self.node_ids[index], float(distances[index])

    def _usable(self, rules: AudienceRules) -> np.ndarray:
        """Which nodes lie on the largest part of the network the audience can walk (cached)."""
        cache = self.__dict__.setdefault("_usable_cache", {})
        if rules not in cache:
            allowed = nx.subgraph_view(
                self.graph, filter_edge=lambda u, v: rules.allows(self.graph.edges[u, v])
            )
            parts = [part for part in nx.connected_components(allowed) if len(part) > 1]
            largest = max(parts, key=len) if parts else set()
            cache[rules] = np.array([node in largest for node in self.node_ids], dtype=bool)
        return cache[rules]

    def weight(self, rules: AudienceRules, prefer_green: bool):
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

    def total_length_m(self) -> float:
        return float(sum(data["length_m"] for _, _, data in self.graph.edges(data=True)))


def build_network(pack: CityPack, mapping: Mapping | None = None) -> WalkingNetwork:
    """Build the walking network from the pack's network layers (role "network"), green and water."""
    mapping = mapping or load_mapping(pack.path)
    lines = []
    for layer_id in mapping.layers_with_role("network"):
        if layer_id in pack.layers:
            lines.extend(_tagged_lines(read_tagged(pack.path, layer_id)))
    if not lines:
        raise ValueError(f"pack {pack.path} has no walking network: no layer with the role 'network'")
    return network_from_lines(lines, pack.crs_metric, _green_area(pack, mapping), _benches(pack, mapping))


def _tagged_lines(features: list[dict[str, Any]]) -> list[tuple[str, list[list[float]], dict[str, str]]]:
    lines = []
    for feature in features:
        geometry = feature["geometry"]
        parts = [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
        for part in parts:
            lines.append((feature["id"], part, feature.get("tags", {})))
    return lines


def _green_area(pack: CityPack, mapping: Mapping) -> shapely.Geometry:
    """Green space in metres: parks and forests with a margin, and 100 m around water."""
    pieces = []
    for role, margin in (("green", BESIDE_GREEN_M), ("water", NEAR_WATER_M)):
        for layer_id in mapping.layers_with_role(role):
            if layer_id in pack.layers:
                pieces.extend(pack.layers[layer_id].frame.to_crs(pack.crs_metric).geometry.buffer(margin))
    area = shapely.union_all(pieces) if pieces else shapely.Polygon()
    shapely.prepare(area)
    return area


def _benches(pack: CityPack, mapping: Mapping) -> np.ndarray:
    """Benches in metres: the layers with the role "bench" and the tracks' bench and tea stops."""
    points = []
    for layer_id in mapping.layers_with_role("bench"):
        if layer_id in pack.layers:
            points.extend(pack.layers[layer_id].frame.to_crs(pack.crs_metric).geometry)
    tracks, _problems = read_tracks(pack.path)
    stops = [stop for track in tracks.values() for stop in track.stops if stop.kind in REST_KINDS]
    if stops:
        transformer = Transformer.from_crs("EPSG:4326", pack.crs_metric, always_xy=True)
        xs, ys = transformer.transform([stop.lon for stop in stops], [stop.lat for stop in stops])
        points.extend(shapely.points(np.column_stack([xs, ys])))
    return np.array(points, dtype=object)


def network_from_lines(
    lines: list[tuple[str, list[list[float]], dict[str, str]]],
    crs_metric: str,
    green_area: shapely.Geometry,
    benches: np.ndarray,
) -> WalkingNetwork:
    """Split lines at shared vertices and ends into edges; measure each edge."""
    keyed = [[(round(p[0], DECIMALS), round(p[1], DECIMALS)) for p in coords] for _, coords, _ in lines]
    uses: dict[tuple[float, float], int] = {}
    heights: dict[tuple[float, float], float] = {}
    for (_, coords, _), keys in zip(lines, keyed, strict=True):
        for key in set(keys):
            uses[key] = uses.get(key, 0) + 1
        for position, key in zip(coords, keys, strict=True):
            if len(position) > 2 and position[2] is not None:
                heights[key] = float(position[2])
        for key in (keys[0], keys[-1]):
            uses[key] = uses.get(key, 0) + 2
    every_vertex = len(uses) <= SMALL_NETWORK_VERTICES
    raw = []
    for (feature_id, _, tags), keys in zip(lines, keyed, strict=True):
        start = 0
        for index in range(1, len(keys)):
            if every_vertex or uses[keys[index]] >= 2 or index == len(keys) - 1:
                piece = _dedup(keys[start : index + 1])
                if len(piece) >= 2:
                    raw.append((piece, feature_id, tags))
                start = index
    pieces = _without_parallels(raw)
    node_of: dict[tuple[float, float], int] = {}
    for piece, _, _ in pieces:
        for key in (piece[0], piece[-1]):
            node_of.setdefault(key, len(node_of))
    transformer = Transformer.from_crs("EPSG:4326", crs_metric, always_xy=True)
    graph = nx.Graph()
    metric_lines = []
    edges = []
    for piece, feature_id, tags in pieces:
        lons, lats = zip(*piece, strict=True)
        _, _, segments = GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
        length = float(np.sum(segments))
        if length <= 0:
            continue
        xs, ys = transformer.transform(lons, lats)
        metric_lines.append(shapely.LineString(list(zip(xs, ys, strict=True))))
        gradient = None
        if piece[0] in heights and piece[-1] in heights:
            gradient = round(abs(heights[piece[-1]] - heights[piece[0]]) / length * 100, 1)
        edges.append((node_of[piece[0]], node_of[piece[-1]], piece, feature_id, tags, length, gradient))
    lines_array = np.array(metric_lines, dtype=object)
    green_lengths = shapely.length(shapely.intersection(lines_array, green_area)) if len(lines_array) else []
    bench_counts = np.zeros(len(edges), dtype=int)
    if len(benches):
        tree = shapely.STRtree(benches)
        hits = tree.query(lines_array, predicate="dwithin", distance=BENCH_NEAR_M)
        np.add.at(bench_counts, hits[0], 1)
    for index, (u, v, piece, feature_id, tags, length, gradient) in enumerate(edges):
        green = (
            float(green_lengths[index]) / metric_lines[index].length if metric_lines[index].length else 0.0
        )
        graph.add_edge(
            u,
            v,
            length_m=length,
            highway=tags.get("highway", "path"),
            surface=tags.get("surface"),
            gradient_pct=gradient,
            green_share=round(min(green, 1.0), 3),
            benches=int(bench_counts[index]),
            feature=feature_id,
            coords=[(lon, lat, heights.get((lon, lat))) for lon, lat in piece],
            start=u,
        )
    node_ids = sorted(graph.nodes)
    key_of = {node: key for key, node in node_of.items()}
    lonlat = np.array([key_of[node] for node in node_ids]) if node_ids else np.zeros((0, 2))
    xs, ys = transformer.transform(lonlat[:, 0], lonlat[:, 1])
    for node, lon, lat in zip(node_ids, lonlat[:, 0], lonlat[:, 1], strict=True):
        graph.nodes[node]["lon"], graph.nodes[node]["lat"] = float(lon), float(lat)
    return WalkingNetwork(graph, crs_metric, np.column_stack([xs, ys]), node_ids)


def _dedup(keys: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out = [keys[0]]
    for key in keys[1:]:
        if key != out[-1]:
            out.append(key)
    return out


def _without_parallels(raw: list[tuple[list, str, dict]]) -> list[tuple[list, str, dict]]:
    """Split a piece that closes on itself or joins two nodes already joined, at its middle vertex.

    A ring round a pond, or a second way between the same two junctions, then keeps
    its own edges (a simple graph holds one edge per pair of nodes).
    """
    queue = list(reversed(raw))
    pairs: set[frozenset] = set()
    pieces = []
    while queue:
        piece, feature_id, tags = queue.pop()
        pair = frozenset((piece[0], piece[-1]))
        if piece[0] == piece[-1] or pair in pairs:
            if len(piece) >= 3:
                middle = len(piece) // 2
                queue.append((piece[middle:], feature_id, tags))
                queue.append((piece[: middle + 1], feature_id, tags))
            continue
        pairs.add(pair)
        pieces.append((piece, feature_id, tags))
    return pieces


def largest_component(network: WalkingNetwork) -> WalkingNetwork:
    """The network restricted to its largest connected part (stray bits of an extract left out)."""
    nodes = max(nx.connected_components(network.graph), key=len)
    graph = network.graph.subgraph(nodes).copy()
    keep = [index for index, node in enumerate(network.node_ids) if node in nodes]
    return WalkingNetwork(
        graph, network.crs_metric, network.node_xy[keep], [network.node_ids[i] for i in keep]
    )


def edge_path_coords(graph: nx.Graph, nodes: list[int]) -> list[tuple[float, float, float | None]]:
    """The positions along a node path, each edge's line turned the way it is walked."""
    if len(nodes) == 1:
        data = graph.nodes[nodes[0]]
        return [(data["lon"], data["lat"], None)]
    coords: list[tuple[float, float, float | None]] = []
    for u, v in itertools.pairwise(nodes):
        data = graph.edges[u, v]
        piece = data["coords"] if data["start"] == u else data["coords"][::-1]
        coords.extend(piece if not coords else piece[1:])
    return coords
