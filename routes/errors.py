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
    """A route or loop that cannot be made, with the reason and the argument at fault."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field
