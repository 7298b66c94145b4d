"""The proposals database: SQLAlchemy engine and sessions, migrated to the newest schema on start.

SQLite in the instance folder by default (WAL, foreign keys, a busy timeout, full sync on
commit); ``DATABASE_URL`` (ECOMAP_DATABASE_URL) points at PostgreSQL instead.

The SQLite file and the tables are created at start-up only (``init_app``, which every
``ecomap`` command and every server worker runs); at run time SQLite is opened with
``mode=rw``, so a file that vanished is a 503, never a new empty database in its place.

While the database cannot be reached, or is read-only, every request that needs it answers 503
(see ``init_app``). Pooled connections are checked before use, and a connection that failed
because the database was read-only is dropped with the whole pool (a SQLite file opened while
write-protected stays read-only for its connection's life), so the service recovers by itself
once the database is back or writable again. ``Database.writable`` is the health check: a write
of its own row rolled back, and for SQLite a synced write beside the file and the files opened for writing.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app, request
from sqlalchemy import Engine, create_engine, event, exc, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from webmap.health import add_health_probe
from webmap.http.errors import service_unavailable
from webmap.proposals.models import utcnow

EXTENSION = "ecomap.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE = "ecomap.sqlite3"
BUSY_TIMEOUT_MS = 30_000
_MIGRATION_LOCK = 7_204_311  # PostgreSQL advisory lock id serialising start-up migrations
CONNECT_TIMEOUT_S = 5  # PostgreSQL: give up on an unreachable server instead of hanging the worker
# Errors that mean the database cannot be reached or used right now (server down, file gone,
# connection cut, pool exhausted, disk full, lock wait over): a 503, not a 500.
DATABASE_DOWN = (exc.OperationalError, exc.InterfaceError, exc.DisconnectionError, exc.TimeoutError)
# PostgreSQL SQLSTATEs of a database that is up but may not be written now: read-only transaction
# (default_transaction_read_only, a hot standby), and privileges taken away. Answered as 503.
PG_READ_ONLY, PG_NO_PRIVILEGE = "25006", "42501"
# SQLite errors after which a connection is not to be trusted again (read-only, file gone or broken).
SQLITE_STALE = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_NOTADB", "SQLITE_CORRUPT")
MIGRATE_RETRY_S = 1.0  # how often a worker that started without its database tries to migrate it
HEALTH_LOCK_WAIT_MS = 5_000  # /healthz waits this long at most for the write lock
PROBE_BYTES = 64 * 1024  # what the health check writes beside a SQLite file: more than a commit needs
HEALTH_UPSERT = text(
    "INSERT INTO health_checks (id, checked_at) VALUES (1, :now) "
    "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at"
)


class Database:
    """An engine with its session factories: ``read()`` and ``write()`` transactions."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        self.path = sqlite_path(url) if url.startswith("sqlite") else None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._writers = sessionmaker(writer, expire_on_commit=False)
        self.migrated = False
        self._migrating = threading.Lock()
        self._next_migration = 0.0

    def ensure_migrated(self) -> bool:
        """Migrate once; while the database is down, try again at most every MIGRATE_RETRY_S.

        A worker that starts while the database is unreachable or read-only still starts (its
        requests that need the database answer 503) and migrates once the database is back.
        One thread tries at a time; the others go on without waiting.
        """
        if self.migrated or not self._migrating.acquire(blocking=False):
            return self.migrated
        try:
            if not self.migrated and time.monotonic() >= self._next_migration:
                self._next_migration = time.monotonic() + MIGRATE_RETRY_S
                migrate(self.engine)
                self.migrated = True
        except DATABASE_DOWN as error:
            cause = getattr(error, "orig", None) or error
            logging.getLogger(__name__).warning("database not migrated yet, it is unavailable: %s", cause)
        finally:
            self._migrating.release()
        return self.migrated

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

    def writable(self) -> bool:
        """Whether the database takes a write now: an upsert of ``health_checks``' one row, rolled back.

        It takes the write lock (SQLite) or a row lock (PostgreSQL), waiting for it a few seconds at
        most, so it finds a read-only file or transaction, a missing file and an unreachable server,
        and writes nothing to the database. SQLite's cache and its write-ahead log, reused in place,
        would answer a write on a full disk or to files made immutable or mounted read-only since
        they were opened, and fail only later: so a SQLite file is first checked on the disk itself
        (``_check_files``).
        """
        try:
            if self.path is not None:
                _check_files(self.path)
            with self.engine.connect() as connection:
                self._check_write(connection)
        except (*DATABASE_DOWN, exc.DBAPIError, OSError) as error:
            logging.getLogger(__name__).warning("health: the database cannot be written: %s", error)
            return False
        return True

    def _check_write(self, connection) -> None:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # on the driver's connection: a statement here would begin a transaction
            connection.connection.driver_connection.execute(f"PRAGMA busy_timeout={HEALTH_LOCK_WAIT_MS}")
        try:
            with connection.execution_options(sqlite_begin="IMMEDIATE").begin() as transaction:
                if not sqlite:
                    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {HEALTH_LOCK_WAIT_MS}")
                connection.execute(HEALTH_UPSERT, {"now": utcnow()})
                # the lock and the write were the test: a commit would add a synced write per probe,
                # holding the write lock longer against the requests that wait for it under load
                transaction.rollback()
        finally:
            if sqlite and not connection.invalidated:
                connection.connection.driver_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _check_files(path: Path) -> None:
    """OSError unless a SQLite database's files can be written on the disk now.

    A new file in the database's folder takes PROBE_BYTES, synced, then goes (a full disk, a
    read-only mount or folder, a vanished folder fail here); the database and its ``-wal`` and
    ``-shm`` open for writing without being written (immutable files, ``chattr +i``, and
    write-protected ones fail here). Nothing of the database is changed.
    """
    probe = path.parent / f".{path.name}-health-{os.getpid()}-{threading.get_ident()}"
    descriptor = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(descriptor, bytes(PROBE_BYTES))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
        with suppress(FileNotFoundError):
            probe.unlink()
    for suffix in ("", "-wal", "-shm"):
        try:
            os.close(os.open(path.with_name(path.name + suffix), os.O_WRONLY))
        except FileNotFoundError:
            if not suffix:  # the log and shared memory exist only while a connection is open
                raise


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite connections get WAL, foreign keys and a busy timeout.

    A SQLite file is opened with ``mode=rw``: the engine never creates it (``create_database`` does).
    """
    if not url.startswith("sqlite"):
        connect_args, parsed = {}, make_url(url)
        if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
        engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
        event.listen(engine, "handle_error", _postgres_error)
        return engine
    path = sqlite_path(url)
    if path is None:
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
    else:
        engine = create_engine(url, creator=lambda: _sqlite_open(path, "rw"))
        _check_file_on_checkout(engine, path)
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    event.listen(engine, "handle_error", _sqlite_error)
    return engine


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for an in-memory database or a ``file:`` URI.

    >>> sqlite_path("sqlite:///db/ecomap.sqlite3").name
    'ecomap.sqlite3'
    >>> sqlite_path("sqlite://") is None
    True
    """
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).absolute()


def create_database(url: str) -> None:
    """Create a SQLite URL's folder and empty file if they are missing (PostgreSQL: nothing to do)."""
    path = sqlite_path(url) if url.startswith("sqlite") else None
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_open(path, "rwc").close()


def _sqlite_open(path: Path, mode: str) -> sqlite3.Connection:
    """Open ``path`` as a SQLite URI: ``mode=rw`` fails on a missing file, ``rwc`` creates it."""
    uri = f"{path.as_uri()}?mode={mode}"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)


def _sqlite_error(context) -> None:
    """Drop a connection, and every idle one, after an error that leaves it stale, such as read-only.

    All of them: SQLite keeps the file descriptors of a closed connection while other connections
    of the process hold locks on the file, and hands them to the next connection it opens, so a
    read-only descriptor would outlive the connection that opened it. The failed statement's cursor
    is closed too: SQLAlchemy leaves it open on a disconnect, and a statement not finalized keeps
    its closed connection open (with its lock and its read-only shared memory) until the garbage
    collector finds the traceback that holds it.
    """
    name = getattr(context.original_exception, "sqlite_errorname", "") or ""
    if name.startswith(SQLITE_STALE):
        context.is_disconnect = True
        # SQLAlchemy 2.1 leaves ExceptionContext.cursor unset: the execution context has it
        cursor = getattr(context, "cursor", None) or getattr(context.execution_context, "cursor", None)
        if cursor is not None:
            with suppress(sqlite3.Error):
                cursor.close()
        context.engine.pool.dispose()


def _postgres_error(context):
    """A read-only or unprivileged database is a 503 (OperationalError); read-only drops the pool.

    A session started while the database was read-only stays read-only, so its connection is
    dropped for the pool to open fresh ones.
    """
    code = getattr(context.original_exception, "sqlstate", None)
    if code not in (PG_READ_ONLY, PG_NO_PRIVILEGE) or context.sqlalchemy_exception is None:
        return None
    if code == PG_READ_ONLY:
        context.is_disconnect = True
    return exc.OperationalError(
        context.statement,
        context.parameters,
        context.original_exception,
        connection_invalidated=context.is_disconnect,
    )


def _check_file_on_checkout(engine: Engine, path: Path) -> None:
    """SQLite's pool_pre_ping: a pooled connection whose file is gone, replaced or re-permitted is dropped.

    An open SQLite connection keeps working on its file even after the file (or its folder)
    was moved, deleted or replaced, so it would read and write a file nobody else sees; and a
    connection opened while the file was write-protected stays read-only after write access is
    back. Each checkout compares the path's file (device, inode, mode, owner) and its folder's
    mode and owner with those the connection opened; on a mismatch the pool reconnects, which
    fails (a 503) while the path is missing.
    """

    def identity() -> tuple[int, ...] | None:
        try:
            stat, folder = os.stat(path), os.stat(path.parent)
        except OSError:
            return None
        return stat.st_dev, stat.st_ino, stat.st_mode, stat.st_uid, folder.st_mode, folder.st_uid

    def on_connect(_dbapi_connection, record) -> None:
        record.info["ecomap.file"] = identity()

    def on_checkout(_dbapi_connection, record, _proxy) -> None:
        current = identity()
        if current is None or current != record.info.get("ecomap.file"):
            engine.pool.dispose()  # the idle ones too, see _sqlite_error
            raise exc.DisconnectionError(f"the SQLite file {path} is gone, replaced or changed mode")

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
        "mmap_size=0",  # read(), not a memory map: a file cut short is an error, not a SIGBUS
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
    """Bring the schema to ``revision``; concurrent starts wait for each other instead of racing.

    A schema already at ``revision`` is only read, so a worker starts while the database is read-only.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    target = ScriptDirectory.from_config(config).get_revision(revision).revision
    with engine.connect() as connection:
        if MigrationContext.configure(connection).get_current_revision() == target:
            return
    lock = engine.execution_options(sqlite_begin="IMMEDIATE")
    with lock.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def init_app(app: Flask) -> None:
    """Open (creating and migrating) the database in DATABASE_URL, default SQLite in the instance folder."""
    url = app.config.get("DATABASE_URL") or default_url(app.instance_path)
    try:
        create_database(url)
    except (OSError, sqlite3.Error) as error:
        app.logger.warning("could not create the SQLite database: %s", error)
    database = Database(url)
    database.ensure_migrated()
    app.extensions[EXTENSION] = database
    add_health_probe(app, "database", database.writable)
    app.before_request(_migrate_if_needed)
    for down in DATABASE_DOWN:
        app.register_error_handler(down, _database_down)


def _migrate_if_needed() -> None:
    """Before each request: the schema of a database that was down at start-up, once it is back."""
    get_db().ensure_migrated()


def _database_down(error: Exception):
    """503 while the database cannot be reached: JSON with field "database", or an error page."""
    cause = getattr(error, "orig", None) or error  # the driver's message, without the SQL and its values
    current_app.logger.warning("database unavailable on %s %s: %s", request.method, request.path, cause)
    return service_unavailable("database")


def get_db() -> Database:
    return current_app.extensions[EXTENSION]
