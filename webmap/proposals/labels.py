"""Proposals' categories and statuses as people read them, in the request's language."""

from __future__ import annotations

from flask_babel import gettext as _


def category_labels() -> dict[str, str]:
    """The categories' names in the request's language, in display order."""
    return {
        "bench": _("Bench"),
        "planter": _("Planter or flowerbed"),
        "shade": _("Shade or canopy"),
        "art": _("Art object"),
        "play": _("Play element"),
        "lighting": _("Lighting"),
        "paving": _("Path or paving"),
        "sign": _("Sign"),
        "other": _("Other"),
    }


def status_labels() -> dict[str, str]:
    """The statuses' names in the request's language."""
    return {"pending": _("Pending"), "approved": _("Approved"), "rejected": _("Rejected")}
