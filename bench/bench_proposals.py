"""Benchmark proposal storage: insert and bounding-box query times at 1,000, 10,000 and 100,000 rows.

Runs SQLite (a file in a temp folder, as the app configures it: WAL, synchronous=FULL) and
PostgreSQL (ECOMAP_TEST_POSTGRES_URL, or a throwaway cluster with fsync on) side by side.
Each size starts from an empty database, bulk-loads the rows, then times single-row inserts
(one committed transaction each, as POST /api/proposals does) and queries of random boxes
about 300 m across (as GET /api/proposals?bbox= does).

    .venv/bin/python bench/bench_proposals.py [--sizes 1000,10000,100000] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text

from tests.support.postgres import ClusterError, fresh_database, throwaway_cluster
from webmap.proposals.db import Database, create_database, migrate
from webmap.proposals.models import Proposal, utcnow
from webmap.proposals.store import Filters, add_proposal, find_proposals
from webmap.proposals.validation import Draft

CITY_BBOX = (60.44, 56.31, 60.96, 56.58)  # the Sysert pack's bbox
BOX_DEG = (0.005, 0.0027)  # about 300 m by 300 m at 56.5° N
TIMED_INSERTS = 300
TIMED_QUERIES = 300
BATCH = 5_000


def random_shape(rng: random.Random) -> tuple[dict, tuple[float, float, float, float]]:
    """A point or a small square (about 10 m) somewhere in the city's bbox."""
    west, south, east, north = CITY_BBOX
    lon, lat = rng.uniform(west, east), rng.uniform(south, north)
    if rng.random() < 0.5:
        return {"type": "Point", "coordinates": [lon, lat]}, (lon, lat, lon, lat)
    d_lon, d_lat = 0.00016, 0.00009
    ring = [[lon, lat], [lon + d_lon, lat], [lon + d_lon, lat + d_lat], [lon, lat + d_lat], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}, (lon, lat, lon + d_lon, lat + d_lat)


def draft(rng: random.Random, number: int) -> Draft:
    geometry, bounds = random_shape(rng)
    return Draft(
        "school-yard-23", "bench", f"Bench {number}", "wood", "A bench.", "bench-bot", geometry, bounds
    )


def bulk_load(database: Database, count: int, rng: random.Random) -> None:
    for start in range(0, count, BATCH):
        rows = []
        for number in range(start, min(count, start + BATCH)):
            geometry, (west, south, east, north) = random_shape(rng)
            rows.append(
                {
                    "token": f"bulk-{number}",
                    "site": "school-yard-23",
                    "category": "bench",
                    "title": f"Bench {number}",
                    "materials": "wood",
                    "description": "A bench.",
                    "author": "bench-bot",
                    "geometry": geometry,
                    "min_lon": west,
                    "min_lat": south,
                    "max_lon": east,
                    "max_lat": north,
                    "status": "approved",
                    "created_at": utcnow(),
                }
            )
        with database.write() as session:
            session.execute(insert(Proposal), rows)
    with database.write() as session:  # fresh statistics, as autovacuum would gather after a big load
        session.execute(text("ANALYZE"))


def timed(action, repeats: int) -> list[float]:
    times_ms = []
    for index in range(repeats):
        started = time.perf_counter()
        action(index)
        times_ms.append((time.perf_counter() - started) * 1000)
    return times_ms


def p50_p95(times_ms: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(times_ms, n=100)
    return statistics.median(times_ms), cuts[94]


def measure(url: str, rows: int, seed: int = 23) -> dict[str, float]:
    rng = random.Random(seed)
    create_database(url)
    database = Database(url)
    try:
        migrate(database.engine)
        bulk_load(database, rows - TIMED_INSERTS, rng)

        def insert_one(number: int) -> None:
            with database.write() as session:
                add_proposal(session, draft(rng, number))

        inserts = timed(insert_one, TIMED_INSERTS)
        hits: list[int] = []

        def query_one(_number: int) -> None:
            west, south = rng.uniform(CITY_BBOX[0], CITY_BBOX[2]), rng.uniform(CITY_BBOX[1], CITY_BBOX[3])
            bbox = (west, south, west + BOX_DEG[0], south + BOX_DEG[1])
            with database.read() as session:
                hits.append(len(find_proposals(session, Filters(("approved", "pending"), bbox=bbox))))

        queries = timed(query_one, TIMED_QUERIES)
        return {
            "insert": p50_p95(inserts),
            "bbox": p50_p95(queries),
            "hits": statistics.mean(hits),
        }
    finally:
        database.dispose()


@contextmanager
def postgres_server() -> Iterator[str | None]:
    url = os.environ.get("ECOMAP_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    try:
        with throwaway_cluster(durable=True) as cluster_url:
            yield cluster_url
    except ClusterError as error:
        print(f"PostgreSQL skipped: {error}", file=sys.stderr)
        yield None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated row counts")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    columns = ("insert p50", "insert p95", "bbox p50", "bbox p95")
    header = f"{'rows':>8}  {'database':<10} " + " ".join(f"{name:>10}" for name in columns) + f" {'hits':>5}"
    print(header)
    print("-" * len(header))
    with nullcontext(None) if args.no_postgres else postgres_server() as server:
        for rows in sizes:
            with tempfile.TemporaryDirectory() as folder:
                backends = {"sqlite": nullcontext(f"sqlite:///{folder}/bench.sqlite3")}
                if server:
                    backends["postgresql"] = fresh_database(server)
                for name, database_url in backends.items():
                    with database_url as url:
                        result = measure(url, rows)
                    (insert_p50, insert_p95), (bbox_p50, bbox_p95) = result["insert"], result["bbox"]
                    print(
                        f"{rows:>8}  {name:<10} {insert_p50:>8.2f}ms {insert_p95:>8.2f}ms "
                        f"{bbox_p50:>8.2f}ms {bbox_p95:>8.2f}ms {result['hits']:>5.1f}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
