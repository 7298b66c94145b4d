"""Tables: proposals, their versions, comments and moderation events, class codes, participants, votes,
moderators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

STATUSES = ("pending", "approved", "rejected")
ACTIONS = ("approved", "rejected", "reopened")  # what a moderation event did to a proposal


def _one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK constraint's text: ``column`` holds one of ``values``.

    >>> _one_of("status", ("pending", "approved"))
    "status IN ('pending', 'approved')"
    """
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass


class Proposal(Base):
    """A student's proposal: a shape on a site with texts, waiting for, or past, moderation."""

    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint(_one_of("status", STATUSES), name="ck_proposals_status"),
        Index("ix_proposals_status_site", "status", "site"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    site: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    materials: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(80))
    geometry: Mapped[dict[str, Any]] = mapped_column(JSON)
    parts: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # kit parts placed, as sent
    season: Mapped[str | None] = mapped_column(String(16))  # the project's season, with parts
    bill: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # bill of materials when it was sent
    min_lon: Mapped[float] = mapped_column(Double)
    min_lat: Mapped[float] = mapped_column(Double)
    max_lon: Mapped[float] = mapped_column(Double)
    max_lat: Mapped[float] = mapped_column(Double)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    moderated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    moderated_by: Mapped[str | None] = mapped_column(String(80))


class ModerationEvent(Base):
    """One moderation step, kept for the record: a proposal approved, rejected, or returned to the queue.

    The proposal keeps only its current decision (``moderated_at``, ``moderated_by``); undoing a
    decision clears those, and this log still says who decided, who undid it, and when.
    """

    __tablename__ = "moderation_events"
    __table_args__ = (
        CheckConstraint(_one_of("action", ACTIONS), name="ck_moderation_events_action"),
        Index("ix_moderation_events_proposal", "proposal_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))
    moderator: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)


class ClassCode(Base):
    """A class that a moderator let vote: its name, how many may join, and the hash of its code.

    The code itself is shown once, to the moderator who created it; only its SHA-256 is kept.
    """

    __tablename__ = "class_codes"
    __table_args__ = (CheckConstraint("size > 0", name="ck_class_codes_size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Participant(Base):
    """A student who joined a class with its code and a nickname, unique in the class.

    The browser keeps a random token in a cookie; only its SHA-256 is kept here.
    ``nickname_key`` is the nickname normalised (NFKC, case-folded) for the uniqueness rule.
    """

    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("class_id", "nickname_key", name="uq_participants_class_nickname"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("class_codes.id", ondelete="CASCADE"))
    nickname: Mapped[str] = mapped_column(String(40))
    nickname_key: Mapped[str] = mapped_column(String(160))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Vote(Base):
    """One participant's vote for one proposal: at most one each, by the unique constraint."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("proposal_id", "participant_id", name="uq_votes_proposal_participant"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HealthCheck(Base):
    """One row that /healthz writes and rolls back, to learn whether the database takes writes."""

    __tablename__ = "health_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Moderator(Base):
    """A moderator account; ``sites`` is a space-separated list of site ids, empty for every site."""

    __tablename__ = "moderators"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    sites: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Copied into the session at sign-in; signing out bumps it, which ends every session signed in before.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def may_moderate(self, site: str) -> bool:
        """Whether this moderator may see and decide proposals on ``site``."""
        return not self.sites or site in self.sites.split()


class ProposalVersion(Base):
    """One version of a proposal as its author sent it: the first submission, then each revision.

    Versions are only ever added, never changed: the proposal row holds a copy of the latest, and
    moderation compares it with the one before (``webmap/proposals/revisions.py``).
    """

    __tablename__ = "proposal_versions"
    __table_args__ = (
        UniqueConstraint("proposal_id", "number", name="uq_proposal_versions_number"),
        CheckConstraint("number > 0", name="ck_proposal_versions_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1 for the submission, then 2, 3, ...
    category: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    materials: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(80))
    geometry: Mapped[dict[str, Any]] = mapped_column(JSON)
    parts: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    season: Mapped[str | None] = mapped_column(String(16))
    bill: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProposalComment(Base):
    """A moderator's feedback on a pending proposal: a note pinned at a point of the site, or a remark.

    ``version`` is the version the comment was written on; ``lon``/``lat`` are both set or both null.
    """

    __tablename__ = "proposal_comments"
    __table_args__ = (
        CheckConstraint("(lon IS NULL) = (lat IS NULL)", name="ck_proposal_comments_point"),
        Index("ix_proposal_comments_proposal", "proposal_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    moderator: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    lon: Mapped[float | None] = mapped_column(Double)
    lat: Mapped[float | None] = mapped_column(Double)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Ballot(Base):
    """A site's budget ballot: open to participants until ``closes_at`` (set by a moderator or a command)."""

    __tablename__ = "ballots"

    site: Mapped[str] = mapped_column(String(64), primary_key=True)
    closes_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    set_by: Mapped[str] = mapped_column(String(80))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BallotChoice(Base):
    """One approved proposal on one participant's ballot of a site: at most once, by the unique constraint.

    A participant's ballot is all their choices on the site; changing it replaces them all at once.
    """

    __tablename__ = "ballot_choices"
    __table_args__ = (
        UniqueConstraint("participant_id", "proposal_id", name="uq_ballot_choices_participant_proposal"),
        Index("ix_ballot_choices_site", "site", "participant_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
