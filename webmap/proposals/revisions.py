"""Feedback and revisions: moderators' comments on a pending proposal, the author's new versions, and
what changed between two versions.

Every version an author sends is kept (``proposal_versions``); the proposal row holds a copy of the
latest. Only a pending proposal takes comments and revisions; a revision stays on its site.

What changed (``changes``) matches the parts of two versions kind by kind, nearest pairs first: a
part of the same kind at the same place (within ``SAME_PLACE_M``) and turn is kept, a matched part
farther away is moved (by how many metres), a turned one is turned, and the parts left over are
added (new version) or removed (old one).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pyproj import Geod
from shapely.geometry import Point
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from geo.crs import in_metres
from geo.sites import Site
from webmap.proposals.errors import InvalidComment, NotPending
from webmap.proposals.models import Proposal, ProposalComment, ProposalVersion, utcnow
from webmap.proposals.text_rules import TEXT_AREA, describe, refused_character
from webmap.proposals.validation import Draft

SAME_PLACE_M = 0.05  # parts closer than this between versions did not move
COMMENT_MAX = 1000  # characters of a comment
TOKEN_PATTERN = "[A-Za-z0-9_-]{1,64}"  # a private token: secrets.token_urlsafe's alphabet
MAX_ID = 2**63 - 1  # the largest id a database integer holds; a larger one is no proposal
TEXTS = ("category", "title", "materials", "description", "author")
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Moved:
    part: str
    distance_m: float
    turned_deg: float


@dataclass(frozen=True)
class Changes:
    """What changed from one version to the next: parts added, moved and removed, texts, the cost."""

    added: tuple[str, ...]
    moved: tuple[Moved, ...]
    removed: tuple[str, ...]
    texts: tuple[str, ...]
    season: bool
    shape: bool
    cost_before_rub: float | None
    cost_after_rub: float | None

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def changes(old: dict[str, Any], new: dict[str, Any]) -> Changes:
    """What changed from version ``old`` to ``new`` (each a dict of a version's columns).

    >>> a = {"parts": [{"part": "bench", "lon": 60.0, "lat": 56.0, "rotation_deg": 0}], "bill": None}
    >>> b = {"parts": [{"part": "bench", "lon": 60.0001, "lat": 56.0, "rotation_deg": 0}], "bill": None}
    >>> moved = changes(a, b).moved[0]
    >>> moved.part, round(moved.distance_m, 1)
    ('bench', 6.2)
    """
    old_parts, new_parts = list(old.get("parts") or []), list(new.get("parts") or [])
    moved: list[Moved] = []
    added: list[str] = []
    removed: list[str] = []
    for kind in sorted({item["part"] for item in old_parts + new_parts}):
        before = [item for item in old_parts if item["part"] == kind]
        after = [item for item in new_parts if item["part"] == kind]
        pairs = sorted(
            (
                (_distance_m(one, other), i, j)
                for i, one in enumerate(before)
                for j, other in enumerate(after)
            ),
        )
        left, right = set(range(len(before))), set(range(len(after)))
        for distance, i, j in pairs:
            if i not in left or j not in right:
                continue
            left.discard(i)
            right.discard(j)
            turned = _turn(before[i], after[j])
            if distance > SAME_PLACE_M or turned:
                moved.append(Moved(kind, distance, turned))
        removed += [kind] * len(left)
        added += [kind] * len(right)
    texts = tuple(name for name in TEXTS if old.get(name) != new.get(name))
    return Changes(
        added=tuple(added),
        moved=tuple(moved),
        removed=tuple(removed),
        texts=texts,
        season=old.get("season") != new.get("season"),
        shape=not old_parts and not new_parts and old.get("geometry") != new.get("geometry"),
        cost_before_rub=_total(old),
        cost_after_rub=_total(new),
    )


def _distance_m(one: dict[str, Any], other: dict[str, Any]) -> float:
    return float(_GEOD.inv(one["lon"], one["lat"], other["lon"], other["lat"])[2])


def _turn(one: dict[str, Any], other: dict[str, Any]) -> float:
    """The smaller angle between two rotations, in degrees (0 to 180)."""
    delta = abs(float(other.get("rotation_deg") or 0) - float(one.get("rotation_deg") or 0)) % 360
    return min(delta, 360 - delta)


def _total(version: dict[str, Any]) -> float | None:
    bill = version.get("bill")
    return float(bill["total_rub"]) if bill else None


def columns(row: Proposal | ProposalVersion) -> dict[str, Any]:
    """A proposal's or a version's body columns, as ``changes`` compares them."""
    return {name: getattr(row, name) for name in (*TEXTS, "geometry", "parts", "season", "bill")}


def _body(draft: Draft) -> dict[str, Any]:
    return {
        "category": draft.category,
        "title": draft.title,
        "materials": draft.materials,
        "description": draft.description,
        "author": draft.author,
        "geometry": draft.geometry,
        "parts": [dataclasses.asdict(placement) for placement in draft.parts] or None,
        "season": draft.season,
        "bill": draft.bill,
    }


def add_version(session: Session, proposal: Proposal, draft: Draft, number: int) -> ProposalVersion:
    version = ProposalVersion(proposal_id=proposal.id, number=number, created_at=utcnow(), **_body(draft))
    session.add(version)
    session.flush()
    return version


def revise(session: Session, proposal: Proposal, draft: Draft) -> ProposalVersion:
    """Add ``draft`` as the pending ``proposal``'s next version and copy it to the proposal row.

    The proposal row is locked first (PostgreSQL; SQLite's write transaction holds the file), so
    two revisions sent at once get consecutive numbers; NotPending once it is decided.
    """
    session.refresh(proposal, with_for_update=True)
    if proposal.status != "pending":
        raise NotPending(proposal.id, proposal.status, "revised")
    latest = session.scalar(
        select(func.max(ProposalVersion.number)).where(ProposalVersion.proposal_id == proposal.id)
    )
    version = add_version(session, proposal, draft, (latest or 0) + 1)
    for name, value in _body(draft).items():
        setattr(proposal, name, value)
    proposal.min_lon, proposal.min_lat, proposal.max_lon, proposal.max_lat = draft.bounds
    session.flush()
    return version


def versions_of(session: Session, proposal_id: int) -> list[ProposalVersion]:
    """Every version of a proposal, the first one first."""
    query = select(ProposalVersion).where(ProposalVersion.proposal_id == proposal_id)
    return list(session.scalars(query.order_by(ProposalVersion.number)))


def latest_changes(session: Session, proposal_ids: Sequence[int]) -> dict[int, tuple[int, Changes]]:
    """For each of ``proposal_ids`` that was revised: its latest version's number and what changed."""
    if not proposal_ids:
        return {}
    query = select(ProposalVersion).where(ProposalVersion.proposal_id.in_(list(proposal_ids)))
    by_proposal: dict[int, list[ProposalVersion]] = {}
    for version in session.scalars(query.order_by(ProposalVersion.number)):
        by_proposal.setdefault(version.proposal_id, []).append(version)
    return {
        proposal_id: (versions[-1].number, changes(columns(versions[-2]), columns(versions[-1])))
        for proposal_id, versions in by_proposal.items()
        if len(versions) > 1
    }


def comments_of(session: Session, proposal_ids: Sequence[int]) -> dict[int, list[ProposalComment]]:
    """The comments of each of ``proposal_ids``, oldest first (an empty list for none)."""
    found: dict[int, list[ProposalComment]] = {proposal_id: [] for proposal_id in proposal_ids}
    if proposal_ids:
        query = select(ProposalComment).where(ProposalComment.proposal_id.in_(list(proposal_ids)))
        for comment in session.scalars(query.order_by(ProposalComment.id)):
            found[comment.proposal_id].append(comment)
    return found


def pinned(comments: Sequence[ProposalComment]) -> list[dict[str, Any]]:
    """The comments as a page lists them: the notes on the map lettered A, B, ... (``pin``), in order.

    >>> notes = [ProposalComment(lon=1.0, lat=2.0), ProposalComment(), ProposalComment(lon=0.0, lat=0.0)]
    >>> [note["pin"] for note in pinned(notes)]
    ['A', None, 'B']
    """
    listed, letters = [], iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for comment in comments:
        pin = next(letters, "·") if comment.lon is not None else None
        listed.append(
            {name: getattr(comment, name) for name in ("id", "version", "moderator", "text", "lon", "lat")}
            | {"pin": pin}
        )
    return listed


def check_comment(text: Any, lon: Any, lat: Any, site: Site | None) -> tuple[str, float | None, float | None]:
    """A comment's text (1 to COMMENT_MAX characters, no control characters but new lines) and its point
    (both ``lon`` and ``lat``, inside the site give or take its tolerance, or neither); InvalidComment.

    >>> check_comment("  Move it  ", None, None, None)
    ('Move it', None, None)
    """
    if not isinstance(text, str):
        raise InvalidComment("text", "'text' is missing; it must be a string", "empty")
    raw = unicodedata.normalize("NFC", text)
    text = raw.strip()
    char = refused_character(raw, categories=("Cf", "Zl", "Zp")) or refused_character(text, TEXT_AREA)
    if char is not None:
        raise InvalidComment("text", f"'text' contains {describe(char)}", "hidden", character=char)
    if not text:
        raise InvalidComment("text", "'text' must not be empty", "empty")
    if len(text) > COMMENT_MAX:
        raise InvalidComment(
            "text", f"'text' is {len(text)} characters long; the limit is {COMMENT_MAX}", "long"
        )
    if lon is None and lat is None:
        return text, None, None
    for name, value, low, high in (("lon", lon, -180, 180), ("lat", lat, -90, 90)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            message = f"{name!r} must be a number from {low} to {high} (with the other), got {value!r}"[:200]
            raise InvalidComment(name, message, "point")
    if site is not None:
        assert lon is not None and lat is not None, "checked above"
        point = in_metres(Point(lon, lat), site.crs_metric)
        if not site.mask_metric.covers(point):
            message = f"the point ({lon}, {lat}) is not on site {site.id!r}; pin notes on the site"
            raise InvalidComment("lon", message, "outside")
    return text, float(lon), float(lat)


def add_comment(
    session: Session, proposal: Proposal, moderator: str, text: str, lon: float | None, lat: float | None
) -> ProposalComment:
    """A moderator's comment on the latest version of a pending proposal; NotPending otherwise."""
    if proposal.status != "pending":
        raise NotPending(proposal.id, proposal.status, "commented on")
    latest = session.scalar(
        select(func.max(ProposalVersion.number)).where(ProposalVersion.proposal_id == proposal.id)
    )
    comment = ProposalComment(
        proposal_id=proposal.id,
        version=latest or 1,
        moderator=moderator,
        text=text,
        lon=lon,
        lat=lat,
        created_at=utcnow(),
    )
    session.add(comment)
    session.flush()
    return comment
