"""A real PostgreSQL server for the tests: ECOMAP_TEST_POSTGRES_URL, or a throwaway cluster.

Without ECOMAP_TEST_POSTGRES_URL the plugin starts a cluster with Debian's initdb and pg_ctl
(/usr/lib/postgresql/*/bin) in a temporary folder, listening on a unix socket only, as the
``postgres`` user when run as root. When no server can be had the tests skip, except with
``CI=true``, where they fail. Each test gets a fresh database, dropped afterwards.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

URL_VARIABLE = "ECOMAP_TEST_POSTGRES_URL"
SERVICE_USER = "postgres"


class ClusterError(RuntimeError):
    """No throwaway PostgreSQL cluster could be started here."""


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's bin folder."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    if not found:
        raise ClusterError("no /usr/lib/postgresql/*/bin/initdb: apt-get install postgresql")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _runner() -> list[str]:
    """Run as ``postgres`` when we are root (initdb refuses root), else as ourselves."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        raise ClusterError(
            f"running as root and there is no {SERVICE_USER!r} user to run PostgreSQL"
        ) from None
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ClusterError("running as root without runuser to switch to the postgres user")
    return [runuser, "-u", SERVICE_USER, "--"]


@contextmanager
def throwaway_cluster(durable: bool = False) -> Iterator[str]:
    """Start a PostgreSQL cluster in a temporary folder; yield its SQLAlchemy URL; stop and delete it.

    ``durable=False`` turns fsync off, which is fine for tests; benchmarks pass True.
    """
    bindir, run = postgres_bin(), _runner()
    root = Path(tempfile.mkdtemp(prefix="ecomap-pg-"))
    try:
        if run:
            shutil.chown(root, user=SERVICE_USER)
        data, port = root / "data", _free_port()
        _run(
            [
                *run,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "-N",
            ]
        )
        options = f"-k {root} -p {port} -c listen_addresses='' -c fsync={'on' if durable else 'off'}"
        _run(
            [
                *run,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(root / "log"),
                "-w",
                "start",
            ]
        )
        try:
            yield f"postgresql+psycopg://postgres@/postgres?host={root}&port={port}"
        finally:
            _run([*run, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise ClusterError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-800:]}")


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL tests must run in CI: {reason} (.ci/run installs Debian's postgresql)")
    pytest.skip(f"no PostgreSQL server: {reason}")


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A PostgreSQL server's URL (a database a superuser may create databases from)."""
    url = os.environ.get(URL_VARIABLE)
    if url:
        yield url
        return
    try:
        cluster = throwaway_cluster()
        server_url = cluster.__enter__()
    except ClusterError as error:
        _unavailable(str(error))
    try:
        yield server_url
    finally:
        cluster.__exit__(None, None, None)


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """Create an empty database on the server; yield its URL; drop it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"ecomap_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    with fresh_database(postgres_server_url) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path) -> str:
    """Each test that takes this runs twice: on SQLite in a temp folder and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ecomap.sqlite3'}"
    return request.getfixturevalue("postgres_url")
