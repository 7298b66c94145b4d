"""What the loops API tells people in their language: where the start went, why a start or goal is refused."""

from __future__ import annotations

import math
import re
from typing import Any

from flask_babel import gettext as _

from routes import loops as loop_search
from routes.audiences import Audience
from routes.network import WalkingNetwork, rules_for
from webmap.http import units
from webmap.http.errors import ApiError
from webmap.http.i18n import select_language


def snap(
    network: WalkingNetwork, lon: float, lat: float, field: str, audience: Audience
) -> tuple[int, float]:
    """The node a walk from (lon, lat) starts at and its distance in metres; a 422 in words otherwise.

    The same rule as routes.loops.start_node (any part of the network, within 500 m of a
    way the audience can use), told in the reader's language.
    """
    rules = rules_for(audience)
    node, distance_m = network.nearest_node(lon, lat, rules)
    if distance_m <= loop_search.MAX_START_DISTANCE_M:
        return node, distance_m
    limit = units.length(loop_search.MAX_START_DISTANCE_M)
    near, near_m = network.nearest_node(lon, lat)
    if near_m > loop_search.MAX_START_DISTANCE_M:
        message = _(
            "This place is %(distance)s from the walking network; it must be within %(limit)s.",
            distance=units.length(near_m),
            limit=limit,
        )
        raise ApiError(422, message, field=field)
    who = audience.name.get(select_language(), audience.id)
    reasons = ", ".join(refusal_text(reason) for reason in network.refusals_near(near, rules))
    if math.isfinite(distance_m):
        message = _(
            "The nearest path that suits %(who)s is %(distance)s away (it must be within %(limit)s).",
            who=who,
            distance=units.length(distance_m),
            limit=limit,
        )
    else:
        message = _("No path of this town suits %(who)s.", who=who)
    if reasons:
        message += " " + _(
            "The nearest path, %(distance)s away, has %(reasons)s.",
            distance=units.length(near_m),
            reasons=reasons,
        )
    raise ApiError(422, message, field=field)


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


def no_loop(network: WalkingNetwork, start: int, steps: int, audience: Audience, prefer_green: bool) -> str:
    """Why no loop was found, in words: the start's part of the network is too short, or none fits."""
    arrays = network.arrays(rules_for(audience), prefer_green)
    held_m = float(arrays.part_m[arrays.part[network.index_of[start]]])
    goal = units.steps(steps)
    if held_m * 2 < steps * audience.step_length_m:
        return _(
            "The paths reachable from this start (%(held)s) cannot hold a loop of %(goal)s "
            "without walking most of them twice; choose fewer steps or another start.",
            held=units.length(held_m),
            goal=goal,
        )
    return _(
        "No loop of %(goal)s (±%(tolerance)s) from this start fits the paths for %(who)s; "
        "choose fewer steps or another start.",
        goal=goal,
        tolerance=units.percent(loop_search.TOLERANCE),
        who=audience.name.get(select_language(), audience.id),
    )


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
