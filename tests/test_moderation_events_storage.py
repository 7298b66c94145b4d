"""The moderation log on SQLite and real PostgreSQL: migration 0004, its back-fill, undo, constraints."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from tests.support.postgres import database_url, postgres_server_url, postgres_url  # noqa: F401 (fixtures)
from tests.support.proposals_support import dispose, make_app, set_status, submit
from webmap.proposals.db import MIGRATIONS, create_database, get_db, make_engine, migrate
from webmap.proposals.errors import NotDecided
from webmap.proposals.models import ModerationEvent
from webmap.proposals.moderation_store import history, recent_decisions, reopen
from webmap.proposals.store import get_proposal

INSERT_PROPOSAL = (
    "INSERT INTO proposals (token, site, category, title, materials, description, author, geometry, "
    "min_lon, min_lat, max_lon, max_lat, status, reason, created_at, moderated_at, moderated_by) "
    "VALUES (:token, 's', 'bench', :title, '', '', 'a', '{}', 0, 0, 0, 0, :status, :reason, "
    "CURRENT_TIMESTAMP, :moderated_at, :moderated_by)"
)


def _downgrade(engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


@pytest.fixture
def app(tmp_path, database_url):  # noqa: F811
    app = make_app(tmp_path, database_url)
    yield app
    dispose(app)


def test_upgrade_to_0004_logs_the_earlier_decisions(database_url):  # noqa: F811
    create_database(database_url)
    engine = make_engine(database_url)
    decided_at = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
    rows = [
        {"token": "a", "title": "Kept", "status": "approved", "reason": None, "by": "olga"},
        {"token": "b", "title": "Refused", "status": "rejected", "reason": "Too big", "by": "ivan"},
        {"token": "c", "title": "Waiting", "status": "pending", "reason": None, "by": None},
    ]
    try:
        migrate(engine, "0003")
        with engine.begin() as connection:
            for row in rows:
                moment = decided_at if row["by"] else None
                connection.execute(
                    text(INSERT_PROPOSAL),
                    {**row, "moderated_at": moment, "moderated_by": row["by"]},
                )

        migrate(engine, "0004")

        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            events = connection.execute(
                text(
                    "SELECT p.title, e.action, e.moderator, e.reason FROM moderation_events e "
                    "JOIN proposals p ON p.id = e.proposal_id ORDER BY p.title"
                )
            ).all()
        indexes = {index["name"] for index in inspect(engine).get_indexes("moderation_events")}
        assert version == "0004"
        assert [tuple(event) for event in events] == [
            ("Kept", "approved", "olga", None),
            ("Refused", "rejected", "ivan", "Too big"),
        ]
        assert "ix_moderation_events_proposal" in indexes

        _downgrade(engine, "0003")
        assert "moderation_events" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_undo_round_trip_keeps_who_and_when(app):
    proposal_id = submit(app.test_client()).json["id"]
    set_status(app, proposal_id, "rejected", "Blocks the gate")

    with app.app_context(), get_db().write() as session:
        reopen(session, get_proposal(session, proposal_id), "olga")
    with app.app_context(), get_db().read() as session:
        proposal = get_proposal(session, proposal_id)
        events = history(session, proposal_id)
        decided = recent_decisions(session, [proposal.site])

    assert (proposal.status, proposal.reason, proposal.moderated_at, proposal.moderated_by) == (
        "pending",
        None,
        None,
        None,
    )
    assert [(e.action, e.moderator, e.reason) for e in events] == [
        ("rejected", "test", "Blocks the gate"),
        ("reopened", "olga", None),
    ]
    assert events[0].at <= events[1].at
    assert decided == []


def test_a_pending_proposal_has_nothing_to_undo(app):
    proposal_id = submit(app.test_client()).json["id"]

    with app.app_context(), get_db().write() as session, pytest.raises(NotDecided):
        reopen(session, get_proposal(session, proposal_id), "olga")


def test_the_database_refuses_an_unknown_action_and_drops_events_with_their_proposal(app):
    proposal_id = submit(app.test_client()).json["id"]
    set_status(app, proposal_id, "approved")

    with app.app_context(), pytest.raises(IntegrityError), get_db().write() as session:
        session.add(ModerationEvent(proposal_id=proposal_id, action="deleted", moderator="x"))
        session.flush()
    with app.app_context(), get_db().write() as session:
        session.delete(get_proposal(session, proposal_id))
    with app.app_context(), get_db().read() as session:
        remaining = session.execute(text("SELECT count(*) FROM moderation_events")).scalar()

    assert remaining == 0
