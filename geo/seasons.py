"""Seasonal uses of a place: which use is in force on a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

MONTHS = range(1, 13)


def use_on(uses: Sequence[dict[str, Any]] | None, date: dt.date) -> dict[str, Any] | None:
    """Return the use whose months include ``date``'s month, or None between seasons.

    Months are listed explicitly, so a season that wraps the new year
    (December to March) needs no special case.

    >>> rink = {"id": "rink", "months": [12, 1, 2, 3]}
    >>> cinema = {"id": "cinema", "months": [6, 7, 8]}
    >>> use_on([rink, cinema], dt.date(2026, 1, 15))["id"]
    'rink'
    >>> use_on([rink, cinema], dt.date(2026, 5, 1)) is None
    True
    """
    for use in uses or ():
        if date.month in use.get("months", ()):
            return use
    return None


def check_uses(uses: Any) -> list[str]:
    """Return what is wrong with a feature's ``uses`` list (empty when it is fine).

    >>> check_uses([{"id": "rink", "name_ru": "Каток", "name_en": "Rink", "months": [13]}])
    ["uses[0] ('rink'): month 13 is not a month (1-12)"]
    """
    if not isinstance(uses, list) or not uses:
        return ["'uses' must be a non-empty list of uses"]
    messages: list[str] = []
    seen_months: dict[int, str] = {}
    for index, use in enumerate(uses):
        label = f"uses[{index}]"
        if not isinstance(use, dict):
            messages.append(f"{label} must be an object, got {use!r}")
            continue
        label = f"{label} ({use.get('id')!r})"
        for key in ("id", "name_ru", "name_en"):
            if not isinstance(use.get(key), str) or not use.get(key):
                messages.append(f"{label}: '{key}' is missing or not a text")
        unknown = sorted(set(use) - {"id", "name_ru", "name_en", "months"})
        if unknown:
            messages.append(f"{label}: unknown key(s) {', '.join(unknown)}")
        months = use.get("months")
        if not isinstance(months, list) or not months:
            messages.append(f"{label}: 'months' must be a non-empty list of months 1-12")
            continue
        for month in months:
            if not isinstance(month, int) or isinstance(month, bool) or month not in MONTHS:
                messages.append(f"{label}: month {month!r} is not a month (1-12)")
            elif month in seen_months:
                messages.append(f"{label}: month {month} already belongs to use {seen_months[month]!r}")
            else:
                seen_months[month] = str(use.get("id"))
    return messages
