"""Budget ballots (as Decidim's Budgets): on a site with a budget, each participant picks approved
proposals whose total cost fits the budget, and may change the pick until the ballot closes.

The funding rule (``fund``): rank the projects by supporters, most first; ties go to the cheaper
project, then to the earlier one (lower id). Walk down the ranking and fund each project whose cost
still fits what is left of the budget; a project that no longer fits is skipped and the walk goes on,
so a cheaper one further down may still be funded. A project without supporters is not funded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from webmap.proposals.errors import BallotRefused
from webmap.proposals.models import Ballot, BallotChoice, Proposal, utcnow

MAX_CHOICES = 200  # ids in one ballot: more than any site's approved projects


@dataclass(frozen=True)
class Project:
    """A project on a ballot: an approved proposal with a cost, and how many ballots hold it."""

    id: int
    title: str
    cost_rub: float
    supporters: int = 0


@dataclass(frozen=True)
class Ranked:
    project: Project
    rank: int
    funded: bool


def fund(projects: Sequence[Project], budget_rub: float) -> list[Ranked]:
    """The projects ranked by the funding rule (see the module), each funded or not.

    >>> a, b, c = Project(1, "a", 60, 3), Project(2, "b", 50, 3), Project(3, "c", 60, 2)
    >>> [(r.project.id, r.funded) for r in fund([a, b, c], 100)]
    [(2, True), (1, False), (3, False)]
    """
    ranking = sorted(projects, key=lambda project: (-project.supporters, project.cost_rub, project.id))
    left, ranked = budget_rub, []
    for rank, project in enumerate(ranking, start=1):
        funded = project.supporters > 0 and project.cost_rub <= left
        if funded:
            left -= project.cost_rub
        ranked.append(Ranked(project, rank, funded))
    return ranked


def projects_of(session: Session, site: str) -> list[Project]:
    """The site's approved proposals that have a cost (a bill), with their supporters, oldest first."""
    proposals = session.scalars(
        select(Proposal).where(Proposal.site == site, Proposal.status == "approved").order_by(Proposal.id)
    )
    counts = dict(
        session.execute(
            select(BallotChoice.proposal_id, func.count())
            .where(BallotChoice.site == site)
            .group_by(BallotChoice.proposal_id)
        ).all()
    )
    return [
        Project(proposal.id, proposal.title, float(proposal.bill["total_rub"]), counts.get(proposal.id, 0))
        for proposal in proposals
        if proposal.bill
    ]


def ballot_of(session: Session, site: str) -> Ballot | None:
    return session.get(Ballot, site)


def is_open(ballot: Ballot | None, now: dt.datetime | None = None) -> bool:
    """Whether participants may change their ballots now: a closing date is set and still ahead."""
    if ballot is None:
        return False
    closes = ballot.closes_at if ballot.closes_at.tzinfo else ballot.closes_at.replace(tzinfo=dt.UTC)
    return (now or utcnow()) < closes


def set_closing(session: Session, site: str, closes_at: dt.datetime, moderator: str) -> Ballot:
    """Open (or reopen, or close early) a site's ballot until ``closes_at``."""
    ballot = session.get(Ballot, site, with_for_update=True)
    if ballot is None:
        ballot = Ballot(site=site, closes_at=closes_at, set_by=moderator, set_at=utcnow())
        session.add(ballot)
    else:
        ballot.closes_at, ballot.set_by, ballot.set_at = closes_at, moderator, utcnow()
    session.flush()
    return ballot


def chosen(session: Session, site: str, participant_id: int) -> list[int]:
    """The proposals on a participant's ballot of a site."""
    query = select(BallotChoice.proposal_id).where(
        BallotChoice.site == site, BallotChoice.participant_id == participant_id
    )
    return sorted(session.scalars(query))


def check_choice(body: Any, projects: Sequence[Project], budget_rub: float) -> list[int]:
    """``{"proposals": [id, ...]}``: each an approved proposal of the site with a cost, once, their total
    within the budget; BallotRefused naming the culprit otherwise. An empty list empties the ballot.

    >>> check_choice({"proposals": [1]}, [Project(1, "a", 10)], 5)
    Traceback (most recent call last):
    ...
    webmap.proposals.errors.BallotRefused: the ballot costs 10 RUB, over the budget of 5 RUB by 5 RUB
    """
    ids = body.get("proposals") if isinstance(body, dict) else None
    if not isinstance(body, dict) or set(body) != {"proposals"} or not isinstance(ids, list):
        raise BallotRefused(
            "malformed", 'the body must be {"proposals": [ids of approved proposals]}', "body"
        )
    if len(ids) > MAX_CHOICES:
        raise BallotRefused("malformed", f"a ballot holds at most {MAX_CHOICES} proposals", "proposals")
    by_id = {project.id: project for project in projects}
    for index, value in enumerate(ids):
        field = f"proposals[{index}]"
        if isinstance(value, bool) or not isinstance(value, int) or value not in by_id:
            message = f"{str(value)[:40]!r} is not an approved proposal of this ballot's site with a cost"
            raise BallotRefused("not_on_ballot", message, field, proposal=str(value)[:40])
        if value in ids[:index]:
            raise BallotRefused(
                "duplicate", f"proposal {value} is on the ballot twice", field, proposal=value
            )
    total = sum(by_id[value].cost_rub for value in ids)
    if total > budget_rub:
        over = total - budget_rub
        raise BallotRefused(
            "over_budget",
            f"the ballot costs {total:.0f} RUB, over the budget of {budget_rub:.0f} RUB by {over:.0f} RUB",
            "proposals",
            total_rub=total,
            budget_rub=budget_rub,
            over_rub=over,
        )
    return list(ids)


def replace_choice(session: Session, site: str, participant_id: int, ids: Sequence[int]) -> None:
    """A participant's ballot of a site becomes ``ids``, all at once."""
    session.execute(
        delete(BallotChoice).where(BallotChoice.site == site, BallotChoice.participant_id == participant_id)
    )
    now = utcnow()
    session.add_all(
        BallotChoice(site=site, participant_id=participant_id, proposal_id=value, created_at=now)
        for value in ids
    )
    session.flush()


def ballots_cast(session: Session, site: str) -> int:
    """How many participants hold a ballot of the site with at least one project."""
    query = select(func.count(func.distinct(BallotChoice.participant_id))).where(BallotChoice.site == site)
    return int(session.scalar(query) or 0)
