"""Figures for people through Babel: Russian and English numbers, metric units, plural forms."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from webmap.http import units

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("count", "lang", "expected"),
    [
        (1, "ru", "1 шаг"),
        (3, "ru", "3 шага"),
        (5, "ru", "5 шагов"),
        (21, "ru", "21 шаг"),
        (3102, "ru", f"3{NBSP}102 шага"),
        (10000, "ru", f"10{NBSP}000 шагов"),
        (1, "en", "1 step"),
        (3102, "en", "3,102 steps"),
    ],
)
def test_steps_take_the_plural_form_of_their_number(app, count, lang, expected):
    with app.test_request_context(), force_locale(lang):
        assert units.steps(count) == expected


@pytest.mark.parametrize(
    ("length_m", "lang", "expected"),
    [
        (7426, "ru", f"7,4{NBSP}км"),
        (7426, "en", f"7.4{NBSP}km"),
        (242.0, "en", f"242{NBSP}m"),
        (999.6, "ru", f"1{NBSP}км"),
        (12000, "ru", f"12{NBSP}км"),
    ],
)
def test_lengths_are_metric_in_the_language(length_m, lang, expected):
    assert units.length(length_m, lang) == expected


def test_without_a_locale_the_requests_language_is_used(app):
    with app.test_request_context("/?lang=ru"):
        assert units.length(7426) == f"7,4{NBSP}км"
    with app.test_request_context("/?lang=en"):
        assert units.length(7426) == f"7.4{NBSP}km"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_track_pages_show_no_english_decimal_point_or_feet_in_russian(client, lang):
    html = client.get(f"/tracks/walk-10000-steps?lang={lang}").get_data(as_text=True)
    figures = " ".join(re.findall(r"<dd>(.*?)</dd>", html))
    if lang == "ru":
        assert "7,3\xa0км" in figures and "10\xa0151 шаг " in figures
        assert not re.search(r"\d\.\d", figures) and " m" not in figures and "steps" not in figures
    else:
        assert "7.3\xa0km" in figures and "10,151 steps" in figures
    assert "imperial: false" in html and " ft" not in html


def test_jinjas_own_filters_still_work_beside_ours(app):
    with app.test_request_context("/?lang=ru"):
        template = app.jinja_env.from_string(
            "{{ items | length }} {{ 7426 | distance }} {{ 242.0 | metres }}"
        )
        assert template.render(items=[1, 2, 3]) == f"3 7,4{NBSP}км 242{NBSP}м"


@pytest.mark.parametrize("share", [-0.0, -1e-16, -0.004])
@pytest.mark.parametrize(("lang", "zero"), [("en", "0%"), ("ru", f"0{NBSP}%")])
def test_a_share_that_rounds_to_nothing_has_no_minus_sign(share, lang, zero):
    # a loop card said "-0%" of its way walked twice
    assert units.percent(share, lang) == zero
