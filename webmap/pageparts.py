"""Parts of the map pages made once per app and kept: layers' GeoJSON text, track lines, QR codes."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app

EXTENSION = "ecomap.page_parts"
T = TypeVar("T")


def page_part(key: Hashable, compute: Callable[[], T]) -> T:
    """The part for ``key``: ``compute()`` the first time, then the same object.

    For what depends only on the pack and the tracks (read once at start-up) and a few bounded
    choices, such as a layer's GeoJSON text in a language and month. Nothing is ever evicted, so
    a key must never hold free text from the request; callers must not change what they get.
    """
    parts: dict = current_app.extensions.setdefault(EXTENSION, {})
    try:
        return parts[key]
    except KeyError:
        part = parts[key] = compute()
        return part
