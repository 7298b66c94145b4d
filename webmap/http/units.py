"""Numbers, metric units, durations, dates and counts for people, in their language (Babel's CLDR data).

Every figure a person reads on a page, in a GPX text or in an API message goes through
these functions, so that Russian readers see ``7,4 км`` and ``3 102 шага`` and English
readers ``7.4 km`` and ``3,102 steps``. Metric only. ``locale`` is a language code such
as ``"ru"``; without it, the request's language (Flask-Babel). Nothing here needs a
request when ``locale`` is given, so callers outside a request (the CLI) pass it.
"""

from __future__ import annotations

import datetime as dt

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency as babel_format_currency
from babel.numbers import format_decimal as babel_format_decimal
from babel.numbers import format_percent as babel_format_percent
from babel.units import format_unit

KILOMETRE_FROM_M = 1000.0


def _locale(locale: str | Locale | None) -> Locale | str:
    if locale is not None:
        return locale
    from flask_babel import get_locale

    return get_locale() or "ru"


def number(value: float, locale: str | Locale | None = None, decimals: int = 0) -> str:
    """``value`` with up to ``decimals`` decimals, grouped as the language groups thousands.

    >>> number(3102, "ru"), number(3102, "en"), number(7.426, "ru", 1), number(242.0, "en", 1)
    ('3\\xa0102', '3,102', '7,4', '242')
    """
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return babel_format_decimal(round(value, decimals), format=pattern, locale=_locale(locale))


def _unit(value: float, unit: str, locale: str | Locale | None, decimals: int = 0) -> str:
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_unit(
        round(value, decimals), unit, length="short", format=pattern, locale=_locale(locale)
    ).replace(" ", "\xa0")


def metres(value_m: float, locale: str | Locale | None = None, decimals: int = 0) -> str:
    """A length or height in metres, whole by default.

    >>> metres(242.0, "en"), metres(242.0, "ru"), metres(0.5, "ru", 1)
    ('242\\xa0m', '242\\xa0м', '0,5\\xa0м')
    """
    return _unit(value_m, "length-meter", locale, decimals)


def length(length_m: float, locale: str | Locale | None = None) -> str:
    """A distance: whole metres under a kilometre, kilometres with one decimal from one.

    >>> length(7426, "ru"), length(7426, "en"), length(800, "ru"), length(12000, "en")
    ('7,4\\xa0км', '7.4\\xa0km', '800\\xa0м', '12\\xa0km')
    """
    if round(length_m) < KILOMETRE_FROM_M:
        return metres(length_m, locale)
    return _unit(length_m / KILOMETRE_FROM_M, "length-kilometer", locale, 1)


def area(area_m2: float, locale: str | Locale | None = None, decimals: int = 1) -> str:
    """An area in square metres.

    >>> area(1897.6, "ru"), area(1897.6, "en")
    ('1\\xa0897,6\\xa0м²', '1,897.6\\xa0m²')
    """
    return _unit(area_m2, "area-square-meter", locale, decimals)


def duration(duration_s: float, locale: str | Locale | None = None) -> str:
    """A duration in hours and minutes, rounded to the minute.

    >>> duration(3900, "ru"), duration(3900, "en"), duration(2700, "ru"), duration(7200, "en")
    ('1\\xa0ч 5\\xa0мин', '1\\xa0hr 5\\xa0min', '45\\xa0мин', '2\\xa0hr')
    """
    minutes = round(duration_s / 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(_unit(hours, "duration-hour", locale))
    if minutes or not hours:
        parts.append(_unit(minutes, "duration-minute", locale))
    return " ".join(parts)


def energy(energy_kcal: float, locale: str | Locale | None = None) -> str:
    """Energy in kilocalories.

    >>> energy(412.4, "ru"), energy(1412, "en")
    ('412\\xa0ккал', '1,412\\xa0kcal')
    """
    return _unit(energy_kcal, "energy-kilocalorie", locale)


def mass(mass_kg: float, locale: str | Locale | None = None) -> str:
    """A body mass in kilograms.

    >>> mass(70, "ru"), mass(72.5, "en")
    ('70\\xa0кг', '72.5\\xa0kg')
    """
    return _unit(mass_kg, "mass-kilogram", locale, 1)


def percent(share: float, locale: str | Locale | None = None, decimals: int = 0) -> str:
    """A share (0.42 for 42 %) as a percentage with up to ``decimals`` decimals.

    A share that rounds to nothing is 0, never "-0%" (a share summed to -1e-16, or -0.0).

    >>> percent(0.42, "ru"), percent(0.42, "en"), percent(0.0851, "ru", 1), percent(-1e-16, "en")
    ('42\\xa0%', '42%', '8,5\\xa0%', '0%')
    """
    value = round(share, decimals + 2) or 0.0  # -0.0 is falsy: it becomes 0.0
    return babel_format_percent(value, locale=_locale(locale), decimal_quantization=not decimals)


def date(day: dt.date, locale: str | Locale | None = None) -> str:
    """A date written out as the language writes it.

    >>> date(dt.date(2026, 12, 2), "ru"), date(dt.date(2026, 12, 2), "en")
    ('2 дек. 2026\\u202fг.', 'Dec 2, 2026')
    """
    return babel_format_date(day, format="medium", locale=_locale(locale))


def steps(count: int) -> str:
    """A number of steps, the word in the plural form the request's language gives the number
    (``1 шаг``, ``3 102 шага``, ``5 шагов``; needs an app context: the word is in our catalogue)."""
    from flask_babel import ngettext

    return ngettext("%(steps)s step", "%(steps)s steps", count, steps=number(count))


def roubles(value_rub: float, locale: str | Locale | None = None) -> str:
    """An amount in whole roubles.

    >>> roubles(12500, "ru"), roubles(12500.4, "en")
    ('12\xa0500\xa0₽', '12,500\xa0RUB')
    """
    text = babel_format_currency(
        round(value_rub), "RUB", format="#,##0\xa0¤", locale=_locale(locale), currency_digits=False
    )
    return text.replace(" ", "\xa0")


def hours(value_h: float, locale: str | Locale | None = None) -> str:
    """Hours of work, with up to one decimal.

    >>> hours(14, "ru"), hours(2.5, "en")
    ('14\xa0ч', '2.5\xa0hr')
    """
    return _unit(value_h, "duration-hour", locale, 1)


def quantity(value: float, unit: str, locale: str | Locale | None = None) -> str:
    """A quantity of material in its unit (pcs, set, m, m2, m3, kg, l), up to two decimals.

    Pieces and sets are counted in our own words (CLDR has no unit for them; needs an app context).

    >>> quantity(2.5, "m2", "ru"), quantity(0.25, "m3", "en"), quantity(12, "kg", "ru")
    ('2,5\xa0м²', '0.25\xa0m³', '12\xa0кг')
    """
    cldr = {"m": "length-meter", "m2": "area-square-meter", "m3": "volume-cubic-meter"}
    cldr.update(kg="mass-kilogram", l="volume-liter")
    if unit in cldr:
        return _unit(value, cldr[unit], locale, 2)
    from flask_babel import ngettext

    amount = number(value, locale, 2)
    plural = int(value) if float(value).is_integer() else 2  # a fraction takes the "few" form in Russian
    if unit == "set":
        return ngettext("%(amount)s set", "%(amount)s sets", plural, amount=amount)
    return ngettext("%(amount)s pc.", "%(amount)s pcs.", plural, amount=amount)


def init_app(app) -> None:
    """Offer the formatters to templates as filters: ``{{ profile.low_m | metres }}``,
    ``{{ length_m | distance }}``."""
    for formatter in (number, metres, duration, percent, steps, roubles, hours):
        app.add_template_filter(formatter)
    # Jinja's own ``length`` and ``date``-like names stay as they are
    app.add_template_filter(length, name="distance")
    app.add_template_filter(date, name="long_date")
