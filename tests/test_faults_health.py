"""Issue #20 (6): /healthz tells the truth within HEALTH_WITHIN_S of a storage fault and of its end, on a
real gunicorn server, and no worker dies of it.

SQLite on a small tmpfs that the test mounts (root only): the disk full, the files made immutable
(``chattr +i``), the folder mounted read-only (a read-only bind mount over it, as a remount would be
for files opened afterwards), the folder gone. PostgreSQL: the server down, the database read-only.
While a fault lasts a write is 201 (kept) or 503, never a 500; after it, writes are 201 again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.gunicorn_support import Server, running_server, server_env
from tests.support.postgres import postgres_server_url  # noqa: F401 (fixture)
from tests.support.proposals_support import feature

HEALTH_WITHIN_S = 2.0  # the promise: a fault, and its end, show on /healthz within this
AGREEING = 4  # answers in a row that must agree, so that both workers have said it
POLL_S = 0.05
TMPFS_SIZE = "16m"


@dataclass
class Fault:
    url: str
    down: Callable[[], None]
    up: Callable[[], None]


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)


@contextmanager
def _tmpfs() -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = Path(tempfile.mkdtemp(prefix="ecomap-health-"))
    try:
        _run("mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(mount))
    except (subprocess.CalledProcessError, FileNotFoundError) as error:
        mount.rmdir()
        pytest.skip(f"this machine does not let the test mount a tmpfs: {error}")
    try:
        yield mount
    finally:
        for path in mount.rglob("*"):
            with suppress(subprocess.CalledProcessError):
                _run("chattr", "-i", str(path))
        subprocess.run(["umount", "-l", str(mount)], check=False, capture_output=True)
        shutil.rmtree(mount, ignore_errors=True)


@contextmanager
def _sqlite_fault(kind: str) -> Iterator[Fault]:
    with _tmpfs() as mount:
        folder = mount / "db"
        folder.mkdir()
        database = folder / "ecomap.sqlite3"

        def files() -> list[str]:
            return [str(path) for path in folder.iterdir() if path.name.startswith(database.name)]

        if kind == "disk full":
            filler = mount / "filler"

            def down() -> None:
                subprocess.run(
                    ["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True, check=False
                )

            fault = Fault(f"sqlite:///{database}", down, filler.unlink)
        elif kind == "immutable files":
            if subprocess.run(["chattr", "+i", str(mount)], capture_output=True, check=False).returncode:
                pytest.skip("this filesystem does not take chattr +i")
            _run("chattr", "-i", str(mount))
            fault = Fault(
                f"sqlite:///{database}",
                lambda: _run("chattr", "+i", *files()),
                lambda: _run("chattr", "-i", *files()),
            )
        elif kind == "read-only mount":

            def down() -> None:
                _run("mount", "--bind", str(folder), str(folder))
                _run("mount", "-o", "remount,bind,ro", str(folder))

            fault = Fault(f"sqlite:///{database}", down, lambda: _run("umount", str(folder)))
        else:  # "folder vanished"
            away = mount / "away"
            fault = Fault(f"sqlite:///{database}", lambda: folder.rename(away), lambda: away.rename(folder))
        yield fault


@contextmanager
def _postgres_fault(kind: str, request) -> Iterator[Fault]:
    if kind == "down":
        from tests.test_faults_database import _postgres_outage

        outage = _postgres_outage()
        broken = next(outage)
        try:
            yield Fault(broken.url, broken.down, broken.up)
        finally:
            outage.close()
    else:
        from tests.test_storage_faults import _postgres_fault as read_only

        faults = read_only("read-only", request.getfixturevalue("postgres_server_url"))
        broken = next(faults)
        try:
            yield Fault(broken.url, broken.down, broken.up)
        finally:
            faults.close()


FAULTS = [
    ("sqlite", "disk full"),
    ("sqlite", "immutable files"),
    ("sqlite", "read-only mount"),
    ("sqlite", "folder vanished"),
    ("postgresql", "down"),
    ("postgresql", "read-only"),
]


@pytest.fixture(params=FAULTS, ids=lambda param: f"{param[0]}-{param[1].replace(' ', '-')}")
def fault(request) -> Iterator[Fault]:
    database, kind = request.param
    maker = _sqlite_fault(kind) if database == "sqlite" else _postgres_fault(kind, request)
    with maker as made:
        yield made


def _health_says(server: Server, status: int, what: str) -> None:
    """Until AGREEING answers of /healthz in a row have ``status``; fails after HEALTH_WITHIN_S."""
    deadline = time.monotonic() + HEALTH_WITHIN_S
    seen: list[int] = []
    while time.monotonic() < deadline:
        seen.append(server.get("/healthz").status)
        if seen[-AGREEING:] == [status] * AGREEING:
            return
        time.sleep(POLL_S)
    pytest.fail(f"/healthz did not say {status} within {HEALTH_WITHIN_S} s of {what}: {seen[-20:]}")


def test_healthz_tells_a_storage_fault_and_its_end_within_two_seconds(fault: Fault):
    with running_server(server_env(fault.url)) as server:
        workers = server.wait_workers(2)
        assert server.post("/api/proposals", feature()).status == 201
        _health_says(server, 200, "the start")

        fault.down()
        try:
            _health_says(server, 503, "the fault")
            during = {server.post("/api/proposals", feature()).status for _ in range(4)}
            degraded = server.get("/healthz")
        finally:
            fault.up()
        _health_says(server, 200, "the fault's end")
        after = [server.post("/api/proposals", feature()).status for _ in range(4)]

        assert during <= {201, 503}, during  # never a 500: kept or refused
        if degraded.status == 503:
            assert degraded.json()["database"] == "down"
        assert after == [201] * 4
        assert server.workers() == workers, server.output()  # no worker died of the fault
