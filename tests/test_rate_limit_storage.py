"""ECOMAP_RATE_LIMIT_STORAGE: the limits are counted once for every worker, in Debian's redis-server.

gunicorn runs 2 workers; one kept-alive connection to each sends the submissions in turn, so
that each worker sees half of them. With Redis the limit of 3 is spent after 3 submissions in
all (in each worker's memory it would be 3 per worker). An unreachable storage is counted in
memory meanwhile, never turns a submission into a 500, and is used again once it answers.
"""

from __future__ import annotations

import http.client
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.support.gunicorn_support import Server, free_port, running_server, server_env
from tests.support.proposals_support import feature, make_app
from tests.support.redis_support import running_redis

LIMIT = 3
SUBMISSIONS = 2 * LIMIT
MAX_CONNECTIONS = 40  # opened at most, until two land on different workers
RECOVERY_WAIT_S = 20  # Flask-Limiter looks at a dead storage again after 1, 2, 4, 8 s


def one_connection_per_worker(server: Server) -> list[http.client.HTTPConnection]:
    """Two kept-alive connections, each held by a different worker."""
    by_worker: dict[int, http.client.HTTPConnection] = {}
    opened = []
    for _ in range(MAX_CONNECTIONS):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        opened.append(connection)
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        by_worker.setdefault(server.worker_serving(connection.sock), connection)
        if len(by_worker) == 2:
            break
    for connection in opened:
        if connection not in by_worker.values():
            connection.close()
    assert len(by_worker) == 2, f"{MAX_CONNECTIONS} connections all landed on one worker"
    return list(by_worker.values())


def submit_in_turn(connections: list[http.client.HTTPConnection]) -> list[int]:
    """SUBMISSIONS proposals, sent over the connections in turn; their statuses."""
    statuses = []
    for number in range(SUBMISSIONS):
        connection = connections[number % len(connections)]
        body = json.dumps(feature(title=f"Rate limit across workers {number}"))
        connection.request("POST", "/api/proposals", body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
    return statuses


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with running_redis() as url:
        yield url


def test_the_limit_is_counted_across_workers_in_redis(redis_url: str, tmp_path: Path):
    env = server_env(
        f"sqlite:///{tmp_path / 'ecomap.sqlite3'}",
        ECOMAP_RATE_LIMIT=f"{LIMIT}/minute",
        ECOMAP_RATE_LIMIT_STORAGE=redis_url,
    )
    with running_server(env) as server:
        connections = one_connection_per_worker(server)
        try:
            statuses = submit_in_turn(connections)
        finally:
            for connection in connections:
                connection.close()
    # in each worker's memory every submission would pass: each worker sees only LIMIT of them
    assert statuses == [201] * LIMIT + [429] * LIMIT


def test_an_unreachable_storage_counts_in_memory_and_never_fails(tmp_path: Path, caplog):
    nothing_there = f"redis://127.0.0.1:{free_port()}/0"
    app = make_app(tmp_path, RATE_LIMIT="2/minute", RATE_LIMIT_STORAGE=nothing_there)
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        statuses = [
            client.post("/api/proposals", json=feature(title=f"No storage {n}")).status_code for n in range(3)
        ]
    assert statuses == [201, 201, 429]
    assert "Rate limit storage unreachable - falling back to in-memory storage" in caplog.text
    assert client.get("/healthz").status_code == 200


def test_counting_goes_back_to_the_storage_once_it_answers(tmp_path: Path):
    port = free_port()
    app = make_app(tmp_path, RATE_LIMIT="100/minute", RATE_LIMIT_STORAGE=f"redis://127.0.0.1:{port}/0")
    client = app.test_client()
    assert client.post("/api/proposals", json=feature(title="Before the storage")).status_code == 201
    with running_redis(port) as url:
        storage = redis.Redis.from_url(url)
        deadline = time.monotonic() + RECOVERY_WAIT_S
        number, keys = 0, []
        while not keys and time.monotonic() < deadline:
            number += 1
            answer = client.post("/api/proposals", json=feature(title=f"Storage back {number}"))
            assert answer.status_code == 201
            keys = storage.keys("LIMITS:*")
            time.sleep(0.5)
        storage.close()
    assert keys, f"nothing counted in the storage within {RECOVERY_WAIT_S} s of it answering"


def test_a_malformed_storage_url_stops_the_app_with_its_name(tmp_path: Path):
    with pytest.raises(ValueError, match=r"ECOMAP_RATE_LIMIT_STORAGE: unknown storage scheme"):
        make_app(tmp_path, RATE_LIMIT_STORAGE="nosuch://127.0.0.1/0")


def test_failed_sign_ins_to_one_account_are_counted_once_for_every_worker(redis_url: str, tmp_path: Path):
    """Two apps (two workers, or two machines) on one storage: five failures in all hold the account."""
    from tests.support.proposals_support import add_moderator, csrf_token

    apps = [
        make_app(
            tmp_path / str(number), RATE_LIMIT="0", LOGIN_LIMIT="5/15 minutes", RATE_LIMIT_STORAGE=redis_url
        )
        for number in range(2)
    ]
    for app in apps:
        add_moderator(app, f"shared-{tmp_path.name}")
    statuses = []
    for number in range(8):
        client = apps[number % 2].test_client()
        token = csrf_token(client.get("/login").get_data(as_text=True))
        data = {"username": f"shared-{tmp_path.name}", "password": "wrong", "csrf_token": token}
        statuses.append(client.post("/login", data=data).status_code)
    assert statuses == [401] * 5 + [429] * 3
