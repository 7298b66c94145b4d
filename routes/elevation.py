"""Climb of a line: smoothed elevation, ascent and descent, gradients; unknown elevation stays unknown.

Ascent and descent follow gpx.studio (gpx/src/gpx.ts, ``_elevationComputation``), so
that gain and loss agree with other tools:

1. Ramer-Douglas-Peucker at 20 m on the elevation profile, i.e. on the points
   (distance along the line, elevation) in metres, not on the map line: a
   hilltop on a straight road stands out of the profile and is kept, GPS noise of
   a few metres is not.
2. Within each piece between two kept points, a moving average of the heights
   over 100 m either side of each point (gpx.studio's window is a radius), with
   the piece's two ends kept at their own heights, so real climbs between kept
   points are not averaged away.
3. Gain and loss are summed over the smoothed heights.

Slopes use a plain moving average over 100 m (50 m either side) and a window of at
least 50 m. Missing elevation is unknown, never 0 (gpxpy issue #252): the climb is
measured over each run of consecutive known heights on its own.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

SMOOTHING_WINDOW_M = 100.0  # slopes: moving average over 100 m (50 m either side)
SLOPE_WINDOW_M = 50.0  # gpx.studio: slope over 50 m
SIMPLIFY_TOLERANCE_M = 20.0  # gpx.studio: Ramer-Douglas-Peucker at 20 m on the elevation profile
CLIMB_SMOOTHING_RADIUS_M = 100.0  # gpx.studio: moving average over 100 m either side of a point


@dataclass(frozen=True)
class Climb:
    """Ascent and descent in metres over the stretches of known elevation; None when none is known."""

    ascent_m: float | None
    descent_m: float | None
    known_fraction: float

    @property
    def complete(self) -> bool:
        """Whether elevation is known along the whole line."""
        return self.known_fraction >= 1.0


def cumulative_m(lengths_m: Sequence[float]) -> list[float]:
    """Distance from the start at each vertex.

    >>> cumulative_m([10.0, 5.0])
    [0.0, 10.0, 15.0]
    """
    return [0.0, *itertools.accumulate(lengths_m)]


def smoothed(
    distances_m: Sequence[float], elevations_m: Sequence[float | None], window_m: float = SMOOTHING_WINDOW_M
) -> list[float | None]:
    """Moving average of the known elevations within ``window_m / 2`` either side; None stays None.

    >>> smoothed([0, 10, 20, 500], [100, 110, None, 130])
    [105.0, 105.0, None, 130.0]
    """
    known = [(d, e) for d, e in zip(distances_m, elevations_m, strict=True) if e is not None]
    half = window_m / 2
    result: list[float | None] = []
    low = high = 0
    total = 0.0
    for distance, elevation in zip(distances_m, elevations_m, strict=True):
        while high < len(known) and known[high][0] <= distance + half:
            total += known[high][1]
            high += 1
        while low < high and known[low][0] < distance - half:
            total -= known[low][1]
            low += 1
        result.append(None if elevation is None else total / (high - low))
    return result


def simplified_profile(
    distances_m: Sequence[float], elevations_m: Sequence[float], tolerance_m: float = SIMPLIFY_TOLERANCE_M
) -> list[int]:
    """Indices of the points Ramer-Douglas-Peucker keeps on the profile (distance, elevation), in metres.

    A point is kept when it lies more than ``tolerance_m`` from the chord of its piece
    (gpx.studio's ``getElevationDistanceFunction``). A 30 m hilltop stays; 3 m of noise goes:

    >>> simplified_profile([0, 500, 1000], [200, 230, 200])
    [0, 1, 2]
    >>> simplified_profile([0, 10, 20, 30], [0, 3, -3, 0])
    [0, 3]
    """
    last = len(distances_m) - 1
    keep = {0, last}
    pieces = [(0, last)]
    while pieces:
        start, end = pieces.pop()
        x1, y1, x2, y2 = distances_m[start], elevations_m[start], distances_m[end], elevations_m[end]
        chord = math.hypot(x2 - x1, y2 - y1)
        farthest, farthest_m = None, tolerance_m
        for index in range(start + 1, end):
            x, y = distances_m[index], elevations_m[index]
            if chord:
                offset = abs((y2 - y1) * x - (x2 - x1) * y + x2 * y1 - y2 * x1) / chord
            else:
                offset = math.hypot(x - x1, y - y1)
            if offset > farthest_m:
                farthest, farthest_m = index, offset
        if farthest is not None:
            keep.add(farthest)
            pieces += [(start, farthest), (farthest, end)]
    return sorted(keep)


def piece_smoothed(
    distances_m: Sequence[float], elevations_m: Sequence[float], radius_m: float = CLIMB_SMOOTHING_RADIUS_M
) -> list[float]:
    """Moving average of the heights within ``radius_m`` either side; the two ends keep their own heights.

    >>> piece_smoothed([0, 50, 100, 250, 300], [10, 12, 20, 14, 16])
    [10, 14.0, 14.0, 15.0, 16]
    """
    result: list[float] = []
    low = high = 0
    total = 0.0
    for distance in distances_m:
        while high < len(distances_m) and distances_m[high] <= distance + radius_m:
            total += elevations_m[high]
            high += 1
        while distances_m[low] < distance - radius_m:
            total -= elevations_m[low]
            low += 1
        result.append(total / (high - low))
    result[0], result[-1] = elevations_m[0], elevations_m[-1]
    return result


def profile_climb(distances_m: Sequence[float], elevations_m: Sequence[float]) -> tuple[float, float]:
    """Gain and loss of a profile whose heights are all known, by gpx.studio's method (see the module).

    >>> profile_climb([0, 100, 200], [200, 210, 205])  # 10 m up is within 20 m of the chord: averaged
    (5.0, 0.0)
    >>> profile_climb([0, 150, 300], [200, 210, 205])  # neighbours 150 m apart: each height alone
    (10.0, 5.0)
    """
    ascent = descent = 0.0
    kept = simplified_profile(distances_m, elevations_m)
    for start, end in itertools.pairwise(kept):
        heights = piece_smoothed(distances_m[start : end + 1], elevations_m[start : end + 1])
        for earlier, later in itertools.pairwise(heights):
            ascent += max(0.0, later - earlier)
            descent += max(0.0, earlier - later)
    return ascent, descent


def climb(lengths_m: Sequence[float], elevations_m: Sequence[float | None]) -> Climb:
    """Ascent and descent over the runs of consecutive known heights (gpx.studio's method, see the module).

    >>> climb([100.0, 100.0], [200, 210, 205])
    Climb(ascent_m=5.0, descent_m=0.0, known_fraction=1.0)
    >>> climb([150.0, 150.0, 100.0], [200, 210, 205, None])
    Climb(ascent_m=10.0, descent_m=5.0, known_fraction=0.75)
    >>> climb([100.0, 100.0], [200, None, 205])
    Climb(ascent_m=None, descent_m=None, known_fraction=0.0)
    """
    distances = cumulative_m(lengths_m)
    ascent = descent = known_length = 0.0
    run: list[int] = []
    run_heights: list[float] = []
    for index in range(len(elevations_m) + 1):
        height = elevations_m[index] if index < len(elevations_m) else None
        if height is not None:
            run.append(index)
            run_heights.append(height)
            continue
        if len(run) >= 2:
            gain, loss = profile_climb([distances[i] for i in run], run_heights)
            ascent += gain
            descent += loss
            known_length += distances[run[-1]] - distances[run[0]]
        run, run_heights = [], []
    total = sum(lengths_m)
    if not known_length:
        return Climb(None, None, 0.0)
    return Climb(round(ascent, 1), round(descent, 1), round(known_length / total, 4) if total else 1.0)


def segment_slopes(lengths_m: Sequence[float], elevations_m: Sequence[float | None]) -> list[float | None]:
    """Slope (dh/dx) of each segment over a window of at least 50 m of known elevation; None if unknown.

    >>> segment_slopes([100.0, 100.0], [200, 210, None])
    [0.1, None]
    >>> segment_slopes([10.0, 10.0, 40.0], [0, 1, 2, 2])  # short segments: one smoothed 60 m window
    [0.011, 0.008, 0.008]
    """
    distances = cumulative_m(lengths_m)
    heights = smoothed(distances, elevations_m)
    slopes: list[float | None] = []
    for index in range(len(lengths_m)):
        if heights[index] is None or heights[index + 1] is None:
            slopes.append(None)
            continue
        start, end = index, index + 1
        while distances[end] - distances[start] < SLOPE_WINDOW_M:
            if end + 1 < len(heights) and heights[end + 1] is not None:
                end += 1
            elif start > 0 and heights[start - 1] is not None:
                start -= 1
            else:
                break
        top, bottom = heights[end], heights[start]
        assert top is not None and bottom is not None  # the window grows over known heights only
        rise = top - bottom
        run = distances[end] - distances[start]
        slopes.append(round(rise / run, 3) if run else 0.0)
    return slopes


def max_gradient_pct(slopes: Sequence[float | None]) -> float | None:
    """Steepest known slope, up or down, in per cent; None when no slope is known.

    >>> max_gradient_pct([0.01, None, -0.04])
    4.0
    """
    known = [abs(slope) for slope in slopes if slope is not None]
    return round(max(known) * 100, 1) if known else None


def mean_gradient_pct(lengths_m: Sequence[float], slopes: Sequence[float | None]) -> float | None:
    """Length-weighted mean of the absolute known slopes, in per cent; None when none is known.

    >>> mean_gradient_pct([100.0, 300.0, 50.0], [0.04, 0.0, None])
    1.0
    """
    pairs = [
        (length, abs(slope)) for length, slope in zip(lengths_m, slopes, strict=True) if slope is not None
    ]
    known_length = sum(length for length, _ in pairs)
    if not known_length:
        return None
    return round(sum(length * slope for length, slope in pairs) / known_length * 100, 1)


def angle_deg(gradient_pct: float) -> float:
    """Climb angle in degrees of a gradient in per cent.

    >>> round(angle_deg(100.0), 1)
    45.0
    """
    return math.degrees(math.atan(gradient_pct / 100))
