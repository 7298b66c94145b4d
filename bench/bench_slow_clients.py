"""Slow clients: /healthz latency during a bounded slowloris, by worker model, with and without nginx.

For each server set-up (the old sync workers, the former gthread workers, today's gevent workers,
each alone and behind deploy/nginx/ecomap.conf) and each kind of attack (200 sockets: half idle and
half sending their header a line every 2 s; or 200 kept-alive connections that have gone quiet),
holds the sockets for a bounded time while probing GET /healthz twice a second, and prints how many
probes were answered within 5 s and their p50, p95 and maximum (a probe that failed counts as
infinite), and how many attacking sockets the server closed (opened again at once).

Run: .venv/bin/python bench/bench_slow_clients.py [--seconds S]   (needs Debian's nginx)
(figures only; nothing is asserted)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.*

from tests.support.gunicorn_support import running_server, server_env
from tests.support.nginx_support import running_nginx
from tests.support.slow_clients_support import KEPT_ALIVE, MAX_HOLD_S, MIXED, attack, format_s

SET_UPS = {
    "sync, 2 workers (old)": ["--worker-class", "sync", "--threads", "1"],
    "gthread, 2 x 8 threads (former)": ["--worker-class", "gthread", "--threads", "8"],
    "gevent, 2 x 1000 conn. (default)": [],
}
ATTACKS = {"100 idle + 100 dribbling": MIXED, "200 kept-alive, quiet": KEPT_ALIVE}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help=f"hold per run (at most {MAX_HOLD_S})")
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="ecomap-bench-") as work:
        for number, (set_up, gunicorn_options) in enumerate(SET_UPS.items()):
            env = server_env(f"sqlite:///{Path(work) / f'bench{number}.sqlite3'}")
            for proxied in (False, True):
                for attack_name, mix in ATTACKS.items():
                    with ExitStack() as stack:
                        server = stack.enter_context(running_server(env, 2, gunicorn_options))
                        port = (
                            stack.enter_context(running_nginx(server.port)).port if proxied else server.port
                        )
                        probes, reopened = attack(port, mix, options.seconds)
                    where = f"{set_up}{' + nginx' if proxied else ''}"
                    rows.append((where, attack_name, probes, reopened))
                    print(f"{where:42} {attack_name:26} done", file=sys.stderr, flush=True)
    print(f"/healthz during a slowloris on loopback, {options.seconds:g} s per run, probes every 0.5 s:")
    print(f"{'server':42} {'attack':26} {'answered':>9} {'p50':>8} {'p95':>8} {'max':>8} {'closed':>7}")
    for where, attack_name, probes, reopened in rows:
        answered = f"{len(probes.latencies_s)}/{probes.sent}"
        figures = (format_s(probes.percentile_s(fraction)) for fraction in (0.5, 0.95, 1.0))
        print(
            f"{where:42} {attack_name:26} {answered:>9} "
            + " ".join(f"{f:>8}" for f in figures)
            + f" {reopened:>7}"
        )


if __name__ == "__main__":
    main()
