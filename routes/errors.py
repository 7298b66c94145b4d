"""Errors of the routes layer: tracks, GPX files and routes that cannot be used, each with its reason."""

from __future__ import annotations

from geo.errors import PackError


class TrackError(PackError):
    """Track definitions that cannot be used, with every problem found in them."""


class GpxImportError(ValueError):
    """A file that cannot become a track draft, with the reason."""


class PartChoiceError(GpxImportError):
    """A recording of several parts where no part, or one it does not have, was chosen; lists them."""


class RoutingError(ValueError):
    """A route or loop that cannot be made: the argument at fault, which rule refused it and its figures.

    ``reason`` is one of REASONS; ``figures`` hold what a message needs to say why in any language
    (distances in metres, the audience's id, the refusals of the nearest way, the goal in steps).

    >>> error = RoutingError("'start' is 812 m from the walking network", "start", "far", distance_m=812.0)
    >>> error.field, error.reason, error.figures, str(error)
    ('start', 'far', {'distance_m': 812.0}, "'start' is 812 m from the walking network")
    """

    REASONS = (
        "no_network",  # the pack has no walking network at all
        "far",  # the place is over the start limit from any way (distance_m, limit_m)
        "unsuitable",  # no way the audience can use near it (distance_m, near_m, limit_m, refusals, audience)
        "not_joined",  # no way the audience can use joins from and to (audience)
        "start_unusable",  # no way the audience can use leaves the start (steps, tolerance, audience)
        "too_small",  # the start's part of the network is too short for the goal (held_m, steps)
        "no_loop",  # no loop within the tolerance fits (steps, tolerance, audience)
    )

    def __init__(self, message: str, field: str | None, reason: str = "", **figures: object):
        super().__init__(message)
        self.field = field
        self.reason = reason
        self.figures = figures
