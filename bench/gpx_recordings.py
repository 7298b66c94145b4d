"""GPX import on the real recordings of tests/data/gpx, before (main at c077c43) and now, side by side.

Prints per file and in all: tracks or segments joined into one line, elevation-jump
alarms (and how many of them are for a height change under 20 m, i.e. GPS noise), files
refused for their encoding or byte-order mark, and whether an injected 100 m spike is caught.
The old routes/gpx.py and routes/check.py are read from git: run it in a clone with history.

    .venv/bin/python bench/gpx_recordings.py
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import itertools
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from routes import check, gpx, metrics  # noqa: E402
from routes.figures import measure_track  # noqa: E402
from routes.tracks import Track, parse_track  # noqa: E402

BEFORE = "c077c43"
DATA = ROOT / "tests" / "data" / "gpx"
DAY = dt.date(2026, 12, 2)
NOISE_M = 20.0


def old_module(name: str, path: str, folder: Path):
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BEFORE}:{path}"], capture_output=True, text=True, check=True
    ).stdout
    file = folder / f"{name}.py"
    file.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def track_of(draft: dict) -> Track:
    track_id = draft["features"][0]["id"]
    track, problems = parse_track(draft, f"tracks/{track_id}.geojson", track_id)
    assert track is not None, problems
    return track


def segments(data: bytes, name: str) -> list[list]:
    """The points of every non-empty track segment of the file."""
    document = gpx.parse_gpx(data, name)
    return [s.points for t in document.tracks for s in t.segments if s.points]


def largest_own_step_m(data: bytes, name: str) -> float:
    """The longest fix-to-fix step inside any one segment of the file."""
    steps = [
        metrics.segment_lengths_m([p.longitude for p in points], [p.latitude for p in points])
        for points in segments(data, name)
        if len(points) > 1
    ]
    return max(itertools.chain.from_iterable(steps), default=0.0)


def noise(messages: list[str]) -> int:
    heights = [re.search(r"from (-?[\d.]+) m.*? to (-?[\d.]+) m", m) for m in messages]
    return sum(abs(float(h[1]) - float(h[2])) < NOISE_M for h in heights if h)


def spiked(track: Track) -> Track | None:
    """The track with its middle height 100 m higher, if it has one and is 100 m long or more."""
    middle = len(track.elevations_m) // 2
    height = track.elevations_m[middle]
    if height is None or measure_track(track).length_m < 100:
        return None
    heights = list(track.elevations_m)
    heights[middle] = height + 100
    return dataclasses.replace(track, elevations_m=tuple(heights))


def before(old_gpx, old_check, data: bytes, name: str) -> dict:
    try:
        track = track_of(old_gpx.import_gpx(data, name, DAY))
    except old_gpx.GpxImportError as error:
        encoding = "UTF-8" in str(error) or "XML tag" in str(error)
        return {"refused": str(error), "refused_encoding": encoding}
    lengths = measure_track(track).lengths_m
    alarms = old_check._elevation_jumps(track, lengths)
    return {
        "joined": len(segments(data, name)) > 1,  # every segment went into one line
        "longest_leg_m": max(lengths),
        "alarms": len(alarms),
        "noise": noise(alarms),
    }


def now(data: bytes, name: str) -> dict:
    try:
        recording = gpx.read_recording(data, name)
        gpx.require_parts(recording)
    except gpx.GpxImportError as error:
        reason = str(error).removeprefix(f"{name}: ")
        return {"refused": str(error), "refused_encoding": "encoding" in reason or "UTF" in reason}
    alarms: list[str] = []
    longest = 0.0
    spikes = caught = 0
    own = [{(round(p.longitude, 6), round(p.latitude, 6)) for p in points} for points in segments(data, name)]
    mixed = 0  # parts with positions of two segments
    for part in recording.parts:
        mixed += not any({position[:2] for position in part.positions} <= segment for segment in own)
        track = track_of(gpx.draft_part(recording, part, DAY))
        lengths = measure_track(track).lengths_m
        alarms += check._elevation_jumps(track, lengths)
        longest = max(longest, *lengths)
        with_spike = spiked(track)
        if with_spike is not None:
            spikes += 1
            caught += bool(check._elevation_jumps(with_spike, lengths))
    return {
        "parts": len(recording.parts),
        "breaks": recording.breaks,
        "joined": bool(mixed) or longest > largest_own_step_m(data, name) + 0.5,
        "longest_leg_m": longest,
        "alarms": len(alarms),
        "noise": noise(alarms),
        "spikes": spikes,
        "caught": caught,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        old_gpx = old_module("old_gpx", "routes/gpx.py", Path(folder))
        old_check = old_module("old_check", "routes/check.py", Path(folder))
        rows = []
        for path in sorted(DATA.glob("*.gpx")):
            data = path.read_bytes()
            rows.append((path.name, before(old_gpx, old_check, data, path.name), now(data, path.name)))
    print(f"{'file':42} {'before':52} now")
    for name, old, new in rows:
        if "refused" in old:
            left = f"refused: {old['refused'][len(name) + 2 :][:44]}"
        else:
            left = f"joined {old['joined']!s:5} leg {old['longest_leg_m']:7.0f} m, {old['alarms']:2} alarms"
        if "refused" in new:
            right = f"refused: {new['refused'][len(name) + 2 :][:60]}"
        else:
            spike = f"spike {new['caught']}/{new['spikes']}"
            right = (
                f"{new['parts']} part(s), {new['breaks']} break(s), joined {new['joined']!s:5}"
                f" leg {new['longest_leg_m']:5.0f} m, {new['alarms']} alarms, {spike}"
            )
        print(f"{name:42} {left:52} {right}")
    total = {
        side: {
            "joined": sum(bool(row[i].get("joined")) for row in rows),
            "alarms": sum(row[i].get("alarms", 0) for row in rows),
            "alarm files": sum(bool(row[i].get("alarms")) for row in rows),
            f"alarms under {NOISE_M:.0f} m": sum(row[i].get("noise", 0) for row in rows),
            "refused for encoding": sum(bool(row[i].get("refused_encoding")) for row in rows),
        }
        for side, i in (("before", 1), ("now", 2))
    }
    for key in total["before"]:
        print(f"{key:24} before {total['before'][key]:3}   now {total['now'][key]:3}")
    spikes = sum(row[2].get("spikes", 0) for row in rows)
    caught = sum(row[2].get("caught", 0) for row in rows)
    print(f"100 m spike caught now in {caught} of {spikes} parts (100 m or longer, with heights)")


if __name__ == "__main__":
    main()
