"""The walking network of a pack: intersections and ways with length, surface, gradient and green share."""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from geo.crs import to_degrees, to_metric
from geo.osm import Mapping, load_mapping, read_tagged
from geo.pack import CityPack
from routes.audiences import Audience
from routes.errors import RoutingError
from routes.metrics import GEOD
from routes.tracks import REST_KINDS, read_tracks

BESIDE_GREEN_M = 25.0  # a way along a park's or forest's edge counts as green
NEAR_WATER_M = 100.0  # within 100 m of water counts as green (the rule)
BENCH_NEAR_M = 30.0  # a bench within 30 m of a way is a rest on it
GREEN_WEIGHT = 1.5  # prefer=green: a way outside green space costs up to 2.5 times its length
BENCH_FACTOR = 0.8  # an audience that prefers benches: a way with a bench costs 80 % of its length
# The untagged-surface rule (docs/loops.md): a way of these kinds without a surface tag counts as
# paved (streets, footways and pedestrian areas of a built-up area are paved nearly everywhere);
# an untagged path, track, bridleway or anything else counts as loose ground.
PAVED_BY_DEFAULT = frozenset(
    {
        "footway",
        "pedestrian",
        "crossing",
        "residential",
        "living_street",
        "service",
        "cycleway",
        "unclassified",
        "tertiary",
        "tertiary_link",
        "secondary",
        "secondary_link",
        "primary",
        "primary_link",
        "road",
        "steps",
    }
)
# OpenStreetMap's surface values in the audiences' vocabulary (audiences.toml says asphalt, paving, concrete).
SURFACE_ALIASES = {
    "paving_stones": "paving",
    "sett": "paving",
    "concrete:plates": "concrete",
    "concrete:lanes": "concrete",
    "paved": "asphalt",
}
# smoothness=* values a wheelchair or stroller cannot roll on (OpenStreetMap's wiki: "bad" and worse).
ROUGH = frozenset({"bad", "very_bad", "horrible", "very_horrible", "impassable"})
# kerb=* values of a kerb that wheels cross; any other (raised, regular, unknown) stops them.
LOW_KERBS = frozenset({"lowered", "flush", "no"})
INCLINE = re.compile(r"^\s*[-+]?(\d+(?:\.\d+)?)\s*%\s*$")
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
        return self.refusal(edge) is None

    def refusal(self, edge: dict[str, Any]) -> str | None:
        """Why a way does not suit the audience (None when it does), in a few words.

        >>> rules = AudienceRules("limited-mobility", True, ("asphalt", "paving"), 6.0, False)
        >>> rules.refusal({"highway": "path", "surface": None, "gradient_pct": None})
        'an unknown surface'
        >>> rules.refusal({"highway": "footway", "surface": None, "gradient_pct": None, "kerb": True})
        'a kerb'
        >>> rules.refusal({"highway": "footway", "surface": "asphalt", "gradient_pct": None,
        ...                "tags": {"wheelchair": "no"}})
        'wheelchair=no'
        """
        tags = edge.get("tags") or {}
        wheels = bool(self.surfaces)
        if wheels and tags.get("wheelchair") == "no":
            return "wheelchair=no"
        if self.avoid_steps and edge["highway"] == "steps" and tags.get("wheelchair") != "yes":
            return "steps"
        if wheels and edge.get("kerb"):
            return "a kerb"
        if self.surfaces and tags.get("wheelchair") != "yes":
            surface = SURFACE_ALIASES.get(edge["surface"], edge["surface"])
            if surface is None and edge["highway"] not in PAVED_BY_DEFAULT:
                return "an unknown surface"
            if surface is not None and surface not in self.surfaces:
                return f"surface {edge['surface']}"
            if tags.get("smoothness") in ROUGH:
                return f"smoothness {tags['smoothness']}"
        gradient = edge["gradient_pct"]
        incline = INCLINE.match(tags.get("incline", ""))
        if incline and (gradient is None or float(incline.group(1)) > gradient):
            gradient = float(incline.group(1))
        if gradient is not None and gradient > self.max_gradient_pct:
            return f"a gradient of {gradient:g} %"
        return None


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


@dataclass(frozen=True)
class Graph:
    """Ways as a CSR matrix over some nodes (all of them, or a search's area), both directions stored.

    Entry ``k`` (row ``i``, column ``indices[k]``) is way ``edge[k]`` walked from local
    node ``i`` (network node index ``nodes[i]``); ``entry[k]`` is its entry in the whole
    network's arrays, where the costs are.
    """

    n: int
    nodes: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    entry: np.ndarray
    edge: np.ndarray

    def matrix(self, cost: np.ndarray) -> csr_matrix:
        """The CSR matrix of the whole network's entry costs ``cost`` on this graph, ready for csgraph."""
        return csr_matrix((cost[self.entry], self.indices, self.indptr), shape=(self.n, self.n))

    def entries(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """The local entries joining local nodes ``rows[i]`` to ``columns[i]`` (they must be joined)."""
        hits = self.neighbours[rows] == np.asarray(columns)[:, None]
        return self.indptr[rows] + np.argmax(hits, axis=1)

    @cached_property
    def neighbours(self) -> np.ndarray:
        """Each local node's neighbours in entry order, padded with -1: (n, highest degree)."""
        degree = np.diff(self.indptr)
        table = np.full((self.n, max(1, int(degree.max(initial=0)))), -1, dtype=np.int64)
        position = np.arange(len(self.indices)) - np.repeat(self.indptr[:-1], degree)
        table[np.repeat(np.arange(self.n), degree), position] = self.indices
        return table


@dataclass(frozen=True)
class RoutingArrays:
    """The ways one audience may use (``whole``), their costs, parts and positions: built once, cached."""

    whole: Graph
    cost: np.ndarray  # by entry of ``whole``: the way's cost for the audience and preference
    edge_entries: np.ndarray  # (ways, 2): the two entries of each usable way (both directions)
    usable: np.ndarray  # nodes with at least one usable way
    part: np.ndarray  # the connected part of each node (by usable ways)
    part_m: np.ndarray  # the length of the usable ways of each part
    part_n: np.ndarray  # the number of nodes of each part
    tree: cKDTree  # every node (none in an empty network), for a search's area

    @property
    def n(self) -> int:
        return self.whole.n

    def area(self, nodes: np.ndarray) -> Graph:
        """The graph of the ways between ``nodes`` (sorted node indices): a search's area."""
        whole = self.whole
        first, last = whole.indptr[nodes], whole.indptr[nodes + 1]
        counts = last - first
        rows = np.repeat(np.arange(len(nodes)), counts)
        entry = np.arange(int(counts.sum())) + np.repeat(first - np.cumsum(counts) + counts, counts)
        local = np.full(whole.n, -1, dtype=np.int64)
        local[nodes] = np.arange(len(nodes))
        columns = local[whole.indices[entry]]
        keep = columns >= 0
        rows, columns, entry = rows[keep], columns[keep], entry[keep]
        n = len(nodes)
        indptr = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        return Graph(n, nodes, indptr, columns.astype(np.int32), entry, whole.edge[entry])


@dataclass(eq=False)
class WalkingNetwork:
    """The graph (nodes: intersections and ends; edges: ways between them), node positions and edge arrays.

    networkx holds the ways' data (built once); searches run on the CSR arrays of
    :meth:`arrays` with scipy.sparse.csgraph. A node's index is its place in ``node_ids``.
    """

    graph: nx.Graph
    crs_metric: str
    node_xy: np.ndarray
    node_ids: list[int]
    _cache: dict = field(default_factory=dict, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.index_of = {node: index for index, node in enumerate(self.node_ids)}
        edges = list(self.graph.edges(data=True))
        self.edge_data = [data for _, _, data in edges]
        self.edge_u = np.array([self.index_of[u] for u, _, _ in edges], dtype=np.int64)
        self.edge_v = np.array([self.index_of[v] for _, v, _ in edges], dtype=np.int64)
        self.edge_length = np.array([data["length_m"] for data in self.edge_data], dtype=float)
        self.edge_green = np.array([data["green_share"] for data in self.edge_data], dtype=float)
        self.edge_untagged = np.array([data["surface"] is None for data in self.edge_data], dtype=bool)
        for index, data in enumerate(self.edge_data):
            data["index"] = index

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without its cache and lock (rebuilt on use)."""
        return {key: value for key, value in self.__dict__.items() if key not in ("_cache", "_lock")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _cache={}, _lock=threading.Lock())

    def arrays(self, rules: AudienceRules, prefer_green: bool = False) -> RoutingArrays:
        """The audience's CSR arrays for a preference (built on first use, then cached)."""
        key = (rules, prefer_green)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = self._build_arrays(rules, prefer_green)
            return self._cache[key]

    def _build_arrays(self, rules: AudienceRules, prefer_green: bool) -> RoutingArrays:
        n = len(self.node_ids)
        allowed = np.array([rules.allows(data) for data in self.edge_data], dtype=bool)
        ids = np.flatnonzero(allowed)
        factor = np.ones(len(self.edge_data))
        if prefer_green:
            factor *= 1 + GREEN_WEIGHT * (1 - self.edge_green)
        if rules.prefer_benches:
            benches = np.array([data["benches"] > 0 for data in self.edge_data], dtype=bool)
            factor[benches] *= BENCH_FACTOR
        rows = np.concatenate([self.edge_u[ids], self.edge_v[ids]])
        columns = np.concatenate([self.edge_v[ids], self.edge_u[ids]])
        edge = np.concatenate([ids, ids])
        order = np.lexsort((columns, rows))
        rows, columns, edge = rows[order], columns[order], edge[order]
        indptr = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        usable = np.zeros(n, dtype=bool)
        usable[rows] = True
        by_edge = np.argsort(edge, kind="stable").reshape(-1, 2)
        edge_entries = np.zeros((len(self.edge_data), 2), dtype=np.int64)
        edge_entries[edge[by_edge[:, 0]]] = by_edge
        whole = Graph(n, np.arange(n), indptr, columns.astype(np.int32), np.arange(len(edge)), edge)
        _count, part = connected_components(whole.matrix(self.edge_length[edge]), directed=False)
        part_m = np.bincount(part[self.edge_u[ids]], weights=self.edge_length[ids], minlength=_count)
        return RoutingArrays(
            whole=whole,
            cost=self.edge_length[edge] * factor[edge],
            edge_entries=edge_entries,
            usable=usable,
            part=part,
            part_m=part_m,
            part_n=np.bincount(part, minlength=_count),
            tree=cKDTree(self.node_xy),
        )

    def metric_xy(self, lon: float, lat: float) -> tuple[float, float]:
        return to_metric(self.crs_metric).transform(lon, lat)

    def nearest_node(self, lon: float, lat: float, rules: AudienceRules | None = None) -> tuple[int, float]:
        """The node nearest to a place (on any part the audience can walk) and its distance in metres."""
        x, y = self.metric_xy(lon, lat)
        if not (np.isfinite(x) and np.isfinite(y)):  # too far from the town for its metric CRS
            return self._nearest_on_ellipsoid(lon, lat, rules)
        if rules is None:
            distance, index = self._tree().query((x, y))
            return self.node_ids[int(index)], float(distance)
        arrays = self.arrays(rules)
        usable = self._usable_tree(rules)
        if usable is None:
            return self.node_ids[0], float("inf")
        distance, index = usable.query((x, y))
        return self.node_ids[int(np.flatnonzero(arrays.usable)[index])], float(distance)

    def _nearest_on_ellipsoid(self, lon: float, lat: float, rules: AudienceRules | None) -> tuple[int, float]:
        """The node nearest to a place that the metric CRS cannot project, measured on the ellipsoid."""
        usable = self.arrays(rules).usable if rules is not None else np.ones(len(self.node_ids), dtype=bool)
        indexes = np.flatnonzero(usable)
        if not len(indexes):
            return self.node_ids[0], float("inf")
        node_lon, node_lat = to_degrees(self.crs_metric).transform(
            self.node_xy[indexes, 0], self.node_xy[indexes, 1]
        )
        count = len(indexes)
        _forward, _back, distance_m = GEOD.inv(np.full(count, lon), np.full(count, lat), node_lon, node_lat)
        best = int(np.argmin(distance_m))
        return self.node_ids[int(indexes[best])], float(distance_m[best])

    def _usable_tree(self, rules: AudienceRules) -> cKDTree | None:
        """A KD-tree of the nodes the audience can walk from (cached)."""
        usable = self.arrays(rules).usable
        with self._lock:
            key = ("usable", rules)
            if key not in self._cache:
                self._cache[key] = cKDTree(self.node_xy[usable]) if usable.any() else None
            return self._cache[key]

    def _tree(self) -> cKDTree:
        with self._lock:
            if "tree" not in self._cache:
                self._cache["tree"] = cKDTree(self.node_xy)
            return self._cache["tree"]

    def refusals_near(self, node: int, rules: AudienceRules) -> list[str]:
        """Why the ways at a node do not suit the audience (each reason once, in order)."""
        reasons = [rules.refusal(data) for _, _, data in self.graph.edges(node, data=True)]
        return list(dict.fromkeys(reason for reason in reasons if reason))

    def total_length_m(self) -> float:
        return float(self.edge_length.sum())


def build_network(pack: CityPack, mapping: Mapping | None = None) -> WalkingNetwork:
    """Build the walking network from the pack's network layers (role "network"), green and water."""
    mapping = mapping or load_mapping(pack.path)
    lines = []
    for layer_id in mapping.layers_with_role("network"):
        if layer_id in pack.layers:
            lines.extend(_tagged_lines(read_tagged(pack.path, layer_id)))
    if not lines:
        message = f"pack {pack.path} has no walking network: no layer with the role 'network'"
        raise RoutingError(message, None, "no_network")
    return network_from_lines(
        lines, pack.crs_metric, _green_area(pack, mapping), _benches(pack, mapping), _kerbs(pack, mapping)
    )


def _kerbs(pack: CityPack, mapping: Mapping) -> set[tuple[float, float]]:
    """Positions of kerbs that stop wheels: points of the layers with the role "kerb" (if any).

    A kerb tagged ``kerb=lowered``, ``flush`` or ``no``, or ``wheelchair=yes``, lets wheels cross.
    """
    positions = set()
    for layer_id in mapping.layers_with_role("kerb"):
        if layer_id not in pack.layers:
            continue
        for feature in read_tagged(pack.path, layer_id):
            tags = feature.get("tags", {})
            geometry = feature["geometry"]
            if tags.get("kerb") in LOW_KERBS or tags.get("wheelchair") == "yes":
                continue
            if geometry["type"] == "Point":
                lon, lat = geometry["coordinates"][:2]
                positions.add((round(lon, DECIMALS), round(lat, DECIMALS)))
    return positions


def _tagged_lines(features: list[dict[str, Any]]) -> list[tuple[str, list[list[float]], dict[str, str]]]:
    lines = []
    for feature in features:
        geometry = feature["geometry"]
        parts = [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
        for part in parts:
            lines.append((feature["id"], part, feature.get("tags", {})))
    return lines


def _green_area(pack: CityPack, mapping: Mapping) -> BaseGeometry:
    """Green space in metres: parks and forests with a margin, and 100 m around water."""
    pieces: list[BaseGeometry] = []
    for role, margin in (("green", BESIDE_GREEN_M), ("water", NEAR_WATER_M)):
        for layer_id in mapping.layers_with_role(role):
            if layer_id in pack.layers:
                pieces.extend(pack.layers[layer_id].frame.to_crs(pack.crs_metric).geometry.buffer(margin))
    area = shapely.union_all(pieces) if pieces else shapely.Polygon()
    shapely.prepare(area)
    return area


def _lengths_inside(lines: np.ndarray, area: BaseGeometry) -> np.ndarray:
    """The length of each line inside ``area``, cutting each line only with the parts of the area it
    meets (the parts of a union do not overlap), not with the whole of a town's green space."""
    inside = np.zeros(len(lines))
    if not len(lines) or area.is_empty:
        return inside
    parts = shapely.get_parts(area)
    line_index, part_index = shapely.STRtree(parts).query(lines, predicate="intersects")
    np.add.at(inside, line_index, shapely.length(shapely.intersection(lines[line_index], parts[part_index])))
    return inside


def _benches(pack: CityPack, mapping: Mapping) -> np.ndarray:
    """Benches in metres: the layers with the role "bench" and the tracks' bench and tea stops."""
    points: list[BaseGeometry] = []
    for layer_id in mapping.layers_with_role("bench"):
        if layer_id in pack.layers:
            points.extend(pack.layers[layer_id].frame.to_crs(pack.crs_metric).geometry)
    tracks, _problems = read_tracks(pack.path)
    stops = [stop for track in tracks.values() for stop in track.stops if stop.kind in REST_KINDS]
    if stops:
        transformer = to_metric(pack.crs_metric)
        xs, ys = transformer.transform([stop.lon for stop in stops], [stop.lat for stop in stops])
        points.extend(shapely.points(xs, ys))
    return np.array(points, dtype=object)


def network_from_lines(
    lines: list[tuple[str, list[list[float]], dict[str, str]]],
    crs_metric: str,
    green_area: BaseGeometry,
    benches: np.ndarray,
    kerbs: set[tuple[float, float]] | frozenset = frozenset(),
) -> WalkingNetwork:
    """Split lines at shared vertices and ends into edges; measure each edge; keep the way's tags."""
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
    transformer = to_metric(crs_metric)
    graph: nx.Graph[int] = nx.Graph()
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
    green_lengths = _lengths_inside(lines_array, green_area)
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
            tags=tags,
            kerb=any(key in kerbs for key in piece),
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
