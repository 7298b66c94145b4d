"""Benchmark the health check: a read (``SELECT 1``) against the write check ``/healthz`` now does.

The write check upserts the ``health_checks`` row in a write transaction and rolls it back
(``Database.writable``). Runs SQLite (a file in a temp folder, as the app configures it) and
PostgreSQL (ECOMAP_TEST_POSTGRES_URL, or a throwaway cluster with fsync on) side by side and
prints p50 and p95 of each and their ratio.

    .venv/bin/python bench/bench_healthz.py [--count 2000] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from tests.support.postgres import ClusterError, fresh_database, throwaway_cluster
from webmap.proposals.db import Database, create_database, migrate


def timed_ms(check, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        assert check()
        times.append((time.perf_counter() - started) * 1000)
    return times


def measure(url: str, count: int) -> dict[str, tuple[float, float]]:
    create_database(url)
    database = Database(url)
    try:
        migrate(database.engine)

        def read() -> bool:
            with database.read() as session:
                return session.execute(text("SELECT 1")).scalar() == 1

        figures = {}
        for name, check in (("read SELECT 1", read), ("write check", database.writable)):
            times = timed_ms(check, count)
            figures[name] = (statistics.median(times), statistics.quantiles(times, n=100)[94])
        return figures
    finally:
        database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        results = {"SQLite": measure(f"sqlite:///{folder}/ecomap.sqlite3", args.count)}
    if not args.no_postgres:
        server = os.environ.get("ECOMAP_TEST_POSTGRES_URL")
        try:
            cluster = nullcontext(server) if server else throwaway_cluster(durable=True)
            with cluster as server_url, fresh_database(server_url) as url:
                results["PostgreSQL"] = measure(url, args.count)
        except ClusterError as error:
            print(f"PostgreSQL skipped: {error}", file=sys.stderr)
    print(f"{'database':<11} {'check':<14} {'p50 ms':>8} {'p95 ms':>8}   ratio p50 to the read")
    for database, figures in results.items():
        base = figures["read SELECT 1"][0]
        for name, (p50, p95) in figures.items():
            print(f"{database:<11} {name:<14} {p50:8.3f} {p95:8.3f}   {p50 / base:5.2f}×")


if __name__ == "__main__":
    main()
