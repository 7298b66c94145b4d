"""Moments shown to people: a date and time through Babel, in the request's language and time zone."""

from __future__ import annotations

import datetime as dt

from flask_babel import format_date, format_time, get_locale
from markupsafe import Markup


def as_utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` with a time zone: SQLite hands back naive datetimes, which are stored in UTC.

    >>> as_utc(dt.datetime(2026, 12, 2, 6, 51)).isoformat()
    '2026-12-02T06:51:00+00:00'
    """
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def format_moment(moment: dt.datetime) -> str:
    """The date (medium) and time (short) with the zone's name, joined as the language joins them,
    such as "2 дек. 2026 г., 06:51 UTC" or "Dec 2, 2026, 6:51 AM UTC"."""
    moment = as_utc(moment)
    pattern = get_locale().datetime_formats["medium"]
    time = f"{format_time(moment, 'short')} {format_time(moment, 'z')}"
    return str(pattern).format(time, format_date(moment, "medium"))


def moment_html(moment: dt.datetime | None) -> Markup:
    """A ``<time>`` element: the moment for people, its ISO 8601 form for machines; empty for None."""
    if moment is None:
        return Markup("")
    iso = as_utc(moment).isoformat(timespec="seconds")
    return Markup('<time datetime="{}">{}</time>').format(iso, format_moment(moment))
