"""Health metrics of a line: length on the ellipsoid, steps, walking and skiing time, energy.

Sources are in /work/shared/docs/health-metrics.md and next to each constant.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pyproj

GEOD = pyproj.Geod(ellps="WGS84")
# Tobler (1993): W = 6 * exp(-3.5 * |S + 0.05|) km/h, S = dh/dx; 5.04 km/h on the flat.
TOBLER_PEAK_KMH = 6.0
TOBLER_DECAY = 3.5
TOBLER_SLOPE_OFFSET = 0.05
# A simple ski model: t = km / v_h + ascent / v_v, backcountry skiing 6 km/h and 400 m/h.
SKI_FLAT_KMH = 6.0
SKI_CLIMB_M_PER_H = 400.0
# Compendium of Physical Activities (Ainsworth 2011): walking METs by speed (upper bound mph, MET).
MPH_PER_KMH = 1 / 1.609344
WALKING_MET_BY_MPH = (
    (2.0, 2.0),  # 17151 walking < 2 mph
    (2.5, 2.8),  # 17152 walking 2.0 mph
    (2.8, 3.0),  # 17170 walking 2.5 mph
    (3.45, 3.5),  # 17190 walking 2.8-3.2 mph, level
    (3.9, 4.3),  # 17200 walking 3.5 mph
    (math.inf, 5.0),  # 17220 walking 4.0 mph
)
MET_UPHILL_GENTLE = 5.3  # 17210 walking uphill 1-5 %
MET_UPHILL_STEEP = 8.0  # 17211 walking uphill 6-15 %
MET_DOWNHILL = 3.3  # 17180 walking downhill
# Cross-country skiing (upper bound mph, MET): 19080 slow 2.5 mph, 19090 moderate 4.0-4.9, 19100 vigorous.
SKIING_MET_BY_MPH = ((3.25, 6.8), (4.95, 9.0), (math.inf, 12.5))
DEFAULT_MASS_KG = 70.0


def segment_lengths_m(lons: Sequence[float], lats: Sequence[float]) -> list[float]:
    """Geodesic length of each segment of a line on the WGS84 ellipsoid, in metres.

    >>> [round(x) for x in segment_lengths_m([60.8, 60.8], [56.5, 56.509])]
    [1002]
    """
    _, _, distances = GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
    return [float(distance) for distance in distances]


def length_m(lons: Sequence[float], lats: Sequence[float]) -> float:
    """Geodesic length of a line on the WGS84 ellipsoid, in metres (pyproj.Geod).

    >>> round(length_m([60.8, 60.8, 60.81], [56.5, 56.509, 56.509]))
    1618
    """
    return sum(segment_lengths_m(lons, lats))


def steps(length_m: float, step_length_m: float) -> int:
    """Steps to walk ``length_m`` at ``step_length_m`` per step (length / step length).

    >>> steps(7_200, 0.72)
    10000
    """
    return round(length_m / step_length_m)


def tobler_speed_kmh(slope: float) -> float:
    """Tobler's hiking function: 6 * exp(-3.5 * |slope + 0.05|) km/h, slope as a ratio dh/dx.

    >>> round(tobler_speed_kmh(0.0), 2), round(tobler_speed_kmh(-0.05), 2)
    (5.04, 6.0)
    """
    return TOBLER_PEAK_KMH * math.exp(-TOBLER_DECAY * abs(slope + TOBLER_SLOPE_OFFSET))


def walking_speed_kmh(slope: float, flat_speed_kmh: float) -> float:
    """Tobler's speed on ``slope`` scaled so that the flat gives ``flat_speed_kmh`` (an audience's pace).

    >>> round(walking_speed_kmh(0.0, 4.0), 2), round(walking_speed_kmh(0.1, 4.0), 2)
    (4.0, 2.82)
    """
    return flat_speed_kmh * tobler_speed_kmh(slope) / tobler_speed_kmh(0.0)


def walking_duration_s(
    lengths_m: Sequence[float], slopes: Sequence[float | None], flat_speed_kmh: float
) -> float:
    """Walking time by Tobler's function segment by segment; a segment of unknown slope counts as flat.

    >>> round(walking_duration_s([1000.0], [0.0], 5.0))
    720
    """
    hours = sum(
        length / 1000 / walking_speed_kmh(slope or 0.0, flat_speed_kmh)
        for length, slope in zip(lengths_m, slopes, strict=True)
    )
    return hours * 3600


def ski_duration_s(length_m: float, ascent_m: float, speed_factor: float = 1.0) -> float:
    """Ski time: km / 6 km/h + ascent / 400 m/h (backcountry model), both rates times ``speed_factor``.

    >>> ski_duration_s(6_000, 400)
    7200.0
    """
    hours = length_m / 1000 / SKI_FLAT_KMH + ascent_m / SKI_CLIMB_M_PER_H
    return hours * 3600 / speed_factor


def walking_met(speed_kmh: float, slope: float) -> float:
    """MET of walking at a speed on a slope (Compendium 2011: 17151-17220 by speed, 17210/17211 uphill).

    >>> walking_met(5.0, 0.0), walking_met(4.0, 0.03), walking_met(3.0, 0.08), walking_met(4.0, -0.05)
    (3.5, 5.3, 8.0, 3.3)
    """
    if slope > 0.055:
        return MET_UPHILL_STEEP
    if slope >= 0.01:
        return MET_UPHILL_GENTLE
    if slope <= -0.01:
        return MET_DOWNHILL
    mph = speed_kmh * MPH_PER_KMH
    return next(met for upper_mph, met in WALKING_MET_BY_MPH if mph < upper_mph)


def skiing_met(speed_kmh: float) -> float:
    """MET of cross-country skiing at ``speed_kmh`` (Compendium 2011: 19080, 19090, 19100).

    >>> skiing_met(4.0), skiing_met(7.0), skiing_met(9.0)
    (6.8, 9.0, 12.5)
    """
    mph = speed_kmh * MPH_PER_KMH
    return next(met for upper_mph, met in SKIING_MET_BY_MPH if mph < upper_mph)


def energy_kcal(met: float, mass_kg: float, duration_s: float) -> float:
    """Energy spent: MET x body mass (kg) x hours (Compendium of Physical Activities).

    >>> energy_kcal(3.5, 70, 3600)
    245.0
    """
    return met * mass_kg * duration_s / 3600


def walking_energy_kcal(
    lengths_m: Sequence[float], slopes: Sequence[float | None], flat_speed_kmh: float, mass_kg: float
) -> float:
    """Walking energy summed segment by segment, each at its Tobler speed and slope MET.

    >>> round(walking_energy_kcal([1000.0], [0.0], 5.0, 70))
    49
    """
    total = 0.0
    for length, slope in zip(lengths_m, slopes, strict=True):
        speed_kmh = walking_speed_kmh(slope or 0.0, flat_speed_kmh)
        total += energy_kcal(walking_met(speed_kmh, slope or 0.0), mass_kg, length / 1000 / speed_kmh * 3600)
    return total
