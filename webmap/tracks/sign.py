"""A track's trailhead sign: an A4 portrait sheet with the track's name, its map drawn to scale, the
figures for its first audience, the stops and a large QR code of its page, self-contained (no script,
font or tile fetched) so that a browser prints it and headless Chromium makes its PDF alike.

The map is an inline SVG in millimetres of paper from the track's line in the pack's metric CRS (grid
north up), at the largest round scale at which it fits its frame, with a scale bar and a north arrow.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from geo.crs import to_metric
from routes.catalog import Catalog
from routes.tracks import Track
from webmap.printing import fitting_scale, north_arrow, scale_bar

MAP_MM = (186.0, 108.0)  # the map's frame on the sheet
MARGIN_MM = 6.0
BAR_SPACE_MM = 12.0  # under the line, for the scale bar
STOP_COLOURS = {
    "start": "#2e7d32",
    "finish": "#b71c1c",
    "bench": "#6d4c41",
    "tea": "#b34700",
    "view": "#00707a",
    "info": "#5e35b1",
}


def route_svg(catalog: Catalog, track: Track, crs_metric: str, title: str) -> tuple[Markup, int]:
    """The track's line and its numbered stops to scale in MAP_MM, and the scale's denominator."""
    project = to_metric(crs_metric)
    xs, ys = project.transform(track.lons, track.lats)
    positions = catalog.measures[track.id].stop_positions_m
    stops = sorted(track.stops, key=lambda stop: positions[stop.id])
    stop_xy = [project.transform(stop.lon, stop.lat) for stop in stops]
    west, east = min(min(xs), *(x for x, _ in stop_xy)), max(max(xs), *(x for x, _ in stop_xy))
    south, north = min(min(ys), *(y for _, y in stop_xy)), max(max(ys), *(y for _, y in stop_xy))
    inner = (MAP_MM[0] - 2 * MARGIN_MM, MAP_MM[1] - 2 * MARGIN_MM - BAR_SPACE_MM)
    scale = fitting_scale(east - west, north - south, inner)
    mm = 1000 / scale
    left = (MAP_MM[0] - (east - west) * mm) / 2
    top = MARGIN_MM + (inner[1] - (north - south) * mm) / 2

    def xy(x: float, y: float) -> str:
        return f"{left + (x - west) * mm:.2f},{top + (north - y) * mm:.2f}"

    line = " L".join(xy(x, y) for x, y in zip(xs, ys, strict=True))
    items = [
        f'<path d="M{line}" fill="none" stroke="#ffffff" stroke-width="2.6" stroke-linejoin="round"/>',
        f'<path d="M{line}" fill="none" stroke="#c2185b" stroke-width="1.4" stroke-linejoin="round"/>',
    ]
    for number, (stop, (x, y)) in reversed(list(enumerate(zip(stops, stop_xy, strict=True), start=1))):
        cx, cy = xy(x, y).split(",")
        items.append(
            f'<circle cx="{cx}" cy="{cy}" r="2.8" fill="{STOP_COLOURS.get(stop.kind, "#5e35b1")}" '
            f'stroke="#ffffff" stroke-width="0.4"/><text x="{cx}" y="{float(cy) + 1.2:.2f}" font-size="3.4" '
            f'font-weight="bold" text-anchor="middle" fill="#ffffff">{number}</text>'
        )
    items += scale_bar(scale, MARGIN_MM, MAP_MM[1] - MARGIN_MM)
    items += north_arrow(MAP_MM[0] - MARGIN_MM - 4, MARGIN_MM)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sign-map-svg" width="{MAP_MM[0]:g}mm" '
        f'height="{MAP_MM[1]:g}mm" viewBox="0 0 {MAP_MM[0]:g} {MAP_MM[1]:g}" role="img" '
        f'aria-label="{escape(title)}" font-family="sans-serif">{"".join(items)}</svg>'
    )
    return Markup(svg), scale
