"""Storage on SQLite and real PostgreSQL: round trips, bbox index, votes, restarts, crashes, concurrency."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from tests.support.postgres import database_url, postgres_server_url, postgres_url  # noqa: F401 (fixtures)
from tests.support.proposals_support import (
    SCHOOL_LINE,
    SCHOOL_POINT,
    SCHOOL_POLYGON,
    dispose,
    feature,
    make_app,
    submit,
)
from webmap.proposals.db import get_db
from webmap.proposals.store import Filters, add_vote, find_proposals, get_proposal, to_feature, vote_counts
from webmap.proposals.validation import check_feature

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def app(tmp_path, database_url):  # noqa: F811
    app = make_app(tmp_path, database_url)
    yield app
    dispose(app)


def _draft(app, geometry, **properties):
    from webmap.proposals.service import get_sites

    with app.app_context():
        return check_feature(feature(geometry, **properties), get_sites())


def test_migrations_create_the_schema_and_bbox_index(app):
    with app.app_context():
        engine = get_db().engine
        tables = set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if engine.dialect.name == "sqlite":
                index = connection.execute(
                    text("SELECT name FROM sqlite_master WHERE name = 'proposals_rtree'")
                )
            else:
                index = connection.execute(
                    text("SELECT indexname FROM pg_indexes WHERE indexname = 'ix_proposals_bbox'")
                )
            assert index.scalar() is not None
    assert {"proposals", "votes", "moderators", "class_codes", "participants", "health_checks"} <= tables
    assert version == "0007"


def test_upgrade_from_0001_keeps_moderators_and_adds_the_session_generation(database_url):  # noqa: F811

    from webmap.proposals.db import create_database, make_engine, migrate
    from webmap.proposals.models import Moderator

    create_database(database_url)
    engine = make_engine(database_url)
    try:
        migrate(engine, "0001")
        columns = {column["name"] for column in inspect(engine).get_columns("moderators")}
        assert "session_generation" not in columns
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO moderators (username, password_hash, sites, created_at) "
                    "VALUES ('old', 'x', '', CURRENT_TIMESTAMP)"
                )
            )

        migrate(engine, "head")

        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            row = connection.execute(text("SELECT username, session_generation FROM moderators")).one()
        assert version == "0007"
        assert tuple(row) == ("old", 0)
        with engine.begin() as connection:
            connection.execute(
                Moderator.__table__.insert().values(
                    username="new", password_hash="y", sites="", created_at=text("CURRENT_TIMESTAMP")
                )
            )
            generations = dict(
                connection.execute(text("SELECT username, session_generation FROM moderators")).all()
            )
        assert generations == {"old": 0, "new": 0}
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path):
    app = make_app(tmp_path)
    with app.app_context(), get_db().read() as session:
        pragmas = {
            name: session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        }
    dispose(app)
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 30000}
    assert (tmp_path / "ecomap.sqlite3").exists()


def test_default_database_is_created_in_the_instance_folder(tmp_path):
    from flask import Flask

    from webmap.proposals import db

    bare = Flask("bare", instance_path=str(tmp_path / "instance"))
    bare.config["DATABASE_URL"] = ""
    db.init_app(bare)
    bare.extensions[db.EXTENSION].dispose()

    assert (tmp_path / "instance" / "ecomap.sqlite3").exists()


@pytest.mark.parametrize(
    "geometry", [SCHOOL_POINT, SCHOOL_LINE, SCHOOL_POLYGON], ids=["point", "line", "polygon"]
)
def test_round_trip_keeps_every_field(app, geometry):
    draft = _draft(app, geometry, title="Скамейка «Лиса» <b>", description="строка 1\nстрока 2")
    with app.app_context():
        with get_db().write() as session:
            proposal_id = add_proposal_id(session, draft)
        with get_db().read() as session:
            stored = to_feature(get_proposal(session, proposal_id))
    assert stored["geometry"] == geometry
    assert stored["properties"]["title"] == "Скамейка «Лиса» <b>"
    assert stored["properties"]["description"] == "строка 1\nстрока 2"
    assert stored["properties"]["status"] == "pending"


def add_proposal_id(session, draft) -> int:
    from webmap.proposals.store import add_proposal

    return add_proposal(session, draft).id


def test_bbox_query_finds_overlapping_boxes_only(app):
    drafts = [_draft(app, geometry) for geometry in (SCHOOL_POINT, SCHOOL_LINE, SCHOOL_POLYGON)]
    with app.app_context():
        with get_db().write() as session:
            point, line, polygon = (add_proposal_id(session, draft) for draft in drafts)
        with get_db().read() as session:

            def ids(bbox):
                return [p.id for p in find_proposals(session, Filters(("pending",), bbox=bbox))]

            assert ids((60.83515, 56.49675, 60.83525, 56.49685)) == [point, line, polygon]
            assert ids((60.8355, 56.4967, 60.8357, 56.49675)) == [line]
            assert ids((60.8340, 56.4960, 60.8345, 56.4962)) == []


def test_one_vote_per_participant_per_proposal(app):
    from webmap.proposals.classes_store import create_class, join_class

    draft = _draft(app, SCHOOL_POINT)
    with app.app_context():
        with get_db().write() as session:
            proposal_id = add_proposal_id(session, draft)
            _group, code = create_class(session, "5Б", 2, "test")
            first, _ = join_class(session, code, "fox")
            second, _ = join_class(session, code, "owl")
        with get_db().write() as session:
            results = [add_vote(session, proposal_id, who.id) for who in (first, first, second)]
        with get_db().read() as session:
            counts = vote_counts(session, [proposal_id])
    assert results == [True, False, True]
    assert counts == {proposal_id: 2}


def test_upgrade_to_0003_drops_the_anonymous_votes_and_keeps_proposals(engine):
    from webmap.proposals.db import migrate

    migrate(engine, "0002")
    with engine.begin() as connection:
        insert_proposal(connection, box=(0, 0, 0, 0))
        connection.execute(
            text(
                "INSERT INTO votes (proposal_id, voter, created_at) "
                "SELECT id, 'x', CURRENT_TIMESTAMP FROM proposals"
            )
        )
    migrate(engine, "head")
    with engine.connect() as connection:
        titles = connection.execute(text("SELECT title FROM proposals")).scalars().all()
        votes = connection.execute(text("SELECT count(*) FROM votes")).scalar()
        columns = {column["name"] for column in inspect(engine).get_columns("votes")}
    assert titles == ["Old"]
    assert votes == 0
    assert "participant_id" in columns and "voter" not in columns


def test_upgrade_to_0005_keeps_proposals_and_their_bbox_index_and_downgrades(engine):
    from webmap.proposals.db import migrate

    migrate(engine, "0004")
    with engine.begin() as connection:
        insert_proposal(connection)
    migrate(engine, "0005")
    with engine.begin() as connection:
        old = connection.execute(text("SELECT title, parts, season, bill FROM proposals")).one()
        insert_proposal(
            connection,
            token="u",
            title="New",
            status="pending",
            box=(61.0, 57.0, 61.1, 57.1),
            season="summer",
        )
        if engine.dialect.name == "sqlite":  # the R*Tree triggers survived: the new row is indexed
            indexed = connection.execute(text("SELECT count(*) FROM proposals_rtree")).scalar()
            assert indexed == 2
    assert tuple(old) == ("Old", None, None, None)
    migrate_down(engine, "0004")
    columns = {column["name"] for column in inspect(engine).get_columns("proposals")}
    assert not {"parts", "season", "bill"} & columns
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM proposals")).scalar() == 2


def test_upgrade_to_0006_makes_each_proposal_its_first_version_and_downgrades(engine):
    from webmap.proposals.db import migrate

    migrate(engine, "0005")
    with engine.begin() as connection:
        insert_proposal(
            connection,
            materials="m",
            description="d",
            status="pending",
            parts='[{"part": "bench", "lon": 60.8, "lat": 56.4, "rotation_deg": 0}]',
            season="summer",
            bill='{"total_rub": 1200}',
        )
    migrate(engine, "0006")
    with engine.begin() as connection:
        (version,) = connection.execute(
            text("SELECT proposal_id, number, title, parts, season, bill FROM proposal_versions")
        ).all()
        connection.execute(
            text(
                "INSERT INTO proposal_comments (proposal_id, version, moderator, text, lon, lat, "
                "created_at) SELECT id, 1, 'architect', 'Move it', 60.85, 56.45, CURRENT_TIMESTAMP "
                "FROM proposals"
            )
        )
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"), connection.begin_nested():
            connection.execute(
                text(
                    "INSERT INTO proposal_versions (proposal_id, number, category, title, materials, "
                    "description, author, geometry, created_at) SELECT id, 1, 'bench', 'Copy', '', '', "
                    "'a', '{}', CURRENT_TIMESTAMP FROM proposals"
                )
            )
    _proposal_id, number, title, parts, season, bill = version
    if isinstance(parts, str):  # SQLite hands JSON back as text to a raw query
        parts, bill = json.loads(parts), json.loads(bill)
    assert (number, title, season) == (1, "Old", "summer")
    assert parts[0]["part"] == "bench" and bill == {"total_rub": 1200}
    migrate_down(engine, "0005")
    tables = set(inspect(engine).get_table_names())
    assert not {"proposal_versions", "proposal_comments"} & tables
    with engine.connect() as connection:
        assert connection.execute(text("SELECT title FROM proposals")).scalars().all() == ["Old"]
    migrate(engine, "head")


def test_upgrade_to_0007_adds_the_ballots_and_downgrades(engine):
    from webmap.proposals.db import migrate

    migrate(engine, "0006")
    with engine.begin() as connection:
        insert_proposal(connection)
        connection.execute(
            text(
                "INSERT INTO class_codes (name, code_hash, size, created_by, created_at) "
                "VALUES ('5B', 'h', 30, 'm', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO participants (class_id, nickname, nickname_key, token_hash, created_at) "
                "SELECT id, 'fox', 'fox', 'p', CURRENT_TIMESTAMP FROM class_codes"
            )
        )
    migrate(engine, "0007")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO ballot_choices (site, participant_id, proposal_id, created_at) "
                "SELECT 's', participants.id, proposals.id, CURRENT_TIMESTAMP FROM participants, "
                "proposals"
            )
        )
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"), connection.begin_nested():
            connection.execute(
                text(
                    "INSERT INTO ballot_choices (site, participant_id, proposal_id, created_at) "
                    "SELECT 's', participants.id, proposals.id, CURRENT_TIMESTAMP FROM participants, "
                    "proposals"
                )
            )
        assert connection.execute(text("SELECT count(*) FROM ballot_choices")).scalar() == 1
    migrate_down(engine, "0006")
    assert not {"ballots", "ballot_choices"} & set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM participants")).scalar() == 1


@pytest.fixture
def engine(database_url):  # noqa: F811
    """An engine on a new, empty database (SQLite or PostgreSQL), for the migration tests."""
    from webmap.proposals.db import create_database, make_engine

    create_database(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def insert_proposal(connection, box=(60.8, 56.4, 60.9, 56.5), **columns) -> None:
    """A proposal row written by hand, as an older schema holds it: ``columns`` over plain defaults."""
    west, south, east, north = box
    values = {
        "token": "t",
        "site": "s",
        "category": "bench",
        "title": "Old",
        "materials": "",
        "description": "",
    }
    values.update(author="a", geometry="{}", min_lon=west, min_lat=south, max_lon=east, max_lat=north)
    values["status"] = "approved"
    values.update(columns)
    names = ", ".join(values)
    places = ", ".join(f":{name}" for name in values)
    statement = f"INSERT INTO proposals ({names}, created_at) VALUES ({places}, CURRENT_TIMESTAMP)"
    connection.execute(text(statement), values)


def migrate_down(engine, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from webmap.proposals.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_a_new_app_on_the_same_database_sees_what_was_acknowledged(tmp_path, database_url):  # noqa: F811
    first = make_app(tmp_path / "one", database_url)
    created = submit(first.test_client()).json
    dispose(first)

    second = make_app(tmp_path / "two", database_url)
    with second.app_context(), get_db().read() as session:
        stored = get_proposal(session, created["id"])
    dispose(second)
    assert stored is not None and stored.title == "Bench from pallets"


CRASHING_WORKER = """
import json, os, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from tests.support.proposals_support import make_app, submit
app = make_app(Path({tmp!r}), {url!r})
response = submit(app.test_client())
print(json.dumps({{"status": response.status_code, "id": response.json["id"]}}), flush=True)
os._exit(9)  # die at once: no clean shutdown, no pool disposal, no atexit
"""


def test_an_acknowledged_proposal_survives_a_worker_crash(tmp_path, database_url):  # noqa: F811
    script = CRASHING_WORKER.format(root=str(ROOT), tmp=str(tmp_path / "worker"), url=database_url)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 9, done.stderr
    acknowledged = json.loads(done.stdout.strip().splitlines()[-1])
    assert acknowledged["status"] == 201

    app = make_app(tmp_path / "after", database_url)
    with app.app_context(), get_db().read() as session:
        stored = get_proposal(session, acknowledged["id"])
    dispose(app)
    assert stored is not None and stored.status == "pending"


THREADS = 12
PER_THREAD = 8


def test_concurrent_submissions_are_all_stored_once(app, serve):
    server = serve(app)
    results: list[tuple[int, int, str]] = []
    lock = threading.Lock()

    def worker(number: int) -> None:
        for item in range(PER_THREAD):
            title = f"t{number}-{item}"
            body = json.dumps(feature(SCHOOL_POINT, title=title)).encode()
            request = urllib.request.Request(
                f"{server.url}/api/proposals", data=body, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=60) as response:
                answer = json.load(response)
                with lock:
                    results.append((response.status, answer["id"], title))

    threads = [threading.Thread(target=worker, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with app.app_context(), get_db().read() as session:
        stored = find_proposals(session, Filters(("pending",)))
    expected = {f"t{n}-{i}" for n in range(THREADS) for i in range(PER_THREAD)}
    assert len(results) == THREADS * PER_THREAD
    assert {status for status, _, _ in results} == {201}
    assert len({proposal_id for _, proposal_id, _ in results}) == THREADS * PER_THREAD
    assert sorted(p.title for p in stored) == sorted(expected)  # none lost, none duplicated
    assert {p.id: p.title for p in stored} == {proposal_id: title for _, proposal_id, title in results}
