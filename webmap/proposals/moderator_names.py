"""Moderator names: one normal form (NFKC, case-folded, trimmed, spaces collapsed) and look-alike checks.

Two names are confusable when their skeletons match: every character replaced by one representative
of its class of look-alikes (Cyrillic ``о`` and Latin ``o``, ``1`` and ``l``), after Unicode TR39's
confusables data as the ``confusable_homoglyphs`` package carries it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

from confusable_homoglyphs.confusables import confusables_data

from webmap.proposals.errors import InvalidName

MAX_LENGTH = 80
SPACES = re.compile(r"\s+")
LEFT_TO_RIGHT_MARK = "\u200e"  # the data wraps right-to-left characters in it
REFUSED_CATEGORIES = {
    "Cc": "a control character",
    "Cf": "an invisible or text-direction character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
    "Cs": "a lone surrogate",
    "Co": "a private-use character",
    "Cn": "an unassigned code point",
}


def normalise_name(text: str) -> str:
    """The name as stored and compared: NFKC, case-folded, trimmed, inner spaces collapsed to one.

    >>> normalise_name("  Anna   Petrova "), normalise_name("ＡＮＮＡ"), normalise_name("Straße")
    ('anna petrova', 'anna', 'strasse')
    >>> try:
    ...     normalise_name("an\\u200bna")
    ... except InvalidName as error:
    ...     print(error)
    the name holds an invisible or text-direction character U+200B
    """
    for char in text:
        category = unicodedata.category(char)
        problem = REFUSED_CATEGORIES.get(category)
        if problem and not (category == "Cc" and char.isspace()):  # tabs and line breaks collapse to a space
            raise InvalidName(f"the name holds {problem} U+{ord(char):04X}")
    name = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    name = SPACES.sub(" ", name).strip()
    if not name:
        raise InvalidName("the name is empty")
    if len(name) > MAX_LENGTH:
        raise InvalidName(f"the name is {len(name)} characters long; the limit is {MAX_LENGTH}")
    return name


def skeleton(name: str) -> str:
    """``name`` with each character replaced by its look-alike class's representative.

    >>> skeleton("admin") == skeleton("аdmin") == skeleton("adrnin"), skeleton("olga") == skeleton("01ga")
    (True, True)
    >>> skeleton("anna") == skeleton("anya")
    False
    """
    representative, expansion = _representatives(), _expansions()
    text = "".join(expansion.get(char, char) for char in unicodedata.normalize("NFD", name))
    return "".join(representative.get(char, char) for char in text)


def confusable_with(name: str, existing: Iterable[str]) -> str | None:
    """The first of ``existing`` names that looks like ``name`` (the same one included), or None.

    >>> confusable_with("olga", ["anna", "оlga"])
    'оlga'
    """
    wanted = skeleton(name)
    for other in existing:
        try:
            other_skeleton = skeleton(normalise_name(other))
        except InvalidName:
            other_skeleton = skeleton(other)
        if other_skeleton == wanted:
            return other
    return None


@functools.cache
def _expansions() -> dict[str, str]:
    """Characters that look like two or more others: ``m`` like ``rn``, ``d`` like ``cl``."""
    expansions = {}
    for source, glyphs in confusables_data.items():
        targets = [glyph["c"].replace(LEFT_TO_RIGHT_MARK, "") for glyph in glyphs]
        if len(source) == 1 and len(targets) == 1 and len(targets[0]) > 1 and targets[0].isascii():
            expansions[source] = targets[0]
    return expansions


@functools.cache
def _representatives() -> dict[str, str]:
    """Each confusable character's class representative: classes joined over the data's pairs."""
    parent: dict[str, str] = {}

    def root(char: str) -> str:
        while parent.get(char, char) != char:
            char = parent[char]
        return char

    def join(one: str, other: str) -> None:
        first, second = sorted((root(one), root(other)))
        parent[second] = first

    for source, glyphs in confusables_data.items():
        source = source.replace(LEFT_TO_RIGHT_MARK, "")
        for glyph in glyphs:
            target = glyph["c"].replace(LEFT_TO_RIGHT_MARK, "")
            if len(source) == 1 and len(target) == 1:
                join(source, target)
    classes: dict[str, list[str]] = {}
    for char in list(parent):
        classes.setdefault(root(char), []).append(char)
    return {char: _representative(members) for members in classes.values() for char in members}


def _representative(members: list[str]) -> str:
    """A class's representative: a lower-case ASCII letter if it has one, else an upper-case ASCII
    letter case-folded (names are compared case-folded: "0" is like "O", so like "o"), else the first.

    >>> _representative(["0", "O", "\u041e"]), _representative(["1", "I", "l"]), _representative(["8", "৪"])
    ('o', 'l', '8')
    """
    letters = sorted(char for char in members if char.isascii() and char.isalpha())
    lower = [char for char in letters if char.islower()]
    return (lower or [letter.casefold() for letter in letters] or [min(members)])[0]
