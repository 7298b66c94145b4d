"""What the loops API tells people in their language: where the start went, why a route or loop is refused."""

from __future__ import annotations

import math
import re
from typing import Any

from flask_babel import gettext as _

from routes.errors import RoutingError
from routes.network import WalkingNetwork
from webmap.http import units
from webmap.http.i18n import select_language
from webmap.pack_access import get_catalog


def routing_status(error: RoutingError) -> int:
    """404 for a pack without a walking network; 422 for a route or loop that cannot be made."""
    return 404 if error.reason == "no_network" else 422


def routing_words(error: RoutingError) -> tuple[str, dict[str, Any]]:
    """Why a route or loop cannot be made, in the reader's language, from the error's reason and figures."""
    figures = error.figures
    say = _SAY.get(error.reason)
    return (say(figures) if say else str(error)), {}


def _who(figures: dict[str, Any]) -> str:
    audience_id = str(figures.get("audience", ""))
    audience = get_catalog().audiences.get(audience_id)
    return audience.name.get(select_language(), audience_id) if audience else audience_id


def _far(figures: dict[str, Any]) -> str:
    return _(
        "This place is %(distance)s from the walking network; it must be within %(limit)s.",
        distance=units.length(figures["distance_m"]),
        limit=units.length(figures["limit_m"]),
    )


def _unsuitable(figures: dict[str, Any]) -> str:
    if math.isfinite(figures["distance_m"]):
        message = _(
            "The nearest path that suits %(who)s is %(distance)s away (it must be within %(limit)s).",
            who=_who(figures),
            distance=units.length(figures["distance_m"]),
            limit=units.length(figures["limit_m"]),
        )
    else:
        message = _("No path of this town suits %(who)s.", who=_who(figures))
    if figures["refusals"]:
        message += " " + _(
            "The nearest path, %(distance)s away, has %(reasons)s.",
            distance=units.length(figures["near_m"]),
            reasons=", ".join(refusal_text(reason) for reason in figures["refusals"]),
        )
    return message


def _too_small(figures: dict[str, Any]) -> str:
    return _(
        "The paths reachable from this start (%(held)s) cannot hold a loop of %(goal)s "
        "without walking most of them twice; choose fewer steps or another start.",
        held=units.length(figures["held_m"]),
        goal=units.steps(figures["steps"]),
    )


def _no_loop(figures: dict[str, Any]) -> str:
    return _(
        "No loop of %(goal)s (±%(tolerance)s) from this start fits the paths for %(who)s; "
        "choose fewer steps or another start.",
        goal=units.steps(figures["steps"]),
        tolerance=units.percent(figures["tolerance"]),
        who=_who(figures),
    )


def _not_joined(figures: dict[str, Any]) -> str:
    return _("No path that suits %(who)s joins these two places.", who=_who(figures))


def _no_network(_figures: dict[str, Any]) -> str:
    return _("This town's data has no walking network (no layer of paths), so no route or loop can be made.")


_SAY = {
    "no_network": _no_network,
    "far": _far,
    "unsuitable": _unsuitable,
    "too_small": _too_small,
    "no_loop": _no_loop,
    "not_joined": _not_joined,
    "start_unusable": _no_loop,
}


REFUSALS = {
    "wheelchair=no": lambda: _("a wheelchair=no sign"),
    "steps": lambda: _("a flight of steps"),
    "a kerb": lambda: _("a kerb"),
    "an unknown surface": lambda: _("an unknown surface"),
}
# OpenStreetMap's surface=* and smoothness=* values that refuse a way, as people say them
SURFACES = {
    "dirt": lambda: _("dirt"),
    "earth": lambda: _("dirt"),
    "ground": lambda: _("bare ground"),
    "gravel": lambda: _("gravel"),
    "fine_gravel": lambda: _("fine gravel"),
    "compacted": lambda: _("compacted gravel"),
    "pebblestone": lambda: _("pebbles"),
    "grass": lambda: _("grass"),
    "sand": lambda: _("sand"),
    "mud": lambda: _("mud"),
    "unpaved": lambda: _("no paving"),
    "wood": lambda: _("wooden boards"),
    "rock": lambda: _("rock"),
    "cobblestone": lambda: _("cobblestones"),
    "unhewn_cobblestone": lambda: _("cobblestones"),
    "sett": lambda: _("setts"),
    "paving_stones": lambda: _("paving stones"),
    "concrete": lambda: _("concrete"),
    "asphalt": lambda: _("asphalt"),
}
SMOOTHNESS = {
    "bad": lambda: _("bad"),
    "very_bad": lambda: _("very bad"),
    "horrible": lambda: _("horrible"),
    "very_horrible": lambda: _("very horrible"),
    "impassable": lambda: _("impassable"),
}
GRADIENT = re.compile(r"^a gradient of ([\d.]+) %$")


def refusal_text(reason: str) -> str:
    """A reason of AudienceRules.refusal (routes/network.py) in the reader's language, else as it is."""
    if reason in REFUSALS:
        return REFUSALS[reason]()
    kind, _space, value = reason.partition(" ")
    if kind == "surface":
        return _("the surface %(value)s", value=SURFACES[value]() if value in SURFACES else value)
    if kind == "smoothness":
        return _("smoothness %(value)s", value=SMOOTHNESS[value]() if value in SMOOTHNESS else value)
    gradient = GRADIENT.match(reason)
    if gradient:
        return _("a gradient of %(value)s", value=units.percent(float(gradient.group(1)) / 100, decimals=1))
    return reason


def start_summary(network: WalkingNetwork, node: int, distance_m: float) -> dict[str, Any]:
    """Where the loops start (the snapped node) and how far it is from the place asked, in words."""
    data = network.graph.nodes[node]
    moved = round(distance_m) >= 1
    if moved:
        message = _("Start moved to the nearest path, %(distance)s away.", distance=units.length(distance_m))
    else:
        message = _("The start is on a path.")
    return {
        "lat": round(data["lat"], 7),
        "lon": round(data["lon"], 7),
        "distance_m": round(distance_m, 1),
        "moved": moved,
        "message": message,
    }
