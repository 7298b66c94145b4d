"""Errors of the proposals' rules: a refused proposal, a decision already taken or not taken, a refused
join, a moderator name that cannot be used.

Each names its culprit in English and knows its HTTP status (``status``); the feature registers them
with its words (``webmap/proposals/messages.py``) at start, and ``webmap/http/errors.py`` answers them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from webmap.proposals.models import Proposal


class InvalidProposal(ValueError):
    """A proposal that cannot be stored: ``field`` names the culprit, the message its problem.

    ``code`` (such as ``"empty"`` or ``"outside"``) and ``details`` (the figures) say what is
    wrong for a plain message; ``problems`` holds every problem found, this one first.
    """

    def __init__(self, field: str, message: str, status: int = 422, code: str = "malformed", **details: Any):
        super().__init__(message)
        self.field = field
        self.status = status
        self.code = code
        self.details = details
        self.problems: tuple[InvalidProposal, ...] = (self,)

    @classmethod
    def every(cls, problems: list[InvalidProposal]) -> InvalidProposal:
        """One error for all of ``problems``: the first one's field, message and status, and all of them.

        >>> error = InvalidProposal.every([InvalidProposal("a", "one"), InvalidProposal("b", "two")])
        >>> error.field, str(error), [problem.field for problem in error.problems]
        ('a', 'one', ['a', 'b'])
        """
        first = problems[0]
        error = cls(first.field, str(first), first.status, first.code, **first.details)
        error.problems = tuple(problems)
        return error


class AlreadyDecided(ValueError):
    """Only a pending proposal can be approved or rejected; this one was decided before."""

    field = "status"
    status = 409

    def __init__(self, proposal: Proposal):
        # copied out: the proposal is expired once the transaction rolls back
        self.id, self.decision = proposal.id, proposal.status
        self.moderated_by = proposal.moderated_by or "someone"
        moment = proposal.moderated_at
        when = moment.isoformat(timespec="seconds") if moment else "earlier"
        super().__init__(
            f"proposal {self.id} is already {self.decision} (by {self.moderated_by}, "
            f"{when}); only pending proposals can be approved or rejected"
        )


class NotDecided(ValueError):
    """Only an approved or rejected proposal can go back to the queue; this one is pending."""

    field = "status"
    status = 409

    def __init__(self, proposal_id: int):
        self.id = proposal_id
        super().__init__(
            f"proposal {proposal_id} is pending: there is no decision to undo; "
            "only approved or rejected proposals can go back to the queue"
        )


class JoinRefused(ValueError):
    """A join that cannot be done; ``reason`` is "code", "full", "nickname" (taken) or "nickname-invalid"."""

    def __init__(self, reason: str, message: str, character: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.character = character  # the refused character of a "nickname-invalid" nickname, if that is why

    @property
    def status(self) -> int:
        """409 for a full class or a nickname taken, 400 for a bad code or nickname."""
        return 409 if self.reason in ("full", "nickname") else 400


class InvalidName(ValueError):
    """A moderator name that cannot be used: empty, too long, or with an invisible character."""


class NotPending(ValueError):
    """Only a pending proposal takes comments and revisions; this one was approved or rejected."""

    field = "status"
    status = 409

    def __init__(self, proposal_id: int, decision: str, what: str):
        self.id, self.decision = proposal_id, decision
        super().__init__(
            f"proposal {proposal_id} is {decision}: only a pending proposal can be {what}; "
            "a moderator can return it to the queue first"
        )


class InvalidComment(ValueError):
    """A moderator's comment that cannot be stored: ``field`` (text, lon, lat) names the culprit.

    ``code`` says what is wrong: empty, long, hidden (an invisible character), point, outside.
    """

    status = 422

    def __init__(self, field: str, message: str, code: str, character: str | None = None):
        super().__init__(message)
        self.field = field
        self.code = code
        self.character = character  # the refused character of a "hidden" text


class BoardUnavailable(RuntimeError):
    """The project board could not be printed: Chromium (ECOMAP_CHROMIUM) is missing, failed or hung."""

    field = "board"
    status = 503


class BallotRefused(ValueError):
    """A ballot that cannot be stored or read; nothing is stored.

    ``reason`` is "no_ballot" (the site has no budget, 404), "not_open" (no closing date set yet, 409),
    "closed" (409), "not_participant" (403), "malformed" (422: not a list of ids), "duplicate",
    "not_on_ballot" (not an approved proposal of the site with a cost) or "over_budget" (422);
    ``field`` names the culprit and ``details`` hold the figures for a plain message.
    """

    STATUSES: ClassVar[dict[str, int]] = {
        "no_ballot": 404,
        "not_open": 409,
        "closed": 409,
        "not_participant": 403,
    }

    def __init__(self, reason: str, message: str, field: str, **details: Any):
        super().__init__(message)
        self.reason = reason
        self.field = field
        self.details = details

    @property
    def status(self) -> int:
        return self.STATUSES.get(self.reason, 422)
