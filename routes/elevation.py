"""Climb of a line: smoothed elevation, ascent and descent, gradients; unknown elevation stays unknown.

gpx.studio's method, so that gain and loss agree with other tools: elevation
smoothed by a moving average over a 100 m window, slope over a 50 m window.
gpx.studio first simplifies dense recordings (Ramer-Douglas-Peucker, 20 m); we
do not, as the pack's hand-drawn lines are sparse and the average already damps
GPS noise. Missing elevation is unknown, never 0 (gpxpy issue #252).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

SMOOTHING_WINDOW_M = 100.0  # gpx.studio: moving average over 100 m
SLOPE_WINDOW_M = 50.0  # gpx.studio: slope over 50 m


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


def climb(lengths_m: Sequence[float], elevations_m: Sequence[float | None]) -> Climb:
    """Ascent and descent of the smoothed elevation over segments whose both ends are known.

    >>> climb([100.0, 100.0], [200, 210, 205])
    Climb(ascent_m=10.0, descent_m=5.0, known_fraction=1.0)
    >>> climb([100.0, 100.0], [200, None, 205])
    Climb(ascent_m=None, descent_m=None, known_fraction=0.0)
    """
    heights = smoothed(cumulative_m(lengths_m), elevations_m)
    ascent = descent = known_length = 0.0
    for length, start, end in zip(lengths_m, heights, heights[1:], strict=False):
        if start is None or end is None:
            continue
        known_length += length
        ascent += max(0.0, end - start)
        descent += max(0.0, start - end)
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
        rise = heights[end] - heights[start]  # type: ignore[operator]
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
