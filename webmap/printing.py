"""Paper: pages printed to PDF by headless Chromium (ECOMAP_CHROMIUM), and the round scales, scale
bars and north arrows of maps drawn to scale on them (the proposals' project board, a track's sign)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from markupsafe import escape

from webmap.errors import PrintUnavailable
from webmap.http import units

SCALES = (50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 15000, 20000, 25000, 30000, 50000)
BAR_LENGTHS_M = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000)
BAR_MM = 40  # the scale bar is the round length closest to this on paper
PDF_TIMEOUT_S = 60
DEFAULT_CHROMIUM = "/usr/bin/chromium"


def fitting_scale(width_m: float, height_m: float, frame_mm: tuple[float, float]) -> int:
    """The largest round scale (smallest denominator) at which ``width_m`` × ``height_m`` fits the frame.

    >>> fitting_scale(120, 80, (260, 230)), fitting_scale(12, 8, (260, 230))
    (500, 50)
    """
    for scale in SCALES:
        if width_m * 1000 / scale <= frame_mm[0] and height_m * 1000 / scale <= frame_mm[1]:
            return scale
    return SCALES[-1]


def bar_length_m(scale: int) -> int:
    """The round length whose bar on paper is closest to BAR_MM at 1:``scale``.

    >>> bar_length_m(500), bar_length_m(100)
    (20, 5)
    """
    return min(BAR_LENGTHS_M, key=lambda length: abs(length * 1000 / scale - BAR_MM))


def scale_bar(scale: int, x: float, y: float) -> list[str]:
    """SVG items (millimetres of paper) of a bar of a round length in two halves whose bottom left is
    (``x``, ``y``), its length in the reader's language, and 1:scale."""
    length = bar_length_m(scale)
    bar = length * 1000 / scale
    return [
        f'<rect x="{x}" y="{y - 2}" width="{bar / 2:.2f}" height="2" fill="#212121"/>',
        f'<rect x="{x + bar / 2:.2f}" y="{y - 2}" width="{bar / 2:.2f}" height="2" fill="#ffffff" '
        'stroke="#212121" stroke-width="0.3"/>',
        f'<text x="{x}" y="{y - 3}" font-size="3">0</text>',
        f'<text x="{x + bar:.2f}" y="{y - 3}" font-size="3" text-anchor="middle">'
        f"{escape(units.metres(length))}</text>",
        f'<text x="{x + bar + 6:.2f}" y="{y}" font-size="3.4">1:{escape(units.number(scale))}</text>',
    ]


def north_arrow(x: float, y: float) -> list[str]:
    """SVG items of a north arrow whose tip is at (``x``, ``y``), with its letter below."""
    north = _("N")  # the north arrow's letter
    return [
        f'<path d="M{x},{y} l-3,9 l3,-2 l3,2 z" fill="#212121"/>',
        f'<text x="{x}" y="{y + 14}" font-size="4" font-weight="bold" text-anchor="middle">'
        f"{escape(north)}</text>",
    ]


def chromium() -> str:
    """The Chromium that prints (ECOMAP_CHROMIUM)."""
    return current_app.config.get("CHROMIUM") or DEFAULT_CHROMIUM


def render_pdf(html: str, chromium: str, failure: type[Exception] = PrintUnavailable) -> bytes:
    """``html`` printed to PDF by headless Chromium (its ``@page`` sets the paper; its Content-Security-Policy
    lets no script run and nothing be fetched).

    The page is a file in a fresh folder, with a fresh profile, so printings in parallel do not meet;
    ``failure`` (the caller's error) when Chromium is missing, fails or takes over PDF_TIMEOUT_S.
    """
    with tempfile.TemporaryDirectory(prefix="ecomap-print-") as folder:
        page, pdf = Path(folder) / "page.html", Path(folder) / "page.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            chromium,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            f"--user-data-dir={Path(folder) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ]
        if os.geteuid() == 0:  # Chromium refuses to run as root inside its sandbox
            command.insert(1, "--no-sandbox")
        try:
            subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT_S, check=True)
            return pdf.read_bytes()
        except (OSError, subprocess.SubprocessError) as error:
            raise failure(f"the page could not be printed with {chromium!r}: {error}") from None
