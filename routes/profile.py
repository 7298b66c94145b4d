"""An elevation profile drawn as SVG coordinates: the known stretches of a track and its stops."""

from __future__ import annotations

from dataclasses import dataclass

from routes.figures import TrackMeasure
from routes.tracks import Track

WIDTH = 600.0
HEIGHT = 160.0
MARGIN = 24.0
MIN_RANGE_M = 10.0  # a flat track still gets a 10 m tall frame, so small bumps stay small


@dataclass(frozen=True)
class ProfileMark:
    """A stop on the profile: its x, y (None where its height is unknown), kind and name."""

    x: float
    y: float | None
    kind: str
    name: str


@dataclass(frozen=True)
class Profile:
    """Polylines of the known stretches (SVG "x,y x,y" strings), axis labels and stop marks."""

    width: float
    height: float
    lines: list[str]
    marks: list[ProfileMark]
    low_m: float
    high_m: float
    length_m: float


def profile(track: Track, measure: TrackMeasure, lang: str) -> Profile | None:
    """The track's profile in a WIDTH x HEIGHT box; None when no height is known at all.

    Stretches of unknown height are gaps in the line, not zeros.
    """
    known = [ele for ele in track.elevations_m if ele is not None]
    if len(known) < 2:
        return None
    low, high = min(known), max(known)
    if high - low < MIN_RANGE_M:
        middle = (high + low) / 2
        low, high = middle - MIN_RANGE_M / 2, middle + MIN_RANGE_M / 2
    length = measure.length_m or 1.0

    def x_of(distance: float) -> float:
        return round(MARGIN + distance / length * (WIDTH - 2 * MARGIN), 1)

    def y_of(ele: float) -> float:
        return round(HEIGHT - MARGIN - (ele - low) / (high - low) * (HEIGHT - 2 * MARGIN), 1)

    lines: list[str] = []
    current: list[str] = []
    for distance, ele in zip(measure.distances_m, track.elevations_m, strict=True):
        if ele is None:
            if len(current) > 1:
                lines.append(" ".join(current))
            current = []
            continue
        current.append(f"{x_of(distance)},{y_of(ele)}")
    if len(current) > 1:
        lines.append(" ".join(current))
    marks = []
    for stop in track.stops:
        distance = measure.stop_positions_m[stop.id]
        ele = height_at(measure.distances_m, track.elevations_m, distance)
        marks.append(
            ProfileMark(x_of(distance), None if ele is None else y_of(ele), stop.kind, stop.name[lang])
        )
    return Profile(WIDTH, HEIGHT, lines, marks, round(low, 1), round(high, 1), length)


def height_at(distances_m, elevations_m, distance: float) -> float | None:
    """Height at ``distance`` along the line, interpolated between known neighbours; None if unknown.

    >>> height_at([0, 100, 200], [200, 210, None], 50), height_at([0, 100, 200], [200, 210, None], 150)
    (205.0, None)
    >>> height_at([0, 100], [200, 210], 100.04)
    210.0
    """
    distance = min(max(distance, distances_m[0]), distances_m[-1])  # positions are rounded to 0.1 m
    for index in range(len(distances_m) - 1):
        start, end = distances_m[index], distances_m[index + 1]
        if start <= distance <= end:
            a, b = elevations_m[index], elevations_m[index + 1]
            if a is None or b is None:
                return a if distance == start else b if distance == end else None
            return a + (b - a) * ((distance - start) / (end - start) if end > start else 0)
    return None
