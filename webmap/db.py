"""The proposals database: SQLAlchemy engine and sessions, migrated to the newest schema on start.

SQLite in the instance folder by default (WAL, foreign keys, a busy timeout, full sync on
commit); ``DATABASE_URL`` (ECOMAP_DATABASE_URL) points at PostgreSQL instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

EXTENSION = "ecomap.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE = "ecomap.sqlite3"
BUSY_TIMEOUT_MS = 30_000
_MIGRATION_LOCK = 7_204_311  # PostgreSQL advisory lock id serialising start-up migrations


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


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite connections get WAL, foreign keys and a busy timeout."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


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


def get_db() -> Database:
    return current_app.extensions[EXTENSION]
