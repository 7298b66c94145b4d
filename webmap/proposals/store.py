"""Store and query proposals, participants' votes and moderators: functions over a SQLAlchemy session."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from shapely.geometry import shape
from sqlalchemy import ColumnElement, CursorResult, Select, SQLColumnExpression, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from webmap.proposals.errors import AlreadyDecided
from webmap.proposals.models import Moderator, Proposal, ProposalVersion, Vote, utcnow
from webmap.proposals.moderation_store import record
from webmap.proposals.validation import Draft

BBox = tuple[float, float, float, float]
PUBLIC_FIELDS = ("site", "category", "title", "materials", "description", "author", "status")
BILL_FIELDS = ("parts", "total_rub", "labour_h", "durability")  # a bill's summary in the CSV
CSV_FIELDS = ("id", *PUBLIC_FIELDS, "votes", "created_at", *BILL_FIELDS, "lon", "lat", "geometry")
VERSION_FIELDS = (
    "category",
    "title",
    "materials",
    "description",
    "author",
    "geometry",
    "parts",
    "season",
    "bill",
)
FORMULA_STARTS = frozenset("=+-@\t\r\u2212")  # a cell starting so is a formula to a spreadsheet
BOM = "\ufeff"  # tells Excel the CSV is UTF-8; without it Excel reads Cyrillic in the local code page
DUMMY_HASH = generate_password_hash("not a password")  # checked for unknown names: as slow as a real one
_BBOX_SQL = {
    "sqlite": "proposals.id IN (SELECT id FROM proposals_rtree WHERE min_lon <= :east AND max_lon >= :west "
    "AND min_lat <= :north AND max_lat >= :south)",
    "postgresql": "box(point(proposals.min_lon, proposals.min_lat), "
    "point(proposals.max_lon, proposals.max_lat)) && box(point(:west, :south), point(:east, :north))",
}


@dataclass(frozen=True)
class Filters:
    """Which proposals to list: statuses, and optionally sites, a category and a bounding box."""

    statuses: tuple[str, ...] = ("approved",)
    sites: tuple[str, ...] | None = None
    category: str | None = None
    bbox: BBox | None = None


def add_proposal(session: Session, draft: Draft) -> Proposal:
    """Store a checked draft as a pending proposal with a fresh private token, and as its version 1."""
    west, south, east, north = draft.bounds
    proposal = Proposal(
        token=secrets.token_urlsafe(24),
        site=draft.site,
        category=draft.category,
        title=draft.title,
        materials=draft.materials,
        description=draft.description,
        author=draft.author,
        geometry=draft.geometry,
        parts=[dataclasses.asdict(placement) for placement in draft.parts] or None,
        season=draft.season,
        bill=draft.bill,
        min_lon=west,
        min_lat=south,
        max_lon=east,
        max_lat=north,
        status="pending",
        created_at=utcnow(),
    )
    session.add(proposal)
    session.flush()
    session.add(
        ProposalVersion(
            proposal_id=proposal.id,
            number=1,
            created_at=proposal.created_at,
            **{name: getattr(proposal, name) for name in VERSION_FIELDS},
        )
    )
    session.flush()
    return proposal


def find_proposals(session: Session, filters: Filters) -> list[Proposal]:
    """The proposals matching ``filters``, oldest first."""
    return list(session.scalars(_select(session, filters).order_by(Proposal.id)))


def _select(session: Session, filters: Filters) -> Select:
    dialect = session.get_bind().dialect.name
    status: SQLColumnExpression[str] = Proposal.status
    if filters.bbox and dialect == "sqlite":
        status = Proposal.status.concat("")  # no status index here: let the R*Tree drive the query
    query = select(Proposal).where(status.in_(filters.statuses))
    if filters.sites is not None:
        query = query.where(Proposal.site.in_(filters.sites))
    if filters.category:
        query = query.where(Proposal.category == filters.category)
    if filters.bbox:
        west, south, east, north = filters.bbox
        exact: tuple[ColumnElement[bool], ...] = (Proposal.min_lon <= east, Proposal.max_lon >= west)
        exact += (Proposal.min_lat <= north, Proposal.max_lat >= south)
        query = query.where(*exact)
        indexed = _BBOX_SQL.get(dialect)
        if indexed:
            query = query.where(text(indexed).bindparams(west=west, south=south, east=east, north=north))
    return query


def get_proposal(session: Session, proposal_id: int) -> Proposal | None:
    return session.get(Proposal, proposal_id)


def get_by_token(session: Session, token: str) -> Proposal | None:
    return session.scalars(select(Proposal).where(Proposal.token == token)).first()


def decide(
    session: Session, proposal: Proposal, status: str, moderator: str, reason: str | None = None
) -> None:
    """Approve or reject a pending ``proposal`` (a reason is kept for rejections); AlreadyDecided otherwise.

    The update is conditional on the row still being pending, so of two moderators deciding at
    once only the first decision counts.
    """
    if proposal.status != "pending":
        raise AlreadyDecided(proposal)
    values: dict[str, Any] = {
        "status": status,
        "reason": reason if status == "rejected" else None,
        "moderated_at": utcnow(),
        "moderated_by": moderator,
    }
    changed = session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.status == "pending")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(changed, CursorResult), "an UPDATE without RETURNING gives a CursorResult"
    if changed.rowcount != 1:
        session.refresh(proposal)
        raise AlreadyDecided(proposal)
    for name, value in values.items():
        setattr(proposal, name, value)
    record(session, proposal.id, status, moderator, values["reason"])


def add_vote(session: Session, proposal_id: int, participant_id: int) -> bool:
    """Count a participant's vote once; False when they already voted for this proposal.

    The database's unique constraint decides, so two votes sent at once still make one row.
    """
    try:
        with session.begin_nested():
            session.add(Vote(proposal_id=proposal_id, participant_id=participant_id, created_at=utcnow()))
    except IntegrityError:
        return False
    return True


def vote_counts(session: Session, proposal_ids: Iterable[int]) -> dict[int, int]:
    """The number of participants' votes of each proposal (0 for none)."""
    ids = list(proposal_ids)
    counts = dict.fromkeys(ids, 0)
    if ids:
        query = (
            select(Vote.proposal_id, func.count()).where(Vote.proposal_id.in_(ids)).group_by(Vote.proposal_id)
        )
        counts.update({proposal_id: count for proposal_id, count in session.execute(query)})
    return counts


def voted_for(session: Session, participant_id: int | None, proposal_ids: Iterable[int]) -> set[int]:
    """The proposals among ``proposal_ids`` this participant voted for."""
    ids = list(proposal_ids)
    if participant_id is None or not ids:
        return set()
    query = select(Vote.proposal_id).where(Vote.participant_id == participant_id, Vote.proposal_id.in_(ids))
    return set(session.scalars(query))


def to_feature(proposal: Proposal, votes: int = 0, moderation: bool = False) -> dict[str, Any]:
    """A proposal as a GeoJSON Feature; ``moderation`` adds the decision's details."""
    properties: dict[str, Any] = {name: getattr(proposal, name) for name in PUBLIC_FIELDS}
    properties.update(votes=votes, created_at=_iso(proposal.created_at))
    properties.update(parts=proposal.parts or [], season=proposal.season, bill=proposal.bill)
    if moderation:
        properties.update(
            reason=proposal.reason,
            moderated_by=proposal.moderated_by,
            moderated_at=_iso(proposal.moderated_at),
        )
    return {"type": "Feature", "id": proposal.id, "properties": properties, "geometry": proposal.geometry}


def to_collection(features: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def to_csv(features: Sequence[dict[str, Any]]) -> str:
    """Features as CSV with a representative point; cells that a spreadsheet would run as formulas are quoted.

    The text starts with a byte order mark, so Excel opens it as UTF-8.

    >>> to_csv([]).strip().split(",")
    ['\\ufeffid', 'site', 'category', 'title', 'materials', 'description', 'author', 'status', 'votes', \
'created_at', 'parts', 'total_rub', 'labour_h', 'durability', 'lon', 'lat', 'geometry']
    """
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for feature in features:
        point = shape(feature["geometry"]).representative_point()
        properties = feature["properties"]
        row = [feature["id"], *(properties[name] for name in (*PUBLIC_FIELDS, "votes", "created_at"))]
        row += _bill_cells(properties)
        row += [round(point.x, 7), round(point.y, 7), json.dumps(feature["geometry"])]
        writer.writerow([spreadsheet_safe(value) for value in row])
    return buffer.getvalue()


def _bill_cells(properties: dict[str, Any]) -> list[Any]:
    """How many parts, the total in roubles, the labour hours and the durability; empty without parts.

    >>> _bill_cells({"parts": [], "bill": None})
    ['', '', '', '']
    """
    bill = properties.get("bill")
    if not bill:
        return ["", "", "", ""]
    return [len(properties["parts"]), bill["total_rub"], bill["labour_h"], bill["durability"]]


def spreadsheet_safe(value: Any) -> Any:
    """Prefix text that a spreadsheet would read as a formula with an apostrophe (OWASP CSV injection).

    A cell is quoted when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, or
    with a character that folds to one of them (NFKC: the full-width ``＝＋－＠``, the small ``﹦``),
    or with the minus sign U+2212, which some spreadsheets read as a minus too.

    >>> spreadsheet_safe("=HYPERLINK(1)"), spreadsheet_safe("＝1+1"), spreadsheet_safe("－2")
    ("'=HYPERLINK(1)", "'＝1+1", "'－2")
    >>> spreadsheet_safe("bench"), spreadsheet_safe(-2)
    ('bench', -2)
    """
    if isinstance(value, str) and value and unicodedata.normalize("NFKC", value[0])[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def _iso(moment) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def create_moderator(session: Session, username: str, password: str, sites: Sequence[str] = ()) -> Moderator:
    """Add a moderator with a hashed password, for ``sites`` (empty: every site)."""
    moderator = Moderator(
        username=username,
        password_hash=generate_password_hash(password),
        sites=" ".join(sites),
        created_at=utcnow(),
    )
    session.add(moderator)
    session.flush()
    return moderator


def find_moderator(session: Session, username: str) -> Moderator | None:
    return session.scalars(select(Moderator).where(Moderator.username == username)).first()


def authenticate(session: Session, username: str, password: str) -> Moderator | None:
    """The moderator whose password this is, or None (taking as long either way)."""
    moderator = find_moderator(session, username)
    if moderator is None:
        check_password_hash(DUMMY_HASH, password)
        return None
    return moderator if check_password_hash(moderator.password_hash, password) else None
