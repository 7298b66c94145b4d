"""Terrenkur (dosed walking on marked routes): the route's class and the spacing of its rest stops.

A resort convention from textbooks, not a standard: medicalency.com "Терренкур"
gives route No. 1 easy about 500 m, No. 2 medium about 1,500 m, No. 3 hard
3,000 m and more, climbs from 2-3° up to 15-20°, benches every 150-200 m; the
exercise-therapy text (ukrbukva.net) spaces 1-3 min rest stops 150-200 m apart
in the sparing regime, 300-500 m in the sparing-training regime and 600-800 m in
the training regime.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

# Our boundaries between the textbook's class lengths (about 500, 1,500 and >= 3,000 m).
CLASS_2_FROM_M = 1_000.0
CLASS_3_FROM_M = 3_000.0
# Climbs: 2-3° is the gentle end (medicalency.com); our convention puts steeper routes in class 2
# and climbs past 10° (halfway to the 15-20° steep end) in class 3.
CLASS_1_MAX_ANGLE_DEG = 3.0
CLASS_2_MAX_ANGLE_DEG = 10.0
# Longest stretch without a rest stop by class: the upper end of each regime (ukrbukva.net).
REST_GAP_NORM_M = {1: 200.0, 2: 500.0, 3: 800.0}


def terrenkur_class(length_m: float, max_angle_deg: float | None) -> int:
    """Terrenkur class 1 (easy), 2 (medium) or 3 (hard) from length and steepest climb angle.

    An unknown angle classifies by length alone.

    >>> terrenkur_class(999, 3.0), terrenkur_class(1_000, 0), terrenkur_class(800, 3.1)
    (1, 2, 2)
    >>> terrenkur_class(2_999, 10.0), terrenkur_class(3_000, None), terrenkur_class(500, 10.1)
    (2, 3, 3)
    """
    by_length = 1 if length_m < CLASS_2_FROM_M else 2 if length_m < CLASS_3_FROM_M else 3
    if max_angle_deg is None or max_angle_deg <= CLASS_1_MAX_ANGLE_DEG:
        by_angle = 1
    else:
        by_angle = 2 if max_angle_deg <= CLASS_2_MAX_ANGLE_DEG else 3
    return max(by_length, by_angle)


def longest_rest_gap_m(length_m: float, rest_positions_m: Iterable[float]) -> float:
    """Longest stretch between rest points (benches, tea stops, the start and the finish).

    >>> longest_rest_gap_m(1_000, [150, 400, 700])
    300
    >>> longest_rest_gap_m(500, [])
    500
    """
    positions = sorted({0, length_m, *(min(max(p, 0), length_m) for p in rest_positions_m)})
    return max(later - earlier for earlier, later in itertools.pairwise(positions))
