"""The proposals database: SQLAlchemy engine and sessions, migrated to the newest schema on start.

SQLite in the instance folder by default (WAL, foreign keys, a busy timeout, full sync on
commit); ``DATABASE_URL`` (ECOMAP_DATABASE_URL) points at PostgreSQL instead.

While the database cannot be reached every request that needs it answers 503 (see
``init_app``); pooled connections are checked before use, so the service recovers by itself
once the database is back.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask, current_app, request
from sqlalchemy import Engine, create_engine, event, exc, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from webmap.errors import service_unavailable

EXTENSION = "ecomap.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE = "ecomap.sqlite3"
BUSY_TIMEOUT_MS = 30_000
_MIGRATION_LOCK = 7_204_311  # PostgreSQL advisory lock id serialising start-up migrations
CONNECT_TIMEOUT_S = 5  # PostgreSQL: give up on an unreachable server instead of hanging the worker
# Errors that mean the database cannot be reached or used right now (server down, file gone,
# connection cut, pool exhausted, disk full, lock wait over): a 503, not a 500.
DATABASE_DOWN = (exc.OperationalError, exc.InterfaceError, exc.DisconnectionError, exc.TimeoutError)


class Database:
    """An engine with its session factories: ``read()`` and ``write()`` transactions."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._writers = sessionmaker(writer, expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session in a read transaction."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in a write transaction, committed on exit (on SQLite it takes the write lock first)."""
        with self._writers() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    def ping(self) -> bool:
        """Whether the database answers a query now."""
        try:
            with self.read() as session:
                session.execute(text("SELECT 1"))
        except DATABASE_DOWN:
            return False
        return True


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite connections get WAL, foreign keys and a busy timeout."""
    if not url.startswith("sqlite"):
        connect_args, parsed = {}, make_url(url)
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    database = make_url(url).database
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        _check_file_on_checkout(engine, Path(database))
    return engine


def _check_file_on_checkout(engine: Engine, path: Path) -> None:
    """SQLite's pool_pre_ping: a pooled connection whose file is gone or replaced is dropped.

    An open SQLite connection keeps working on its file even after the file (or its folder)
    was moved, deleted or replaced, so it would read and write a file nobody else sees. Each
    checkout compares the path's file with the one the connection opened; on a mismatch the
    pool reconnects, which fails (a 503) while the path is missing.
    """

    def identity() -> tuple[int, int] | None:
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return stat.st_dev, stat.st_ino

    def on_connect(_dbapi_connection, record) -> None:
        record.info["ecomap.file"] = identity()

    def on_checkout(_dbapi_connection, record, _proxy) -> None:
        current = identity()
        if current is None or current != record.info.get("ecomap.file"):
            raise exc.DisconnectionError(f"the SQLite file {path} is gone or was replaced")

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "checkout", on_checkout)


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see _sqlite_begin
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        f"busy_timeout={BUSY_TIMEOUT_MS}",
        "synchronous=FULL",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(connection) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def default_url(instance_path: str | Path) -> str:
    """The SQLite file in the instance folder."""
    return f"sqlite:///{Path(instance_path) / SQLITE_FILE}"


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; concurrent starts wait for each other instead of racing."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    lock = engine.execution_options(sqlite_begin="IMMEDIATE")
    with lock.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def init_app(app: Flask) -> None:
    """Open the database named by DATABASE_URL (default: SQLite in the instance folder) and migrate it."""
    url = app.config.get("DATABASE_URL") or default_url(app.instance_path)
    database = Database(url)
    migrate(database.engine)
    app.extensions[EXTENSION] = database
    for error in DATABASE_DOWN:
        app.register_error_handler(error, _database_down)


def _database_down(error: Exception):
    """503 while the database cannot be reached: JSON with field "database", or an error page."""
    cause = getattr(error, "orig", None) or error  # the driver's message, without the SQL and its values
    current_app.logger.warning("database unavailable on %s %s: %s", request.method, request.path, cause)
    return service_unavailable("database")


def get_db() -> Database:
    return current_app.extensions[EXTENSION]
