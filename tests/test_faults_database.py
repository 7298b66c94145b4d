"""The database gone mid-run: a 503 in the JSON error shape, /healthz says so, the map stays up, it recovers.

PostgreSQL: a throwaway cluster of our own, stopped and started again with pg_ctl. SQLite: the
tests run as root, who ignores file permissions, so "unwritable" is played by the database's
folder disappearing (renamed away, with a plain file put in its place, as when a volume is
unmounted): the file cannot be opened, and it comes back when the folder is renamed back.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support import postgres
from tests.support.gunicorn_support import (
    Load,
    Server,
    check_stored_once,
    running_server,
    server_env,
    stored_proposals,
)
from tests.support.proposals_support import dispose, feature, make_app
from webmap.proposals.db import MIGRATE_RETRY_S

RECOVERY_TIMEOUT_S = 60
LOAD_S = 4  # load running across the outage's start, and again across its end
TIMES = 3  # each check a few times, so that both workers answer
NEEDS_DATABASE_API = ("/api/proposals", "/api/proposals.csv")
WITHOUT_DATABASE = ("/", "/tracks", "/tracks/walk-10000-steps", "/tracks/walk-10000-steps.gpx")
WITHOUT_DATABASE_API = ("/api/layers", "/api/layers/park", "/api/tracks", "/api/sites")


@dataclass
class Outage:
    """A database that a test can take away and bring back."""

    url: str
    down: Callable[[], None]
    up: Callable[[], None]


@pytest.fixture(params=["sqlite", "postgresql"])
def outage(request, tmp_path: Path) -> Iterator[Outage]:
    if request.param == "sqlite":
        yield from _sqlite_outage(tmp_path)
    else:
        yield from _postgres_outage()


def _sqlite_outage(tmp_path: Path) -> Iterator[Outage]:
    folder, away = tmp_path / "db", tmp_path / "db-away"
    folder.mkdir()

    def down() -> None:
        folder.rename(away)
        folder.write_text("not a folder: the database's volume is gone\n")

    def up() -> None:
        folder.unlink()
        away.rename(folder)

    yield Outage(f"sqlite:///{folder / 'ecomap.sqlite3'}", down, up)


def _postgres_outage() -> Iterator[Outage]:
    try:
        cluster = postgres.throwaway_cluster()
        url = cluster.__enter__()
    except postgres.ClusterError as error:
        postgres._unavailable(str(error))
    query = parse_qs(urlsplit(url.replace("postgresql+psycopg", "postgresql")).query)
    root, port = Path(query["host"][0]), query["port"][0]
    pg_ctl = [*postgres._runner(), str(postgres.postgres_bin() / "pg_ctl"), "-D", str(root / "data")]
    options = f"-k {root} -p {port} -c listen_addresses='' -c fsync=off"
    state = {"up": True}

    def down() -> None:
        postgres._run([*pg_ctl, "-m", "fast", "-w", "stop"])
        state["up"] = False

    def up() -> None:
        postgres._run([*pg_ctl, "-o", options, "-l", str(root / "log"), "-w", "start"])
        state["up"] = True

    try:
        yield Outage(url, down, up)
    finally:
        if not state["up"]:
            up()
        cluster.__exit__(None, None, None)


def _check_outage(server: Server) -> None:
    for _ in range(TIMES):
        for answer in (server.post("/api/proposals", feature()), *map(server.get, NEEDS_DATABASE_API)):
            assert answer.status == 503, answer.body[:300]
            assert answer.headers["content-type"] == "application/json"
            assert answer.headers["retry-after"]
            error = answer.json()["error"]
            assert error == {"status": 503, "message": error["message"], "field": "database"}
            assert "database is unavailable" in error["message"]
        health = server.get("/healthz")
        assert health.status == 503
        assert health.json()["status"] == "degraded"
        assert health.json()["database"] == "down"
        page = server.get("/proposals?lang=en", Accept="text/html")
        assert page.status == 503
        assert "text/html" in page.headers["content-type"]
        assert b"This page is unavailable right now" in page.body
        for path in WITHOUT_DATABASE + WITHOUT_DATABASE_API:
            assert server.get(path).status == 200, path


def _wait_recovered(server: Server) -> float:
    """Seconds until /healthz answers 200 several times in a row (both workers back)."""
    started = time.monotonic()
    streak = 0
    while streak < 2 * TIMES:
        assert time.monotonic() - started < RECOVERY_TIMEOUT_S, "no recovery: " + server.output()
        streak = streak + 1 if server.get("/healthz").status == 200 else 0
        if not streak:
            time.sleep(0.1)
    return time.monotonic() - started


def test_database_outage_is_503_and_the_service_recovers_by_itself(outage: Outage):
    def allowed(method: str, status: int) -> bool:
        return status in ((201, 503) if method == "POST" else (200, 503))

    with running_server(server_env(outage.url)) as server:
        before = server.post("/api/proposals", feature(title="Before the outage"))
        assert before.status == 201
        load = Load(server.port, readers=2, writers=2, max_s=LOAD_S, expected=allowed).start()
        time.sleep(LOAD_S / 2)
        outage.down()
        time.sleep(LOAD_S / 2)
        went_down = load.stop()
        _check_outage(server)
        load = Load(server.port, readers=2, writers=2, max_s=LOAD_S, expected=allowed).start()
        time.sleep(LOAD_S / 2)
        outage.up()
        recovery_s = _wait_recovered(server)
        came_back = load.stop()
        after = server.post("/api/proposals", feature(title="After the outage"))
        assert after.status == 201
        listed = server.get("/api/proposals")
        assert listed.status == 200
        health = server.get("/healthz").json()
    kind = outage.url.split(":")[0]
    print(
        f"\noutage on {kind}: going down: {went_down.summary()}; coming back: {came_back.summary()}; "
        f"healthy again {recovery_s:.2f} s after the database came back"
    )
    assert health["status"] == "ok" and health["database"] == "ok"
    for tally in (went_down, came_back):
        assert [error for error in tally.server_errors if error[1] != 503] == []
        assert tally.unexpected == []
        assert not tally.cut
    stored = check_stored_once(
        outage.url, went_down, came_back, others=("Before the outage", "After the outage")
    )
    assert stored == []
    titles = {title for _id, title in stored_proposals(outage.url)}
    assert {"Before the outage", "After the outage"} <= titles


def test_in_process_the_api_and_healthz_answer_503_while_the_sqlite_folder_is_gone(tmp_path):
    folder = tmp_path / "db"
    app = make_app(tmp_path, f"sqlite:///{folder / 'ecomap.sqlite3'}")
    client = app.test_client()
    try:
        assert client.get("/healthz").json["database"] == "ok"
        folder.rename(tmp_path / "away")
        health = client.get("/healthz")
        submitted = client.post("/api/proposals", json=feature())
        page = client.get("/proposals?lang=ru", headers={"Accept": "text/html"})
        (tmp_path / "away").rename(folder)
        assert client.get("/healthz").status_code == 200
    finally:
        dispose(app)
    assert (health.status_code, health.json["status"], health.json["database"]) == (503, "degraded", "down")
    assert submitted.status_code == 503
    assert submitted.json["error"]["field"] == "database"
    assert submitted.headers["Retry-After"] == "10"
    assert page.status_code == 503
    assert "Ошибка 503" in page.get_data(as_text=True)  # the error page, in the default language


def test_in_process_a_vanished_sqlite_file_is_503_and_never_replaced_by_an_empty_one(tmp_path):
    folder = tmp_path / "db"
    database = folder / "ecomap.sqlite3"
    app = make_app(tmp_path, f"sqlite:///{database}")
    client = app.test_client()
    away = tmp_path / "away"
    away.mkdir()
    try:
        assert client.post("/api/proposals", json=feature(title="Kept")).status_code == 201
        moved = sorted(folder.iterdir(), key=lambda path: path != database)  # the database first
        for path in moved:
            path.rename(away / path.name)
        answers = [client.post("/api/proposals", json=feature()), client.get("/api/proposals")]
        health = client.get("/healthz")
        created = sorted(path.name for path in folder.iterdir())
        for path in sorted(away.iterdir(), key=lambda path: path.name == database.name):  # the database last
            path.rename(folder / path.name)
        healed = client.get("/healthz")
        listed = client.get("/api/proposals").json
    finally:
        dispose(app)
    assert [answer.status_code for answer in answers] == [503, 503]
    assert answers[0].json["error"]["field"] == "database"
    assert (health.status_code, health.json["status"], health.json["database"]) == (503, "degraded", "down")
    assert created == []
    assert healed.status_code == 200
    assert listed["type"] == "FeatureCollection"


def test_a_worker_that_starts_without_its_database_serves_and_migrates_once_it_is_back(tmp_path):
    folder = tmp_path / "db"
    url = f"sqlite:///{folder / 'ecomap.sqlite3'}"
    dispose(make_app(tmp_path / "first", url))  # the database exists, migrated
    folder.rename(tmp_path / "away")
    folder.write_text("not a folder: the database's volume is gone\n")

    app = make_app(tmp_path / "second", url)  # must not fail: the map does not need the database
    client = app.test_client()
    try:
        down = [client.get(path).status_code for path in ("/healthz", "/api/proposals", "/api/layers")]
        folder.unlink()
        (tmp_path / "away").rename(folder)
        time.sleep(MIGRATE_RETRY_S + 0.1)  # until the next try to migrate
        back = [client.get(path).status_code for path in ("/healthz", "/api/proposals")]
        submitted = client.post("/api/proposals", json=feature())
    finally:
        dispose(app)
    assert down == [503, 503, 200]
    assert back == [200, 200]
    assert submitted.status_code == 201
