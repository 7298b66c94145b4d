"""Characters no text field takes: controls, invisible format characters, line and paragraph separators.

Every text that people type (proposal texts, comments, nicknames, moderator names, class names,
reasons) is checked here, so that U+2028, a bidirectional override or a zero-width space cannot
hide in one. The joiners ZWNJ and ZWJ stay allowed: some scripts and emoji need them.
"""

from __future__ import annotations

import unicodedata

JOINERS = "\u200c\u200d"  # ZWNJ and ZWJ: format characters that scripts and emoji need
TEXT_AREA = "\n\r\t"  # what a text area may hold besides text: line breaks (CR LF from browsers), tabs
REFUSED = {
    "Cc": "a control character",
    "Cf": "an invisible or text-direction character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}


def refused_character(
    text: str, allowed: str = "", categories: tuple[str, ...] = tuple(REFUSED)
) -> str | None:
    """The first character of ``text`` in a refused category (other than the joiners and ``allowed``).

    >>> refused_character("line\\u2028break"), refused_character("a\\u200db")
    ('\\u2028', None)
    >>> refused_character("a\\nb", "\\n") is None
    True
    """
    for char in text:
        if char not in allowed and char not in JOINERS and unicodedata.category(char) in categories:
            return char
    return None


def code_point(char: str) -> str:
    """A character as its code point and name.

    >>> code_point("\\u2028")
    'U+2028 (LINE SEPARATOR)'
    """
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} ({name})" if name else f"U+{ord(char):04X}"


def describe(char: str) -> str:
    """What kind of refused character ``char`` is, and which.

    >>> describe("\\u202e")
    'an invisible or text-direction character U+202E (RIGHT-TO-LEFT OVERRIDE)'
    """
    kind = REFUSED.get(unicodedata.category(char), "a character that cannot be shown")
    return f"{kind} {code_point(char)}"
