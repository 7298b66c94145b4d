"""Who may vote: class codes that moderators give out, and the participants who join with them.

A moderator creates a class with a name and a size and hands its random code to the class; a
student joins with the code and a nickname (unique in the class, by the database) and their
browser keeps a random participant token. Only SHA-256 digests of codes and tokens are stored.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webmap.proposals.errors import JoinRefused
from webmap.proposals.models import BallotChoice, ClassCode, Participant, Vote, utcnow
from webmap.proposals.text_rules import describe, refused_character

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to mix up
CODE_LENGTH = 8  # 32**8 = 1.1e12 codes, against at most RATE_LIMIT guesses per address
NAME_MAX = 80
NICKNAME_MAX = 40
SIZE_MAX = 1000


@dataclass(frozen=True)
class Member:
    """A participant as the teacher sees them: their nickname and how many votes they cast."""

    id: int
    nickname: str
    votes: int


@dataclass(frozen=True)
class ClassSummary:
    id: int
    name: str
    size: int
    joined: int
    created_by: str
    members: tuple[Member, ...] = ()


@dataclass(frozen=True)
class Removed:
    """A participant taken out of their class, with what went with them."""

    nickname: str
    class_name: str
    votes: int
    ballot_choices: int


def new_code() -> str:
    """A random class code such as ``K7QF-M3XP``.

    >>> code = new_code()
    >>> len(code), code[4], normalise_code(code.lower()) == code.replace("-", "")
    (9, '-', True)
    """
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{letters[:4]}-{letters[4:]}"


def normalise_code(code: str) -> str:
    """The code as typed, in capitals, without spaces or dashes (full-width letters folded).

    >>> normalise_code(" k7qf-m3xp ")
    'K7QFM3XP'
    """
    folded = unicodedata.normalize("NFKC", code).upper()
    return "".join(char for char in folded if char.isalnum())


def digest(secret: str) -> str:
    """Codes and tokens are kept as SHA-256 digests.

    >>> len(digest("abc"))
    64
    """
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def clean_nickname(nickname: str) -> str:
    """The nickname as shown: NFKC, inner whitespace collapsed; JoinRefused if empty, too long or odd.

    >>> clean_nickname("  Лиса   23 ")
    'Лиса 23'
    """
    # before split() would turn a U+2028 into a space
    char = refused_character(nickname, categories=("Cf", "Zl", "Zp"))
    if char is not None:
        raise JoinRefused("nickname-invalid", f"the nickname contains {describe(char)}", char)
    text = " ".join(unicodedata.normalize("NFKC", nickname).split())
    if not text:
        raise JoinRefused("nickname-invalid", "the nickname is empty")
    if len(text) > NICKNAME_MAX:
        raise JoinRefused("nickname-invalid", f"the nickname is over {NICKNAME_MAX} characters")
    char = next((char for char in text if unicodedata.category(char).startswith("C")), None)
    if char is not None:
        raise JoinRefused("nickname-invalid", f"the nickname contains {describe(char)}", char)
    return text


def nickname_key(nickname: str) -> str:
    """What two nicknames must not share in one class: the cleaned nickname, case-folded.

    >>> nickname_key("ЛИСА 23") == nickname_key("лиса 23")
    True
    """
    return clean_nickname(nickname).casefold()


def create_class(session: Session, name: str, size: int, created_by: str) -> tuple[ClassCode, str]:
    """A new class of at most ``size`` participants; returns it with its code (shown once)."""
    char = refused_character(name, categories=("Cf", "Zl", "Zp")) or refused_character(" ".join(name.split()))
    if char is not None:
        raise ValueError(f"the class name contains {describe(char)}")
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise ValueError(f"the class name must have 1 to {NAME_MAX} characters")
    if not 1 <= size <= SIZE_MAX:
        raise ValueError(f"the class size must be 1 to {SIZE_MAX}, got {size}")
    code = new_code()
    row = ClassCode(
        name=name,
        code_hash=digest(normalise_code(code)),
        size=size,
        created_by=created_by,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row, code


def list_classes(session: Session) -> list[ClassSummary]:
    """Every class with how many participants joined, newest first."""
    joined = (
        select(Participant.class_id, func.count().label("joined")).group_by(Participant.class_id).subquery()
    )
    query = (
        select(ClassCode, func.coalesce(joined.c.joined, 0))
        .outerjoin(joined, joined.c.class_id == ClassCode.id)
        .order_by(ClassCode.id.desc())
    )
    votes = select(Vote.participant_id, func.count().label("votes")).group_by(Vote.participant_id).subquery()
    members: dict[int, list[Member]] = {}
    rows = session.execute(
        select(Participant.class_id, Participant.id, Participant.nickname, func.coalesce(votes.c.votes, 0))
        .outerjoin(votes, votes.c.participant_id == Participant.id)
        .order_by(Participant.nickname_key)
    )
    for class_id, participant_id, nickname, count in rows:
        members.setdefault(class_id, []).append(Member(participant_id, nickname, count))
    return [
        ClassSummary(row.id, row.name, row.size, count, row.created_by, tuple(members.get(row.id, ())))
        for row, count in session.execute(query)
    ]


def remove_participant(session: Session, participant_id: int) -> Removed | None:
    """Take a participant out of their class with their votes and ballot choices; None if there is none.

    Their seat in the class is free again, and their browser's token no longer names anyone.
    """
    row = session.execute(
        select(Participant, ClassCode.name)
        .join(ClassCode, ClassCode.id == Participant.class_id)
        .where(Participant.id == participant_id)
        .with_for_update()
    ).first()
    if row is None:
        return None
    participant, class_name = row
    votes = session.execute(delete(Vote).where(Vote.participant_id == participant_id))
    choices = session.execute(delete(BallotChoice).where(BallotChoice.participant_id == participant_id))
    session.execute(delete(Participant).where(Participant.id == participant_id))
    assert isinstance(votes, CursorResult) and isinstance(choices, CursorResult), (
        "DELETE gives a CursorResult"
    )
    return Removed(participant.nickname, class_name, votes.rowcount, choices.rowcount)


def join_class(session: Session, code: str, nickname: str) -> tuple[Participant, str]:
    """A new participant of the class with ``code``; returns it with its browser token.

    JoinRefused when the code is unknown, the class is full or the nickname is taken in it; the
    class row is locked while it is counted, so concurrent joins cannot overfill it.
    """
    shown, key = clean_nickname(nickname), nickname_key(nickname)
    query = select(ClassCode).where(ClassCode.code_hash == digest(normalise_code(code))).with_for_update()
    group = session.scalars(query).first()
    if group is None:
        raise JoinRefused("code", "no class has this code")
    count = session.execute(select(func.count()).where(Participant.class_id == group.id)).scalar_one()
    if count >= group.size:
        raise JoinRefused("full", f"class {group.name!r} is full: {group.size} participants joined")
    token = secrets.token_urlsafe(24)
    participant = Participant(
        class_id=group.id, nickname=shown, nickname_key=key, token_hash=digest(token), created_at=utcnow()
    )
    try:
        with session.begin_nested():
            session.add(participant)
    except IntegrityError:
        raise JoinRefused("nickname", f"the nickname {shown!r} is taken in class {group.name!r}") from None
    return participant, token


def find_participant(session: Session, token: str | None) -> tuple[Participant, str] | None:
    """The participant whose browser token this is, with their class's name; None for none."""
    if not token:
        return None
    query = (
        select(Participant, ClassCode.name)
        .join(ClassCode, ClassCode.id == Participant.class_id)
        .where(Participant.token_hash == digest(token))
    )
    row = session.execute(query).first()
    return (row[0], row[1]) if row else None
