"""Pages under gunicorn against static files of the same bytes: `/` and a track page.

First times an uncached render of each page in process (bench/render_timing.py, page cache
off), for this tree and for the code before issue 10's page work (RENDER_BEFORE, taken with
`git archive`), alternately, in the same run. Then starts gunicorn (2 workers, tiles off) on
127.0.0.1 with its log and the app's request log in a file (not on the screen), saves each
page's HTML as a file served by the same server, then drives `wrk` (Debian's package) at each
page and at its static copy in turn, interleaved and repeated, and prints requests per second
and their ratios side by side. wrk sends no Accept-Encoding, so both sides answer the same
uncompressed bytes.

Run: .venv/bin/python bench/bench_pages.py [--seconds S] [--rounds R] [--connections C]
(figures only; nothing is asserted)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench_serving import wrk_rps  # bench/ is on sys.path when a bench runs as a script

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"city": "/?lang=ru", "track": "/tracks/walk-10000-steps?lang=ru"}
# main before the layers' GeoJSON was made once per pack (issue 10)
RENDER_BEFORE = "435f10f5148a8e7e39407e3417e7c24366861331"
RENDER_REQUESTS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, log: Path, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"bench_pages: {url} did not answer within {timeout_s} s; see {log}")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url) as response:
        return response.read()


def render_times(work: Path, rounds: int) -> dict[str, dict[str, float]]:
    """Median ms per uncached request of each page: {"before": {...}, "now": {...}}; no "before"
    without the git history."""
    before = work / "before"
    before.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", RENDER_BEFORE], capture_output=True)
    trees = {"now": ROOT}
    if archive.returncode == 0:
        subprocess.run(["tar", "-x", "-C", str(before)], input=archive.stdout, check=True)
        trees = {"before": before, "now": ROOT}
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
    for _round in range(rounds):
        for name, tree in trees.items():
            command = [sys.executable, str(ROOT / "bench" / "render_timing.py"), "--root", str(tree)]
            command += ["--pack", str(ROOT / "data" / "sysert"), "--requests", str(RENDER_REQUESTS)]
            output = subprocess.run([*command, *PAGES.values()], capture_output=True, text=True, check=True)
            for path, ms in json.loads(output.stdout).items():
                samples[name].setdefault(path, []).append(ms)
    return {
        name: {path: statistics.median(ms) for path, ms in paths.items()} for name, paths in samples.items()
    }


def print_render_times(times: dict[str, dict[str, float]], rounds: int) -> None:
    print(
        f"uncached render in process (page cache off), CPU ms per request: median of {rounds} rounds "
        f"of {RENDER_REQUESTS} requests, alternating"
    )
    before_label = f"before ({RENDER_BEFORE[:7]})"
    print(f"{'target':34} {before_label:>18} {'now':>8} {'÷ before':>9}")
    for path in PAGES.values():
        now = times["now"][path]
        before = times.get("before", {}).get(path)
        if before is None:
            print(f"{path:34} {'(no git history)':>18} {now:>8.1f} {'':>9}")
        else:
            print(f"{path:34} {before:>18.1f} {now:>8.1f} {now / before:>9.2f}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=4, help="wrk duration per target and round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench_pages: wrk is missing (apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="ecomap-bench-pages-"))
    renders = render_times(work, options.rounds)
    log = work / "gunicorn.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "ECOMAP_DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "ECOMAP_RATE_LIMIT": "0",
        "ECOMAP_TILES": "none",
        "BENCH_STATIC_DIR": str(work),
        "PYTHONPATH": str(ROOT / "bench"),
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    rates: dict[str, list[float]] = {f"{name}/{kind}": [] for name in PAGES for kind in ("page", "static")}
    sizes = {}
    with log.open("w") as log_file:
        master = subprocess.Popen(
            [*command, "pages_app:create()"], env=env, cwd=ROOT, stdout=log_file, stderr=log_file
        )
        try:
            wait_for(f"{base}/healthz", log)
            for name, path in PAGES.items():
                html = fetch(base + path)
                (work / f"{name}.html").write_bytes(html)
                sizes[name] = len(html)
                if fetch(f"{base}/_bench/{name}.html") != html:
                    raise SystemExit(f"bench_pages: the static copy of {path} differs")
            for _round in range(options.rounds):
                for name, path in PAGES.items():
                    targets = {"page": base + path, "static": f"{base}/_bench/{name}.html"}
                    for kind, url in targets.items():
                        rates[f"{name}/{kind}"].append(wrk_rps(url, options.seconds, options.connections))
        finally:
            master.send_signal(signal.SIGTERM)
            master.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)
    print_render_times(renders, options.rounds)
    load = f"wrk {options.connections} connections, {options.seconds} s per target, {options.rounds} rounds"
    print(f"pages against static files of the same bytes, gunicorn 2 workers, tiles off; {load}, interleaved")
    print(f"{'target':34} {'bytes':>9} {'req/s per round':>24} {'median':>8} {'÷ static':>9}")
    for name, path in PAGES.items():
        page, static = rates[f"{name}/page"], rates[f"{name}/static"]
        ratios = [p / s for p, s in zip(page, static, strict=True)]
        for label, values, ratio in ((path, page, statistics.median(ratios)), ("static file", static, 1.0)):
            rounds = " ".join(f"{value:7.0f}" for value in values)
            print(
                f"{label:34} {sizes[name]:>9,} {rounds:>24} {statistics.median(values):>8.0f} {ratio:>9.2f}"
            )


if __name__ == "__main__":
    main()
