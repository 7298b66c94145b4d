"""A proposal's project board: an A3 landscape sheet with the plan to scale, the legend of parts, the bill
of materials, the rules' verdict, the author, the date and a QR code, printed to PDF by headless
Chromium from an HTML page.

The plan is an inline SVG drawn in millimetres of paper from the site's mask and the parts' footprints
in metres (the pack's metric CRS, grid north up), at the largest of a few round scales (1:100, 1:200,
1:250, 1:500, ...) at which it fits its frame; a scale bar and a north arrow go with it. Nothing is
fetched: no tiles, fonts or scripts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import segno
from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup, escape
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry

from geo.crs import in_metres
from geo.kit import Kit
from geo.layout import PlacedPart, Placement
from geo.sites import Site
from webmap.http import units
from webmap.printing import fitting_scale, north_arrow, scale_bar
from webmap.proposals.kit_texts import bill_for_people, size_text
from webmap.proposals.messages import plain_rule
from webmap.proposals.parts import DEFAULT_SEASON, judge, problem_details

MARGIN_MM = 8  # around the site inside the plan's frame
PART_COLOURS = ("#2e7d32", "#1565c0", "#6a1b9a", "#ef6c00", "#00838f", "#ad1457", "#4e342e", "#37474f")


@dataclass(frozen=True)
class Plan:
    """The plan as an SVG (width and height in millimetres of paper) and its scale, 1:``scale``."""

    svg: Markup
    scale: int


def plan(
    site: Site,
    placed: Sequence[PlacedPart],
    freehand: dict[str, Any] | None,
    pins: Sequence[tuple[str, float, float]],
    frame_mm: tuple[float, float],
    title: str,
) -> Plan:
    """The site with the parts numbered from 1 in the order of the draft, a freehand shape, the pins
    (letter, lon, lat), a scale bar and a north arrow, to scale in a frame of ``frame_mm``."""
    shapes: list[BaseGeometry] = [site.mask_metric, *(item.footprint for item in placed)]
    drawn = in_metres(shape(freehand), site.crs_metric) if freehand else None
    if drawn is not None:
        shapes.append(drawn)
    west = min(item.bounds[0] for item in shapes)
    south = min(item.bounds[1] for item in shapes)
    east = max(item.bounds[2] for item in shapes)
    north = max(item.bounds[3] for item in shapes)
    inner = (frame_mm[0] - 2 * MARGIN_MM, frame_mm[1] - 2 * MARGIN_MM - 14)  # 14 mm for the bar
    scale = fitting_scale(east - west, north - south, inner)
    mm = 1000 / scale
    width, height = (east - west) * mm + 2 * MARGIN_MM, (north - south) * mm + 2 * MARGIN_MM + 14

    def xy(x: float, y: float) -> tuple[float, float]:
        return MARGIN_MM + (x - west) * mm, MARGIN_MM + 14 + (north - y) * mm

    def path(geometry: BaseGeometry) -> str:
        polygons = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
        rings = []
        for polygon in polygons:
            if not isinstance(polygon, Polygon):
                continue
            for ring in (polygon.exterior, *polygon.interiors):
                points = " L".join("{:.2f},{:.2f}".format(*xy(x, y)) for x, y, *_ in ring.coords)
                rings.append(f"M{points}Z")
        return " ".join(rings)

    items = [
        f'<path d="{path(site.mask_metric)}" fill="#f1f8e9" stroke="#558b2f" stroke-width="0.5" '
        'stroke-dasharray="2 1" fill-rule="evenodd"/>'
    ]
    for zone in site.keep_clear:
        items.append(f'<path d="{path(zone.zone)}" fill="#ffcdd2" fill-opacity="0.6" stroke="none"/>')
    if drawn is not None:
        items.append(_freehand(drawn, xy, path))
    for number, item in enumerate(placed, start=1):
        colour = PART_COLOURS[(number - 1) % len(PART_COLOURS)]
        items.append(
            f'<path d="{path(item.footprint)}" fill="{colour}" fill-opacity="0.35" stroke="{colour}" '
            'stroke-width="0.4"/>'
        )
        x, y = xy(item.footprint.centroid.x, item.footprint.centroid.y)
        items.append(_label(x, y, str(number), "#ffffff", colour))
    for letter, lon, lat in pins:
        point = in_metres(Point(lon, lat), site.crs_metric).centroid
        x, y = xy(point.x, point.y)
        items.append(f'<path d="M{x:.2f},{y:.2f} l-2,-4 h4 z" fill="#c62828"/>')
        items.append(_label(x, y - 6, letter, "#c62828", "#ffffff"))
    items += scale_bar(scale, MARGIN_MM, height - 6) + north_arrow(width - MARGIN_MM - 4, MARGIN_MM)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="proposal-plan-svg" width="{width:.1f}mm" '
        f'height="{height:.1f}mm" viewBox="0 0 {width:.2f} {height:.2f}" role="img" '
        f'aria-label="{escape(title)}" font-family="sans-serif">{"".join(items)}</svg>'
    )
    return Plan(Markup(svg), scale)


def _freehand(drawn: BaseGeometry, xy, path) -> str:
    if isinstance(drawn, Point):
        x, y = xy(drawn.x, drawn.y)
        return f'<circle cx="{x:.2f}" cy="{y:.2f}" r="1.5" fill="#1565c0"/>'
    if isinstance(drawn, Polygon):
        return (
            f'<path d="{path(drawn)}" fill="#1565c0" fill-opacity="0.3" stroke="#1565c0" stroke-width="0.4"/>'
        )
    points = " L".join("{:.2f},{:.2f}".format(*xy(x, y)) for x, y, *_ in drawn.coords)
    return f'<path d="M{points}" fill="none" stroke="#1565c0" stroke-width="0.8"/>'


def _label(x: float, y: float, text: str, fill: str, ink: str) -> str:
    return (
        f'<circle cx="{x:.2f}" cy="{y:.2f}" r="2.6" fill="{ink}" stroke="{fill}" stroke-width="0.3"/>'
        f'<text x="{x:.2f}" y="{y + 1.2:.2f}" font-size="3.4" font-weight="bold" text-anchor="middle" '
        f'fill="{fill}">{escape(text)}</text>'
    )


def qr_svg(url: str) -> Markup:
    """A QR code of ``url`` as inline SVG, 1 mm modules."""
    return Markup(segno.make(url, error="m").svg_inline(scale=1, border=2, unit="mm"))


@dataclass(frozen=True)
class BoardFacts:
    """What a board says besides its plan: the parts numbered, the rules' verdict."""

    placed: tuple[PlacedPart, ...]
    verdict: tuple[str, ...]  # the rules broken, said plainly; empty: every rule is kept


def judge_stored(proposal: Any, site: Site, kit: Kit | None) -> BoardFacts:
    """The stored parts placed and judged again by the site's rules as they are now."""
    if not proposal.parts or kit is None:
        return BoardFacts((), ())
    placements = [Placement(**item) for item in proposal.parts]
    judgement = judge(site, kit, placements, proposal.season or DEFAULT_SEASON)
    verdict = tuple(
        plain_rule(**problem_details(problem, judgement.placed, site)) for problem in judgement.problems
    )
    return BoardFacts(judgement.placed, verdict)


def board_html(proposal: Any, site: Site, kit: Kit | None, when: dt.datetime, lang: str, qr_url: str) -> str:
    """The board as a self-contained HTML page (A3 landscape ``@page``) to print."""
    facts = judge_stored(proposal, site, kit)
    title = _("Plan of %(title)s on %(site)s", title=proposal.title, site=site.title[lang])
    drawing = plan(site, facts.placed, proposal.geometry if not facts.placed else None, (), (250, 240), title)
    legend = [
        {"number": number, "name": item.part.name[lang], "size": size_text(item.part)}
        for number, item in enumerate(facts.placed, start=1)
    ]
    return render_template(
        "proposal_board.html",
        proposal=proposal,
        site=site,
        plan=drawing,
        scale_text="1:" + units.number(drawing.scale),
        legend=legend,
        verdict=facts.verdict,
        bill=bill_for_people(proposal.bill, kit, lang),
        date_text=units.date(when.date()),
        qr=qr_svg(qr_url),
        qr_url=qr_url,
        lang=lang,
    )
