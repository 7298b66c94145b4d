"""Slow clients do not take the service down: /healthz answers every probe during a bounded slowloris.

200 loopback sockets for 8 s per test, against the default config (webmap/gunicorn_config.py:
gevent workers). Each connection costs a greenlet, not a thread, and a request must be read within
the keep-alive time (5 s), so neither quiet kept-alive clients, nor clients that connect and say
nothing, nor clients that send their header a line at a time hold the service, with nginx in front
(deploy/nginx/ecomap.conf) or without. (gthread workers, the former default, answered none of the
probes alone under idle and dribbling clients: a thread each.) The figures are printed;
bench/bench_slow_clients.py compares p95 across worker models, with and without nginx.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.gunicorn_support import Server, running_server, server_env
from tests.support.nginx_support import running_nginx
from tests.support.slow_clients_support import KEPT_ALIVE, MIXED, PROBE_TIMEOUT_S, attack

HOLD_S = 8


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    database = Path(tmp_path_factory.mktemp("slow-clients")) / "ecomap.sqlite3"
    with running_server(server_env(f"sqlite:///{database}")) as running:
        yield running


def test_kept_alive_idle_clients_hold_no_worker(server: Server):
    probes, _reopened = attack(server.port, KEPT_ALIVE, HOLD_S)
    print(f"\n200 kept-alive idle clients, gunicorn alone: {probes.summary()}")
    assert probes.sent >= HOLD_S
    assert not probes.failures, f"/healthz probes not answered within {PROBE_TIMEOUT_S} s: {probes.summary()}"


def test_idle_and_dribbling_clients_hold_no_worker(server: Server):
    probes, reopened = attack(server.port, MIXED, HOLD_S)
    print(f"\n100 idle and 100 dribbling clients, gunicorn alone: {probes.summary()}; {reopened} reopened")
    assert probes.sent >= HOLD_S
    assert not probes.failures, f"/healthz probes not answered within {PROBE_TIMEOUT_S} s: {probes.summary()}"
    assert reopened >= sum(MIXED.values()), "gunicorn should close every socket that sends no whole request"
    assert server.get("/healthz").status == 200


def test_idle_and_dribbling_clients_wait_in_nginx(server: Server):
    with running_nginx(server.port) as nginx:
        probes, _reopened = attack(nginx.port, MIXED, HOLD_S)
        errors = nginx.error_log()
    print(f"\n100 idle and 100 dribbling clients, behind nginx: {probes.summary()}")
    assert probes.sent >= HOLD_S
    assert not probes.failures, f"/healthz probes not answered within {PROBE_TIMEOUT_S} s: {probes.summary()}"
    assert "upstream" not in errors, errors  # nginx reached gunicorn every time
    assert server.get("/healthz").status == 200
