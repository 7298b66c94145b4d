"""``ecomap check-data`` for tracks: every problem named by file, track and what is wrong."""

from __future__ import annotations

import bisect
from pathlib import Path

from geo.errors import PackError, Problem
from geo.pack import CityPack, load_pack
from routes import elevation
from routes.audiences import Audience, load_audiences
from routes.figures import measure_track
from routes.passes import track_passages, water_crossings
from routes.tracks import TRACKS_DIR, Track, read_tracks

STOP_MAX_OFFSET_M = 50.0  # a stop further than this from its line is misplaced
WATER_TOLERANCE_M = 10.0  # a hand-drawn line may graze the water's hand-drawn edge
# A climb steeper than 100 % (45°) over 50 m or more of a walking or ski track is a typo; over
# shorter stretches a GPS recording's heights wander by more than that (see _elevation_jumps).
ELEVATION_JUMP_MAX_SLOPE = 1.0
ELEVATION_WINDOW_M = 50.0


def check_tracks(pack_path: str | Path) -> list[Problem]:
    """Return every problem of the pack's tracks and audiences (an empty list when they are fine).

    A pack without a ``tracks/`` folder has no tracks, and no problem.
    """
    if not (Path(pack_path) / TRACKS_DIR).is_dir():
        return []
    audiences, problems = load_audiences(pack_path)
    tracks, track_problems = read_tracks(pack_path)
    problems.extend(track_problems)
    try:
        pack: CityPack | None = load_pack(pack_path)
    except PackError:
        pack = None  # check-data reports the pack's own problems
    stop_ids: dict[str, str] = {}
    for track in tracks.values():
        where = f"track {track.id!r}"
        problems.extend(Problem(track.file, where, m) for m in check_track(track, audiences, pack))
        for stop in track.stops:
            if stop.id in stop_ids:
                problems.append(
                    Problem(track.file, where, f"stop id {stop.id!r} already used in {stop_ids[stop.id]}")
                )
            stop_ids.setdefault(stop.id, track.file)
    return problems


def check_track(track: Track, audiences: dict[str, Audience], pack: CityPack | None) -> list[str]:
    """Return every problem of one well-formed track, against the audiences and the pack.

    Only a line that cannot be measured (a position off the city's bounding box, or
    off the Earth when the pack cannot be read) stops the check early; otherwise an
    unknown audience, a misplaced stop, a steep gradient and the rest are all reported
    together.
    """
    messages = [
        f"unknown audience {name!r}; audiences.toml has {', '.join(sorted(audiences))}"
        for name in track.audiences
        if name not in audiences
    ]
    unmeasurable = _line_outside_bbox(track, pack) if pack is not None else _line_off_the_earth(track)
    if unmeasurable:
        return [*messages, *unmeasurable]
    stops_outside = _stops_outside_bbox(track, pack) if pack is not None else {}
    messages.extend(stops_outside.values())
    measure = measure_track(track, pack.crs_metric if pack else None)
    for stop in track.stops:
        if stop.id in stops_outside:
            continue
        offset = measure.stop_offsets_m[stop.id]
        if offset > STOP_MAX_OFFSET_M:
            messages.append(
                f"stop {stop.id!r} is {offset:.0f} m from its track (more than {STOP_MAX_OFFSET_M:.0f} m)"
            )
    messages.extend(_elevation_jumps(track, measure.lengths_m))
    for name in track.audiences:
        audience = audiences.get(name)
        if audience is None:
            continue
        limit = audience.max_gradient_pct
        if measure.max_gradient_pct is not None and measure.max_gradient_pct > limit:
            messages.append(
                f"gradient of {measure.max_gradient_pct} % is over the {limit:g} % limit of audience {name!r}"
            )
        if audience.surfaces and track.surface not in audience.surfaces:
            messages.append(
                f"surface {track.surface!r} does not suit audience {name!r} ({', '.join(audience.surfaces)})"
            )
    if pack is not None:
        for passage in water_crossings(track_passages(track.lons, track.lats, pack)):
            if passage.length_m and passage.length_m > WATER_TOLERANCE_M:
                messages.append(f"runs {passage.length_m:.0f} m over the water of {passage.feature_id!r}")
    return messages


def _line_outside_bbox(track: Track, pack: CityPack) -> list[str]:
    """The first position of the line outside the city's bounding box: the line cannot be measured."""
    west, south, east, north = pack.bbox
    for index, (lon, lat) in enumerate(zip(track.lons, track.lats, strict=True)):
        if not (west <= lon <= east and south <= lat <= north):
            swapped = " (swapped lat/lon?)" if west <= lat <= east and south <= lon <= north else ""
            return [f"position {index} [{lon}, {lat}] is outside the city bounding box{swapped}"]
    return []


def _line_off_the_earth(track: Track) -> list[str]:
    """The first position that is no longitude and latitude (checked when the pack gives no bounding box)."""
    for index, (lon, lat) in enumerate(zip(track.lons, track.lats, strict=True)):
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return [f"position {index} [{lon}, {lat}] is not a longitude and latitude"]
    return []


def _stops_outside_bbox(track: Track, pack: CityPack) -> dict[str, str]:
    """A message for each stop outside the city's bounding box, by stop id."""
    west, south, east, north = pack.bbox
    return {
        stop.id: f"stop {stop.id!r} [{stop.lon}, {stop.lat}] is outside the city bounding box"
        for stop in track.stops
        if not (west <= stop.lon <= east and south <= stop.lat <= north)
    }


def _elevation_jumps(track: Track, lengths_m: tuple[float, ...]) -> list[str]:
    """Known heights that climb more than the line could over ``ELEVATION_WINDOW_M`` or more of it.

    Each known height is compared with the known height at least the window back along the
    line; where there is none (the start of the line) or it is over twice the window back (past
    a long step), with the one at least the window ahead if that is nearer. A GPS height wanders
    by metres from fix to fix, so fixes 3 m apart can differ by 4 m that nobody climbed; over
    50 m that wander is far under the slope limit, while a typo (a height 100 m off) is far
    over it. Both positions compared are named (either height may be the wrong one). A
    height already named is not a reference for the next ones, and a run of neighbouring heights
    off the same way (a step in the heights) is named once.
    """
    distances = elevation.cumulative_m(lengths_m)
    known = [(index, distances[index], h) for index, h in enumerate(track.elevations_m) if h is not None]
    known_m = [distance for _, distance, _ in known]
    flagged: dict[int, tuple[bool, bool]] = {}  # index: (compared ahead, higher than its reference)
    messages = []
    for at, (index, distance, height) in enumerate(known):
        reference = _height_reference(known_m, at)
        if reference is None:
            continue  # the whole line is shorter than the window
        other, other_m, other_height = known[reference]
        span_m = abs(distance - other_m)
        if other in flagged or abs(height - other_height) <= ELEVATION_JUMP_MAX_SLOPE * span_m:
            continue
        way = (other > index, height > other_height)
        if at == 0 or flagged.get(known[at - 1][0]) != way:
            theirs, mine = f"{other_height:g} m (position {other})", f"{height:g} m"
            start, end = (theirs, mine) if other < index else (mine, theirs)
            jump = f"elevation jumps from {start} to {end} over {span_m:.0f} m"
            messages.append(f"{jump} at position {index}: a typo?")
        flagged[index] = way
    return messages


def _height_reference(known_m: list[float], at: int) -> int | None:
    """Which known height the one at ``at`` is compared with (see ``_elevation_jumps``); None if none."""
    distance = known_m[at]
    behind = bisect.bisect_right(known_m, distance - ELEVATION_WINDOW_M) - 1
    ahead = bisect.bisect_left(known_m, distance + ELEVATION_WINDOW_M, lo=at)
    spans = {
        reference: abs(distance - known_m[reference])
        for reference in (behind, ahead)
        if 0 <= reference < len(known_m)
    }
    if behind in spans and spans[behind] <= 2 * ELEVATION_WINDOW_M:
        return behind
    return min(spans, key=spans.__getitem__, default=None)
