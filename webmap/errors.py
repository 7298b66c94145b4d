"""Errors of the web app's plumbing: assets that are not vendored, a page that could not be printed.

Like ``geo/errors.py`` and ``routes/errors.py``, these say what is wrong and name the culprit, in
English; ``webmap/http/errors.py`` is the one place that turns them into HTTP answers.
"""

from __future__ import annotations


class AssetError(RuntimeError):
    """A folium class loads an asset that is not vendored."""


class PrintUnavailable(RuntimeError):
    """A page could not be printed to PDF: Chromium (ECOMAP_CHROMIUM) is missing, failed or hung."""

    field = "pdf"
    status = 503
