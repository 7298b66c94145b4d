"""Bench helper: the uncached render time of pages, in process, for the code under ``--root``.

Run by bench/bench_pages.py once with this tree and once with an older one (``git archive``),
so that both are timed by the same code: a fresh app with the page cache off (tiles off, a
throwaway database), a few warm-up requests, then ``--requests`` requests per path. Prints one
JSON object: each path's milliseconds per request, in CPU time of this process (a render is one
thread's work; CPU time is far less disturbed than the wall clock by other load on the machine).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="the tree whose webmap package is timed")
    parser.add_argument("--pack", required=True, help="the city pack to serve (the same for every tree)")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("paths", nargs="+")
    options = parser.parse_args()
    sys.path.insert(0, str(Path(options.root).resolve()))
    work = Path(tempfile.mkdtemp(prefix="ecomap-render-"))
    os.environ["ECOMAP_DATABASE_URL"] = f"sqlite:///{work / 'render.sqlite3'}"
    os.environ.setdefault("ECOMAP_SECRET_KEY", "bench-only")
    from webmap import create_app

    app = create_app(
        {"TESTING": True, "PACK": options.pack, "TILES": "none", "PAGE_CACHE_SIZE": 0, "RATE_LIMIT": "0"}
    )
    logging.getLogger(f"{app.logger.name}.requests").setLevel(logging.WARNING)  # no request log lines
    client = app.test_client()
    times_ms = {}
    for path in options.paths:
        for _ in range(3):
            assert client.get(path).status_code == 200, path
        started = time.process_time()
        for _ in range(options.requests):
            client.get(path)
        times_ms[path] = (time.process_time() - started) * 1000 / options.requests
    print(json.dumps(times_ms))


if __name__ == "__main__":
    main()
