"""Serving under gunicorn: start-up time, memory per worker, and GPX downloads against a static file.

Starts gunicorn with 2 workers on 127.0.0.1 (its log and the app's request log go to a file,
not to the screen), times it until /healthz answers, reads
each worker's resident memory, then drives `wrk` (Debian's package) at a track's GPX
download and at a static file of the same bytes served by the same server, for a
bounded time each, and prints requests per second side by side.

Run: .venv/bin/python bench/bench_serving.py [--seconds S] [--connections C]
(figures only; nothing is asserted)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRACK = "walk-10000-steps"


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
    raise SystemExit(f"bench_serving: {url} did not answer within {timeout_s} s; see {log}")


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def wrk_rps(url: str, seconds: int, connections: int) -> float:
    """Requests per second that wrk measured, bounded to ``seconds``."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise SystemExit(f"bench_serving: {non_2xx.group(1)} failed responses from {url}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per target")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench_serving: wrk is missing (apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="ecomap-bench-"))
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
    log = work / "gunicorn.log"
    started = time.monotonic()
    with log.open("w") as log_file:
        master = subprocess.Popen(
            [*command, "serving_app:create()"], env=env, cwd=ROOT, stdout=log_file, stderr=log_file
        )
    try:
        wait_for(f"{base}/healthz", log)
        startup_s = time.monotonic() - started
        time.sleep(1)
        rss = [rss_mib(pid) for pid in worker_pids(master.pid)]
        with urllib.request.urlopen(f"{base}/tracks/{TRACK}.gpx") as response:
            gpx = response.read()
        (work / "track.gpx").write_bytes(gpx)
        dynamic = wrk_rps(f"{base}/tracks/{TRACK}.gpx", options.seconds, options.connections)
        static = wrk_rps(f"{base}/_bench/static.gpx", options.seconds, options.connections)
    finally:
        master.send_signal(signal.SIGTERM)
        master.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)  # kept, with its log, when the bench failed
    print(f"gunicorn, 2 workers: start-up until /healthz answers {startup_s:.2f} s")
    print("resident memory per worker: " + ", ".join(f"{value:.0f} MiB" for value in rss))
    load = f"wrk {options.connections} connections, {options.seconds} s each"
    print(f"GPX download ({len(gpx):,} bytes), {load}:")
    print(f"{'target':22} {'req/s':>9} {'÷ static':>9}")
    print(f"{'/tracks/<id>.gpx':22} {dynamic:>9.0f} {dynamic / static:>9.2f}")
    print(f"{'static file, same bytes':22} {static:>9.0f} {1:>9.2f}")


if __name__ == "__main__":
    main()
