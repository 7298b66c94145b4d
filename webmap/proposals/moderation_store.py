"""The moderation record: decisions undone (a proposal back in the queue), recent decisions, the log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from webmap.proposals.errors import NotDecided
from webmap.proposals.models import ModerationEvent, Proposal, utcnow

DECIDED = ("approved", "rejected")
RECENT_LIMIT = 10


def record(session: Session, proposal_id: int, action: str, moderator: str, reason: str | None = None):
    """Add one event to the log: ``action`` (approved, rejected, reopened) done by ``moderator`` now."""
    event = ModerationEvent(
        proposal_id=proposal_id, action=action, moderator=moderator, at=utcnow(), reason=reason
    )
    session.add(event)
    return event


def reopen(session: Session, proposal: Proposal, moderator: str) -> ModerationEvent:
    """Undo ``proposal``'s decision: pending again, its decision's who, when and reason cleared.

    The update is conditional on the row still being decided, so of two moderators undoing at once
    only the first counts; the other gets NotDecided. The event log keeps the decision and its undoing.
    """
    if proposal.status not in DECIDED:
        raise NotDecided(proposal.id)
    values = {"status": "pending", "reason": None, "moderated_at": None, "moderated_by": None}
    changed = session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.status.in_(DECIDED))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(changed, CursorResult), "an UPDATE without RETURNING gives a CursorResult"
    if changed.rowcount != 1:
        raise NotDecided(proposal.id)
    for name, value in values.items():
        setattr(proposal, name, value)
    return record(session, proposal.id, "reopened", moderator)


def recent_decisions(session: Session, sites: Iterable[str], limit: int = RECENT_LIMIT) -> list[Proposal]:
    """The proposals of ``sites`` decided most recently (approved or rejected), newest first."""
    query = (
        select(Proposal)
        .where(Proposal.status.in_(DECIDED), Proposal.site.in_(list(sites)))
        .order_by(Proposal.moderated_at.desc(), Proposal.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def last_reopened(session: Session, proposal_ids: Sequence[int]) -> dict[int, ModerationEvent]:
    """For each of ``proposal_ids`` that was sent back to the queue, the latest such event."""
    if not proposal_ids:
        return {}
    query = (
        select(ModerationEvent)
        .where(ModerationEvent.proposal_id.in_(list(proposal_ids)), ModerationEvent.action == "reopened")
        .order_by(ModerationEvent.at, ModerationEvent.id)
    )
    return {event.proposal_id: event for event in session.scalars(query)}


def history(session: Session, proposal_id: int) -> list[ModerationEvent]:
    """Every moderation event of one proposal, oldest first."""
    query = (
        select(ModerationEvent)
        .where(ModerationEvent.proposal_id == proposal_id)
        .order_by(ModerationEvent.at, ModerationEvent.id)
    )
    return list(session.scalars(query))
