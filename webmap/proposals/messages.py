"""A refused proposal's problems said plainly, in the request's language, for the student who drew it.

The checks in webmap/proposals/validation.py name each problem by a ``code`` and its figures;
here each becomes a short sentence a schoolchild understands, with numbers and units through
Babel (webmap/http/units.py). The API's ``error.problems`` carries them beside each ``field``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from webmap.http.i18n import select_language
from webmap.http.units import area, metres, number, roubles
from webmap.proposals.errors import BallotRefused, InvalidComment, InvalidProposal
from webmap.proposals.revisions import COMMENT_MAX


def problems(error: InvalidProposal) -> list[dict[str, str]]:
    """Every problem of ``error`` as ``{"field", "message"}``, the message plain and translated."""
    return [{"field": problem.field, "message": plain(problem)} for problem in error.problems]


def proposal_words(error: InvalidProposal) -> tuple[str, dict[str, Any]]:
    """A refused proposal's answer: its English message and, for a proposal that breaks rules (422),
    ``problems``: every problem's ``field`` and plain, translated ``message``."""
    return str(error), ({"problems": problems(error)} if error.status == 422 else {})


def plain(problem: InvalidProposal) -> str:
    """One problem as a sentence in the request's language."""
    say = _SAYINGS.get(problem.code, _malformed)
    return say(**problem.details)


def field_label(name: str) -> str:
    """The form's label of a text field, as the reader sees it."""
    labels = {
        "title": _("Title"),
        "materials": _("Materials"),
        "description": _("Description"),
        "author": _("Your nickname"),
    }
    return labels.get(name, name)


def _malformed(**_details: Any) -> str:
    return _("The proposal did not arrive as the form sends it. Reload the page and try again.")


def _empty(name: str) -> str:
    sayings = {
        "title": _("Give your proposal a title."),
        "materials": _("Write what it will be made of."),
        "description": _("Describe your idea in a few sentences."),
        "author": _("Write a nickname."),
    }
    return sayings[name]


def _too_long(name: str, length: int, limit: int) -> str:
    over = length - limit
    return ngettext(
        "“%(field)s” is %(count)s character too long: at most %(limit)s fit. Please shorten it.",
        "“%(field)s” is %(count)s characters too long: at most %(limit)s fit. Please shorten it.",
        over,
        field=field_label(name),
        count=number(over),
        limit=number(limit),
    )


def _hidden_character(name: str, character: str) -> str:
    return _(
        "“%(field)s” holds a hidden character (%(character)s), perhaps copied along with the text. "
        "Delete it or type the text again.",
        field=field_label(name),
        character=character,
    )


def _contact(**_details: Any) -> str:
    return _("This looks like an e-mail address or a phone number. Write a nickname only.")


def _unknown_site(**_details: Any) -> str:
    return _("This place no longer takes proposals. Go back to the list of places and choose one.")


def _unknown_category(**_details: Any) -> str:
    return _("Choose a category from the list.")


def _no_shape(**_details: Any) -> str:
    return _("Draw a point, a line or an area inside the outline first.")


def _too_many_points(count: int, limit: int) -> str:
    return ngettext(
        "The shape has %(count)s point, but at most %(limit)s fit. Draw it more simply.",
        "The shape has %(count)s points, but at most %(limit)s fit. Draw it more simply.",
        count,
        count=number(count),
        limit=number(limit),
    )


def _crossing(**_details: Any) -> str:
    return _("The shape's edges cross each other. Draw it again so that they do not cross.")


def _too_few_points(kind: str, count: int, minimum: int) -> str:
    if kind == "LineString":
        return ngettext(
            "The line has too few distinct points: %(count)s, but it needs at least %(minimum)s. "
            "Draw it again with points apart.",
            "The line has too few distinct points: %(count)s, but it needs at least %(minimum)s. "
            "Draw it again with points apart.",
            count,
            count=number(count),
            minimum=number(minimum),
        )
    return ngettext(
        "The area has too few distinct points: %(count)s, but it needs at least %(minimum)s. "
        "Draw it again with its corners apart.",
        "The area has too few distinct points: %(count)s, but it needs at least %(minimum)s. "
        "Draw it again with its corners apart.",
        count,
        count=number(count),
        minimum=number(minimum),
    )


def _flat(**_details: Any) -> str:
    return _("The area has no surface: all its points lie on one line. Draw it again with its corners apart.")


def _not_closed(**_details: Any) -> str:
    return _("The area's outline does not close: its last point must be its first. Draw it again.")


def _out_of_range(**_details: Any) -> str:
    return _("A point of the shape is off the map's coordinates. Draw it again inside the dashed outline.")


def _shape_invalid(**_details: Any) -> str:
    return _("The area's outline and holes do not fit together. Draw it again as one outline.")


def _outside(kind: str, site_title: dict[str, str], site: str = "", **reach: float) -> str:
    site = site_title.get(select_language()) or site
    if kind == "Polygon":
        return _(
            "The shape goes %(area)s beyond the boundary of “%(site)s”. "
            "Move it or draw it again inside the dashed outline.",
            area=area(_shown(reach["outside_m2"]), decimals=_decimals(reach["outside_m2"])),
            site=site,
        )
    if kind == "LineString":
        return _(
            "The line goes %(length)s beyond the boundary of “%(site)s”. "
            "Move it or draw it again inside the dashed outline.",
            length=metres(_shown(reach["outside_m"]), decimals=_decimals(reach["outside_m"])),
            site=site,
        )
    return _(
        "The point is %(distance)s outside “%(site)s”. Put it inside the dashed outline.",
        distance=metres(_shown(reach["distance_m"]), decimals=_decimals(reach["distance_m"])),
        site=site,
    )


def _shown(value: float) -> float:
    """A reach never reads as nothing: under 0.1 it is shown as 0.1."""
    return max(value, 0.1)


def _decimals(value: float) -> int:
    """Whole units from 10 up, one decimal below (``12 м²``, ``2,4 м``)."""
    return 0 if value >= 10 else 1


def _part(names: list[dict[str, str]], indices: tuple[int, ...], which: int = 0) -> str:
    """A part as the student sees it on the map: its name and its number there (from 1)."""
    name = names[which].get(select_language()) or names[which].get("en", "")
    return _("“%(part)s” (no. %(number)s)", part=name, number=number(indices[which] + 1))


def plain_rule(rule: str, indices: tuple[int, ...], names: list[dict[str, str]], **details: Any) -> str:
    """A broken layout rule (webmap/proposals/parts.py) as a sentence naming the parts by name and number."""
    say = _RULES.get(rule)
    return say(indices, names, **details) if say else _malformed()


def _rule_outside(indices, names, **_details: Any) -> str:
    return _(
        "%(part)s stands outside the site. Move it inside the dashed outline.", part=_part(names, indices)
    )


def _rule_overlap(indices, names, overlap_m2: float = 0.0, **_details: Any) -> str:
    return _(
        "%(first)s and %(second)s stand on each other (%(area)s). Move one of them.",
        first=_part(names, indices),
        second=_part(names, indices, 1),
        area=area(_shown(overlap_m2), decimals=_decimals(overlap_m2)),
    )


def _rule_clear_zone(indices, names, distance_m: float = 0.0, required_m: float = 0.0, **_d: Any) -> str:
    return _(
        "%(first)s and %(second)s are %(distance)s apart, but need %(required)s of free space "
        "around them to sit, pass or fall safely. Move them apart.",
        first=_part(names, indices),
        second=_part(names, indices, 1),
        distance=metres(distance_m, decimals=1),
        required=metres(required_m, decimals=1),
    )


def _rule_keep_clear(indices, names, keep_clear_name: dict[str, str] | None = None, **_d: Any) -> str:
    zone = (keep_clear_name or {}).get(select_language()) or ""
    return _(
        "%(part)s stands in “%(zone)s”, which must stay clear. Move it out of the red zone.",
        part=_part(names, indices),
        zone=zone,
    )


def _rule_route(indices, names, width_m: float = 0.0, required_m: float = 0.0, **_d: Any) -> str:
    if indices:
        return _(
            "The free way between the entrances narrows to %(width)s near %(part)s; it must stay at least "
            "%(required)s wide (a wheelchair needs 0.9 m). Move the parts apart.",
            width=metres(width_m, decimals=1),
            required=metres(required_m, decimals=1),
            part=_part(names, indices),
        )
    return _(
        "The free way between the entrances narrows to %(width)s; it must stay at least %(required)s wide "
        "(a wheelchair needs 0.9 m). Move the parts apart.",
        width=metres(width_m, decimals=1),
        required=metres(required_m, decimals=1),
    )


def _rule_budget(indices, names, total_rub: float = 0.0, budget_rub: float = 0.0, **_d: Any) -> str:
    return _(
        "The project costs %(total)s, but the site's budget is %(budget)s. Remove parts for %(over)s.",
        total=roubles(total_rub),
        budget=roubles(budget_rub),
        over=roubles(total_rub - budget_rub),
    )


def _rule_season(indices, names, **_details: Any) -> str:
    return _(
        "%(part)s is for summer only (it is removed before snow), but the project is for all year. "
        "Choose “summer only” or remove it.",
        part=_part(names, indices),
    )


_RULES: dict[str, Callable[..., str]] = {
    "outside": _rule_outside,
    "overlap": _rule_overlap,
    "clear-zone": _rule_clear_zone,
    "keep-clear": _rule_keep_clear,
    "route": _rule_route,
    "budget": _rule_budget,
    "season": _rule_season,
}


def _unknown_part(index: int, part: str = "", **_details: Any) -> str:
    return _(
        "Part no. %(number)s is not in this site's kit. Remove it and choose one from the palette.",
        number=number(index + 1),
    )


def _too_many_parts(count: int, limit: int) -> str:
    return _(
        "The plan has %(count)s parts, but at most %(limit)s fit. Remove some.",
        count=number(count),
        limit=number(limit),
    )


def _unknown_season(**_details: Any) -> str:
    return _("Choose the project's season from the list.")


def _other_site(site: str) -> str:
    return _("A new version stays on the site of the first one. Draw it on the same site.")


_SAYINGS: dict[str, Callable[..., str]] = {
    "other_site": _other_site,
    "rule": plain_rule,
    "unknown_part": _unknown_part,
    "too_many_parts": _too_many_parts,
    "unknown_season": _unknown_season,
    "malformed": _malformed,
    "empty": _empty,
    "too_long": _too_long,
    "hidden_character": _hidden_character,
    "contact": _contact,
    "unknown_site": _unknown_site,
    "unknown_category": _unknown_category,
    "no_shape": _no_shape,
    "too_many_points": _too_many_points,
    "crossing": _crossing,
    "too_few_points": _too_few_points,
    "flat": _flat,
    "not_closed": _not_closed,
    "out_of_range": _out_of_range,
    "shape_invalid": _shape_invalid,
    "outside": _outside,
}


def comment_words(error: InvalidComment) -> tuple[str, dict[str, Any]]:
    """A refused comment: its English message and, as ``problems``, its field with a plain message."""
    sayings = {
        "empty": _("Write the comment."),
        "long": _("The comment is too long: at most %(limit)s characters fit.", limit=number(COMMENT_MAX)),
        "hidden": _(
            "The comment holds a hidden character (%(character)s), perhaps copied along with the text. "
            "Delete it or type the text again.",
            character=f"U+{ord(error.character):04X}" if error.character else "?",
        ),
        "point": _("A note on the map needs both coordinates of its point."),
        "outside": _("Pin the note inside the site."),
    }
    message = sayings.get(error.code, str(error))
    return str(error), {"problems": [{"field": error.field, "message": message}]}


def ballot_message(error: BallotRefused) -> str:
    """Why a ballot was refused, for the participant, in the request's language."""
    details = error.details
    if error.reason == "over_budget":
        return _(
            "Your choice costs %(total)s, over the budget of %(budget)s by %(over)s. Take a project off.",
            total=roubles(details["total_rub"]),
            budget=roubles(details["budget_rub"]),
            over=roubles(details["over_rub"]),
        )
    sayings = {
        "no_ballot": _("This site has no budget ballot."),
        "not_open": _("The ballot is not open yet: a moderator sets when it closes."),
        "closed": _("The ballot is closed: choices can no longer be changed."),
        "not_participant": _("To fill in the ballot, join your class with the code your teacher gave you."),
        "duplicate": _("A project is chosen twice. Choose each one once."),
        "not_on_ballot": _("A chosen project is not on this ballot. Reload the page and choose again."),
    }
    return sayings.get(error.reason, _("The ballot did not arrive as the form sends it. Reload the page."))


def ballot_words(error: BallotRefused) -> tuple[str, dict[str, Any]]:
    """A refused ballot: its English message and, as ``problems``, its field with the plain message."""
    return str(error), {"problems": [{"field": error.field, "message": ballot_message(error)}]}
