"""Gunicorn on loopback for the fault tests: start and stop it, find its workers, drive bounded load.

Everything here talks to 127.0.0.1 only, and every wait and every load run has a bound in time
and in requests.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.proposals_support import SYSERT_PACK, feature

ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
REQUEST_TIMEOUT_S = 30
BOOT_TIMEOUT_S = 90
READ_PATHS = (
    "/",
    "/api/layers",
    "/api/layers/park",
    "/api/tracks",
    "/tracks/walk-10000-steps.gpx",
    "/api/proposals",
    "/healthz",
)
_LOADS = itertools.count(1)  # numbers each load run, so that its proposals' titles are its own


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a test server: its database, no rate limit, no tiles, the Sysert pack."""
    return {
        **os.environ,
        "ECOMAP_DATABASE_URL": database_url,
        "ECOMAP_RATE_LIMIT": "0",
        "ECOMAP_TILES": "none",
        "ECOMAP_PACK": str(SYSERT_PACK),
        "ECOMAP_SECRET_KEY": "fault-tests",
        **extra,
    }


def gunicorn_command(port: int, workers: int = 2, options: Sequence[str] = ()) -> list[str]:
    """The documented command, with the ecomap config; no control socket (tests run side by side).

    ``options`` are more gunicorn options, which apply over the config's (``--worker-connections 50``).
    """
    return [
        str(GUNICORN),
        "-c",
        "python:webmap.gunicorn_config",
        "--no-control-socket",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        *options,
        "webmap:create_app()",
    ]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def request(port: int, method: str, path: str, body: Any = None, headers: dict | None = None) -> Answer:
    """One HTTP request to 127.0.0.1:port on a fresh connection; OSError/HTTPException if it is cut."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    try:
        sent_headers = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent_headers["Content-Type"] = "application/json"
        connection.request(method, path, body=data, headers=sent_headers)
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


class Server:
    """A gunicorn master with its workers, started in the background; ``stop()`` ends it."""

    def __init__(self, env: dict[str, str], workers: int = 2, options: Sequence[str] = ()):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="ecomap-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            gunicorn_command(self.port, workers, options),
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def get(self, path: str, **headers: str) -> Answer:
        return request(self.port, "GET", path, headers=headers)

    def post(self, path: str, body: Any) -> Answer:
        return request(self.port, "POST", path, body)

    def wait_ready(self, timeout_s: float = BOOT_TIMEOUT_S) -> None:
        """Until /healthz answers 200 (any answer from the app at all, with ``any_status``)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.output()}")
            try:
                if self.get("/healthz").status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn not ready within {timeout_s} s:\n{self.output()}")

    def workers(self) -> set[int]:
        """The master's child processes: its workers."""
        children = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.pid:
                children.add(int(entry.name))
        return children

    def wait_workers(self, count: int, timeout_s: float = BOOT_TIMEOUT_S) -> set[int]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            workers = self.workers()
            if len(workers) >= count:
                return workers
            time.sleep(0.1)
        raise AssertionError(f"fewer than {count} workers after {timeout_s} s:\n{self.output()}")

    def worker_serving(self, client: socket.socket) -> int:
        """The pid of the worker that holds the server side of the connection ``client`` made."""
        client_port = client.getsockname()[1]
        inodes = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            local_port, remote_port = (int(address.split(":")[1], 16) for address in fields[1:3])
            if (local_port, remote_port) == (self.port, client_port):
                inodes.add(f"socket:[{fields[9]}]")
        for pid in self.workers():
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    if os.readlink(fd) in inodes:
                        return pid
                except OSError:
                    continue
        raise AssertionError(f"no worker holds the connection from port {client_port}")

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


@contextmanager
def running_server(env: dict[str, str], workers: int = 2, options: Sequence[str] = ()) -> Iterator[Server]:
    """A ready gunicorn server, stopped on exit."""
    server = Server(env, workers, options)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@dataclass
class Tally:
    """What a load run saw: statuses per path, acknowledged proposals, cut connections."""

    statuses: Counter = field(default_factory=Counter)
    server_errors: list[tuple[str, int, bytes]] = field(default_factory=list)
    unexpected: list[tuple[str, int, bytes]] = field(default_factory=list)
    acknowledged: dict[str, int] = field(default_factory=dict)  # title -> id
    attempted: list[str] = field(default_factory=list)  # titles sent
    cut: Counter = field(default_factory=Counter)  # exception class -> count
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + sum(self.cut.values())

    def summary(self) -> str:
        by_status = Counter()
        for (_path, status), count in self.statuses.items():
            by_status[status] += count
        return (
            f"{self.requests} requests, statuses {dict(sorted(by_status.items()))}, "
            f"{len(self.attempted)} proposals sent, {len(self.acknowledged)} acknowledged (201), "
            f"cut connections {dict(self.cut)}"
        )


class Load:
    """Readers and writers against a server until ``stop()``, the time bound or the request bound."""

    def __init__(
        self,
        port: int,
        readers: int = 3,
        writers: int = 3,
        max_s: float = 30,
        max_requests_per_thread: int = 2000,
        expected: Callable[[str, int], bool] | None = None,
    ):
        self.port = port
        self.number = next(_LOADS)
        self.tally = Tally()
        self._stop = threading.Event()
        self._deadline = time.monotonic() + max_s
        self._max = max_requests_per_thread
        self._expected = expected or (lambda method, status: status == (201 if method == "POST" else 200))
        self._threads = [
            threading.Thread(target=self._read, args=(n,), daemon=True) for n in range(readers)
        ] + [threading.Thread(target=self._write, args=(n,), daemon=True) for n in range(writers)]

    def start(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> Tally:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=REQUEST_TIMEOUT_S + 5)
        assert not any(thread.is_alive() for thread in self._threads), "a load thread did not finish"
        return self.tally

    def _running(self, done: int) -> bool:
        return not self._stop.is_set() and done < self._max and time.monotonic() < self._deadline

    def _one(self, method: str, path: str, body: Any = None) -> Answer | None:
        try:
            answer = request(self.port, method, path, body)
        except (OSError, http.client.HTTPException) as error:
            with self.tally.lock:
                self.tally.cut[type(error).__name__] += 1
            return None
        with self.tally.lock:
            self.tally.statuses[(path, answer.status)] += 1
            if answer.status >= 500:
                self.tally.server_errors.append((f"{method} {path}", answer.status, answer.body[:300]))
            elif not self._expected(method, answer.status):
                self.tally.unexpected.append((f"{method} {path}", answer.status, answer.body[:300]))
        return answer

    def _read(self, number: int) -> None:
        done = 0
        while self._running(done):
            self._one("GET", READ_PATHS[(number + done) % len(READ_PATHS)])
            done += 1

    def _write(self, number: int) -> None:
        done = 0
        while self._running(done):
            title = f"Load test bench l{self.number} w{number} n{done}"
            with self.tally.lock:
                self.tally.attempted.append(title)
            answer = self._one("POST", "/api/proposals", feature(title=title))
            if answer is not None and answer.status == 201:
                with self.tally.lock:
                    self.tally.acknowledged[title] = answer.json()["id"]
            done += 1


def stored_proposals(database_url: str) -> list[tuple[int, str]]:
    """Every stored proposal's (id, title), read straight from the database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text("SELECT id, title FROM proposals"))]
    finally:
        engine.dispose()


def check_stored_once(database_url: str, *tallies: Tally, others: tuple[str, ...] = ()) -> list[str]:
    """Problems with what was stored: an acknowledged proposal missing, stored twice or under another id.

    Proposals sent but not acknowledged (cut, or 503) may be stored or not, but at most once;
    ``others`` are titles the test stored itself.
    """
    stored = stored_proposals(database_url)
    titles = Counter(title for _id, title in stored)
    ids = {title: proposal_id for proposal_id, title in stored}
    problems = [f"{title!r} stored {count} times" for title, count in titles.items() if count > 1]
    sent = set(others)
    for tally in tallies:
        sent.update(tally.attempted)
        for title, proposal_id in tally.acknowledged.items():
            if titles[title] == 0:
                problems.append(f"acknowledged {title!r} (id {proposal_id}) is not stored")
            elif ids[title] != proposal_id:
                problems.append(f"acknowledged {title!r} as id {proposal_id}, stored as id {ids[title]}")
    problems += [f"{title!r} stored but never sent" for title in titles if title not in sent]
    return problems


def need_program(name: str, *paths: str) -> str:
    """The path of a Debian program the tests start (``name`` on PATH or one of ``paths``): a failure
    in CI, where it must be installed, and a skip elsewhere when it is missing."""
    found = shutil.which(name) or next((path for path in paths if Path(path).exists()), None)
    if found is None:
        message = f"{name} is missing: apt-get install {name}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found
