"""The database tables of proposals, their votes and the moderators, as SQLAlchemy 2 models."""

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


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass


class Proposal(Base):
    """A student's proposal: a shape on a site with texts, waiting for, or past, moderation."""

    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="ck_proposals_status"),
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
    min_lon: Mapped[float] = mapped_column(Double)
    min_lat: Mapped[float] = mapped_column(Double)
    max_lon: Mapped[float] = mapped_column(Double)
    max_lat: Mapped[float] = mapped_column(Double)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    moderated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    moderated_by: Mapped[str | None] = mapped_column(String(80))


class Vote(Base):
    """One browser's vote for one proposal (the browser is known by a hashed cookie token)."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("proposal_id", "voter", name="uq_votes_proposal_voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    voter: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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
