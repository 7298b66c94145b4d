"""Strict parsing of query arguments: ASCII digits only, so that ``²``, ``¹`` or ``٣`` are a 400, not a 500.

Python's ``str.isdigit()``, ``int()`` and ``float()`` accept other scripts' digits (``int("٣")`` is 3,
``"²".isdigit()`` is true but ``int("²")`` fails), underscores, spaces, ``nan`` and ``inf``; the
parsers here accept only what a URL of ours would carry, and raise ValueError otherwise, as ``float``
does, so that a caller's ``except ValueError`` turns both into its 400.
"""

from __future__ import annotations

import re
from typing import Any

from werkzeug.routing import IntegerConverter

WHOLE_DIGITS = 9  # at most, so that int() is cheap and fits
INTEGER_DIGITS, FRACTION_DIGITS = 12, 15  # of a decimal number, at most
WHOLE_NUMBER = re.compile(f"[0-9]{{1,{WHOLE_DIGITS}}}")
DECIMAL = re.compile(
    f"[+-]?(?:[0-9]{{1,{INTEGER_DIGITS}}}(?:\\.[0-9]{{0,{FRACTION_DIGITS}}})?|\\.[0-9]{{1,{FRACTION_DIGITS}}})"
)
CONTROL_CHARACTERS = r"\x00-\x1f\x7f-\x9f"  # C0, DEL and C1, as a regex character range
CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
LAT_RANGE, LON_RANGE = (-90, 90), (-180, 180)  # degrees
SURROGATE = re.compile(r"[\ud800-\udfff]")


def is_whole_number(text: str | None) -> bool:
    """Whether ``text`` is 1 to 9 ASCII digits (so ``int(text)`` is safe), unlike ``str.isdigit``.

    >>> [is_whole_number(text) for text in ("3000", "²", "٣", " 1", "1_0", "", "9" * 10)]
    [True, False, False, False, False, False, False]
    """
    return text is not None and WHOLE_NUMBER.fullmatch(text) is not None


def decimal(text: str) -> float:
    """``text`` as a decimal number of ASCII digits with an optional sign and point; ValueError otherwise.

    >>> decimal("-60.81"), decimal(".5"), decimal("7")
    (-60.81, 0.5, 7.0)
    >>> decimal("٣.5")
    Traceback (most recent call last):
    ...
    ValueError: not a decimal number of ASCII digits: '٣.5'
    """
    if not DECIMAL.fullmatch(text):
        raise ValueError(f"not a decimal number of ASCII digits: {text[:40]!r}")
    return float(text)


class AsciiIntegerConverter(IntegerConverter):
    """Werkzeug's ``<int:...>`` path converter with ASCII digits only: its ``\\d+`` also matches ``١``."""

    regex = r"[0-9]+"


def control_character(text: str) -> str | None:
    """The first control character (Unicode category Cc: C0, DEL, C1) in ``text``, as ``U+XXXX``.

    >>> control_character("a\\r\\nb"), control_character("Сысерть ²")
    ('U+000D', None)
    """
    found = CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def lone_surrogate(value: Any) -> tuple[str, str] | None:
    """The place (such as ``properties.title``) and code point of the first lone surrogate in parsed JSON.

    JSON can carry ``"\\ud800"``, which Python decodes to a string that no UTF-8 database or
    answer can hold; keys count too.

    >>> lone_surrogate({"properties": {"title": "ok", "author": "x\\ud800"}})
    ('properties.author', 'U+D800')
    >>> lone_surrogate({"a\\udfff": 1}), lone_surrogate([1, "fine"])
    (('a\\\\udfff', 'U+DFFF'), None)
    """
    stack: list[tuple[Any, str]] = [(value, "body")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            found = SURROGATE.search(item)
            if found:
                return where, f"U+{ord(found.group()):04X}"
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                place = _place(where, key.encode("utf-8", "backslashreplace").decode("utf-8"))
                stack += [(child, place), (key, place)]
        elif isinstance(item, list):
            stack += [(child, f"{where}[{index}]") for index, child in reversed(list(enumerate(item)))]
    return None


def _place(where: str, key: str) -> str:
    return key if where == "body" else f"{where}.{key}"
