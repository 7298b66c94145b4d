"""Storage faults that heal: read-only, vanished and unprivileged databases under a running server.

Each fault is played against ``gunicorn`` (2 workers) with readers and writers running across its
start and its end. While it lasts, writes answer 503 in the JSON error shape, pages the outage
page and ``/healthz`` "degraded"; once it is over the service heals with no restart; every
proposal acknowledged with a 201 is in the database, once. Faults that need fresh connections to
bite (a file write-protected when it is opened) restart the workers while the fault lasts.

SQLite: run as root, for whom file permissions do not count, the server runs
without the capabilities that override them (util-linux ``setpriv``). PostgreSQL: a throwaway
cluster, a database of the test's
own set read-only, its backends terminated, its privileges revoked.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.gunicorn_support import (
    Load,
    Server,
    check_stored_once,
    free_port,
    gunicorn_command,
    running_server,
    server_env,
    stored_proposals,
)
from tests.support.postgres import postgres_server_url  # noqa: F401 (fixture)
from tests.support.proposals_support import feature

ROOT = Path(__file__).resolve().parent.parent
RECOVERY_TIMEOUT_S = 60
LOAD_S = 3  # load runs across the fault's start, and again across its end
TIMES = 3  # each check a few times, so that both workers answer
# Run as root, the server drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: file permissions count.
DROP_FILE_OVERRIDES = [
    "setpriv",
    "--bounding-set",
    "-dac_override,-dac_read_search",
    "--inh-caps",
    "-dac_override,-dac_read_search",
    "--",
]
APP_ROLE = "ecomap_app"


@dataclass
class Fault:
    """A way to break the database that a test can start and end."""

    url: str
    down: Callable[[], None]
    up: Callable[[], None]
    reads_work: bool | None  # reading proposals works while it lasts (True), fails (False), either (None)
    restart_workers: bool = False  # restart the workers while it lasts: fresh connections
    must_not_appear: Path | None = None  # a SQLite file that must not be created while gone
    writes_fail: bool = True  # False: a fault the pool gets over at once (terminated backends)


class UnprivilegedServer(Server):
    """Gunicorn without the capabilities that let root ignore file permissions (when run as root)."""

    def __init__(self, env: dict[str, str], workers: int = 2):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="ecomap-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        command = gunicorn_command(self.port, workers)
        if os.geteuid() == 0:
            command = [*DROP_FILE_OVERRIDES, *command]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)


@contextmanager
def unprivileged_server(env: dict[str, str]) -> Iterator[Server]:
    server = UnprivilegedServer(env)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def _sqlite_fault(kind: str) -> Iterator[Fault]:
    folder = Path(tempfile.mkdtemp(prefix="ecomap-faults-")) / "db"
    folder.mkdir()
    database = folder / "ecomap.sqlite3"
    away = folder.parent / "away"
    url = f"sqlite:///{database}"

    def files() -> list[Path]:
        return [path for path in folder.iterdir() if path.name.startswith(database.name)]

    if kind == "read-only file":

        def up_file() -> None:  # the -wal and -shm that SQLite made meanwhile copy the file's mode
            for path in files():
                path.chmod(0o644)

        fault = Fault(url, lambda: database.chmod(0o444), up_file, True, True)
    elif kind == "read-only folder":

        def down() -> None:
            for path in files():
                path.chmod(0o444)
            folder.chmod(0o555)

        def up() -> None:
            folder.chmod(0o755)
            for path in files():
                path.chmod(0o644)

        fault = Fault(url, down, up, None, True)  # reads work if the -shm was left behind
    elif kind == "file vanished":
        away.mkdir()

        def down() -> None:  # the database first: no one may open it without its write-ahead log
            for path in sorted(files(), key=lambda path: path != database):
                path.rename(away / path.name)

        def up() -> None:  # the database last, for the same reason
            for path in sorted(away.iterdir(), key=lambda path: path.name == database.name):
                path.rename(folder / path.name)

        fault = Fault(url, down, up, False, False, must_not_appear=database)
    else:  # "folder vanished": renamed away, nothing in its place

        def down() -> None:
            folder.rename(away)

        def up() -> None:
            away.rename(folder)

        fault = Fault(url, down, up, False, False, must_not_appear=database)
    try:
        yield fault
    finally:
        if away.is_dir() and not folder.exists():
            away.rename(folder)
        shutil.rmtree(folder.parent, ignore_errors=True)


def _postgres_fault(kind: str, server_url: str) -> Iterator[Fault]:
    name = f"ecomap_fault_{os.getpid()}_{time.monotonic_ns() % 10**9}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")

    def sql(statement: str, database: str | None = None) -> None:
        engine = (
            admin
            if database is None
            else create_engine(_on(server_url, database), isolation_level="AUTOCOMMIT")
        )
        with engine.connect() as connection:
            connection.execute(text(statement))
        if database is not None:
            engine.dispose()

    terminate = (
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    )
    try:  # a setup that fails (a role without the rights, say) still closes the admin's connections
        sql(f"DROP ROLE IF EXISTS {APP_ROLE}_{name[-9:]}")
        role = f"{APP_ROLE}_{name[-9:]}"
        sql(f"CREATE ROLE {role} LOGIN PASSWORD '{role}'")  # TCP logins need one (Debian's pg_hba)
        sql(f'CREATE DATABASE "{name}" OWNER {role}')
        url = make_url(_on(server_url, name)).set(username=role, password=role)
        url = url.render_as_string(hide_password=False)
        if kind == "read-only":

            def down() -> None:
                sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
                sql(terminate)  # as after a fail-over to a standby: every session is a new, read-only one

            def up() -> None:
                sql(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')  # new sessions only

            fault = Fault(url, down, up, True)
        elif kind == "privileges revoked":
            tables = "ALL TABLES IN SCHEMA public"
            fault = Fault(
                url,
                lambda: sql(f"REVOKE INSERT, UPDATE, DELETE ON {tables} FROM {role}", name),
                lambda: sql(f"GRANT INSERT, UPDATE, DELETE ON {tables} TO {role}", name),
                True,
            )
        else:  # "backends terminated", again and again while it lasts
            fault = Fault(url, lambda: sql(terminate), lambda: sql(terminate), True, writes_fail=False)
    except Exception:
        admin.dispose()
        raise
    try:
        yield fault
    finally:
        sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        sql(f"DROP ROLE IF EXISTS {role}")
        admin.dispose()


def _on(server_url: str, database: str) -> str:
    return make_url(server_url).set(database=database).render_as_string(hide_password=False)


SQLITE_FAULTS = ["read-only file", "read-only folder", "file vanished", "folder vanished"]
POSTGRES_FAULTS = ["read-only", "privileges revoked", "backends terminated"]


@pytest.fixture(
    params=[("sqlite", kind) for kind in SQLITE_FAULTS] + [("postgresql", kind) for kind in POSTGRES_FAULTS],
    ids=lambda param: f"{param[0]}-{param[1].replace(' ', '-')}",
)
def fault(request) -> Iterator[Fault]:
    database, kind = request.param
    if database == "sqlite":
        yield from _sqlite_fault(kind)
    else:
        yield from _postgres_fault(kind, request.getfixturevalue("postgres_server_url"))


def _restart_workers(server: Server) -> None:
    """Gunicorn's graceful reload: new workers, which open new connections."""
    old = server.workers()
    os.kill(server.pid, signal.SIGHUP)
    deadline = time.monotonic() + RECOVERY_TIMEOUT_S
    while time.monotonic() < deadline:
        now = server.workers()
        if len(now) >= 2 and not now & old:
            _wait_answering(server)
            return
        time.sleep(0.1)
    raise AssertionError("the workers did not restart: " + server.output())


def _wait_answering(server: Server) -> None:
    deadline = time.monotonic() + RECOVERY_TIMEOUT_S
    streak = 0
    while streak < 2 * TIMES:
        assert time.monotonic() < deadline, "the workers do not answer: " + server.output()
        try:
            server.get("/healthz")
            streak += 1
        except OSError:
            streak = 0
            time.sleep(0.1)


def _check_broken(server: Server, fault: Fault) -> None:
    if not fault.writes_fail:
        for number in range(TIMES):
            fault.down()
            answer = server.post("/api/proposals", feature(title=f"Between two terminations {number}"))
            assert answer.status == 201
            assert server.get("/healthz").status == 200
        return
    for _ in range(TIMES):
        answer = server.post("/api/proposals", feature(title="During the fault"))
        assert answer.status == 503, answer.body[:300]
        assert answer.headers["retry-after"]
        assert answer.json()["error"] == {
            "status": 503,
            "message": "the database is unavailable; try again shortly",
            "field": "database",
        }
        health = server.get("/healthz")
        assert (health.status, health.json()["status"], health.json()["database"]) == (
            503,
            "degraded",
            "down",
        )
        listed = server.get("/api/proposals")
        page = server.get("/proposals?lang=en", Accept="text/html")
        if fault.reads_work:
            assert (listed.status, page.status) == (200, 200)
        elif fault.reads_work is False or listed.status != 200:
            assert listed.status == 503 and listed.json()["error"]["field"] == "database"
            assert page.status == 503 and b"This page is unavailable right now" in page.body
        assert server.get("/api/layers").status == 200
    if fault.must_not_appear is not None:
        assert not fault.must_not_appear.exists(), "a new database was created in place of the vanished one"


def _wait_healed(server: Server) -> float:
    """Seconds until /healthz answers 200 several times in a row (both workers healed)."""
    started = time.monotonic()
    streak = 0
    while streak < 2 * TIMES:
        assert time.monotonic() - started < RECOVERY_TIMEOUT_S, "no recovery: " + server.output()
        streak = streak + 1 if server.get("/healthz").status == 200 else 0
        if not streak:
            time.sleep(0.1)
    return time.monotonic() - started


def _writes_succeed(server: Server, count: int = 2 * TIMES) -> list[int]:
    return [server.post("/api/proposals", feature(title=f"After the fault {n}")).status for n in range(count)]


def test_a_storage_fault_is_503_while_it_lasts_and_heals_without_a_restart(fault: Fault, request):
    def allowed(method: str, status: int) -> bool:
        return status in ((201, 503) if method == "POST" else (200, 503))

    serve = unprivileged_server if fault.url.startswith("sqlite") else running_server
    with serve(server_env(fault.url)) as server:
        assert server.post("/api/proposals", feature(title="Before the fault")).status == 201
        load = Load(server.port, readers=2, writers=2, max_s=LOAD_S, expected=allowed).start()
        time.sleep(LOAD_S / 2)
        fault.down()
        if fault.restart_workers:
            _restart_workers(server)
        going_down = load.stop()
        _check_broken(server, fault)
        load = Load(server.port, readers=2, writers=2, max_s=LOAD_S, expected=allowed).start()
        time.sleep(LOAD_S / 2)
        fault.up()
        healed_s = _wait_healed(server)
        coming_back = load.stop()
        after = _writes_succeed(server)
        health = server.get("/healthz").json()
    print(
        f"\n{request.node.callspec.id}: going down: {going_down.summary()}; coming back: "
        f"{coming_back.summary()}; healthy {healed_s:.2f} s after the fault ended"
    )
    assert after == [201] * len(after)
    assert (health["status"], health["database"]) == ("ok", "ok")
    for tally in (going_down, coming_back):
        assert [error for error in tally.server_errors if error[1] != 503] == []
        assert tally.unexpected == []
        assert not tally.cut
    after_titles = tuple(f"After the fault {n}" for n in range(len(after)))
    between = tuple(f"Between two terminations {number}" for number in range(TIMES))
    others = ("Before the fault", *between, *after_titles)
    assert check_stored_once(fault.url, going_down, coming_back, others=others) == []
    titles = {title for _id, title in stored_proposals(fault.url)}
    assert "During the fault" not in titles
    assert {"Before the fault", *after_titles} <= titles
