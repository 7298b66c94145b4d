"""Track definitions of a city pack: ``tracks/<id>.geojson``, one route line and its stops."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.errors import Problem
from routes.errors import TrackError

TRACKS_DIR = "tracks"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MODES = ("walk", "ski")
STOP_KINDS = ("info", "bench", "tea", "view", "start", "finish")
REST_KINDS = ("bench", "tea")
# Lowest and highest land on Earth (Dead Sea shore, Everest), rounded: outside is a typo.
ELEVATION_RANGE_M = (-450.0, 8_900.0)
ROUTE_PROPERTIES: dict[str, type] = {
    "name_ru": str,
    "name_en": str,
    "description_ru": str,
    "description_en": str,
    "mode": str,
    "months": list,
    "audiences": list,
    "surface": str,
    "source_ru": str,
    "accuracy_ru": str,
    "elevation_ru": str,
    "updated": str,
}
# The data notes in the other languages: each optional, the default language's text stands in for it.
DEFAULT_LANGUAGE = "ru"
LANGUAGES = ("ru", "en")
NOTES = ("source", "accuracy", "elevation")
OPTIONAL_ROUTE_PROPERTIES: dict[str, type] = {
    f"{note}_{lang}": str for note in NOTES for lang in LANGUAGES if lang != DEFAULT_LANGUAGE
}
STOP_PROPERTIES: dict[str, type] = {
    "kind": str,
    "name_ru": str,
    "name_en": str,
    "text_ru": str,
    "text_en": str,
}
ACCURACY_LEVELS = ("surveyed", "approximate")


@dataclass(frozen=True)
class Stop:
    """A point on a track: a bench, a tea stop, a view or an information point with its text."""

    id: str
    kind: str
    name: dict[str, str]
    text: dict[str, str]
    lon: float
    lat: float


@dataclass(frozen=True)
class Track:
    """A health track: names, mode, months, audiences, surface, line with known elevations, stops."""

    id: str
    file: str
    name: dict[str, str]
    description: dict[str, str]
    mode: str
    months: tuple[int, ...]
    audiences: tuple[str, ...]
    surface: str
    source: dict[str, str]  # by language, like every note below: where the line comes from
    accuracy: dict[str, str]  # "approximate: note", the class in English, the note in the language
    elevation_note: dict[str, str]  # how good the heights are, "surveyed: note" or "approximate: note"
    updated: dt.date
    lons: tuple[float, ...]
    lats: tuple[float, ...]
    elevations_m: tuple[float | None, ...]
    stops: tuple[Stop, ...]

    def runs_in(self, month: int) -> bool:
        """Whether the track is open in ``month`` (1-12)."""
        return month in self.months


def load_tracks(pack_path: str | Path) -> dict[str, Track]:
    """Read every track of the pack by id; raise TrackError naming every structural problem."""
    tracks, problems = read_tracks(pack_path)
    if problems:
        raise TrackError(str(pack_path), problems)
    return tracks


def read_tracks(pack_path: str | Path) -> tuple[dict[str, Track], list[Problem]]:
    """Read the tracks that are well formed, and the problems of those that are not."""
    folder = Path(pack_path) / TRACKS_DIR
    tracks: dict[str, Track] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.geojson")):
        relative = f"{TRACKS_DIR}/{path.name}"
        track, track_problems = read_track_file(path, relative)
        problems.extend(track_problems)
        if track is not None and track.id in tracks:
            problems.append(Problem(relative, f"track {track.id!r}", "duplicate track id"))
        elif track is not None:
            tracks[track.id] = track
    return tracks, problems


def read_track_file(path: Path, relative: str) -> tuple[Track | None, list[Problem]]:
    """Read one ``tracks/<id>.geojson`` file into a Track, or the problems that prevent it."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return None, [Problem(relative, "", f"unreadable JSON: {error}")]
    return parse_track(document, relative, path.stem)


def parse_track(document: Any, relative: str, file_id: str) -> tuple[Track | None, list[Problem]]:
    """Build a Track from a parsed FeatureCollection: one LineString feature and Point stops."""
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        return None, [Problem(relative, "", "must be a GeoJSON FeatureCollection")]
    features = document.get("features")
    if not isinstance(features, list) or not all(isinstance(item, dict) for item in features):
        return None, [Problem(relative, "", "'features' must be a list of features")]
    lines = [item for item in features if (item.get("geometry") or {}).get("type") == "LineString"]
    points = [item for item in features if (item.get("geometry") or {}).get("type") == "Point"]
    where = f"track {file_id!r}"
    if len(lines) != 1:
        return None, [Problem(relative, where, f"needs exactly one LineString feature, found {len(lines)}")]
    others = len(features) - len(lines) - len(points)
    problems = (
        [Problem(relative, where, f"{others} feature(s) neither LineString nor Point")] if others else []
    )
    route = lines[0]
    if route.get("id") != file_id:
        problems.append(Problem(relative, where, f"the line's id {route.get('id')!r} must be the file name"))
    messages = check_route_properties(route.get("properties"))
    positions, position_messages = _positions(route["geometry"].get("coordinates"))
    messages.extend(position_messages)
    problems.extend(Problem(relative, where, message) for message in messages)
    stops = []
    for index, point in enumerate(points):
        stop, stop_messages = _stop(point, index)
        stop_where = f"{where}, stop {point.get('id', index)!r}"
        problems.extend(Problem(relative, stop_where, message) for message in stop_messages)
        if stop is not None:
            stops.append(stop)
    if problems:
        return None, problems
    return _track(file_id, relative, route["properties"], positions, stops), []


def check_route_properties(properties: Any) -> list[str]:
    """Return what is wrong with a route line's properties (empty when they are fine).

    >>> check_route_properties({"mode": "run"})[0]
    "property 'name_ru' is missing"
    """
    if not isinstance(properties, dict):
        return ["'properties' must be an object"]
    messages = _typed(properties, ROUTE_PROPERTIES, OPTIONAL_ROUTE_PROPERTIES)
    if messages:
        return messages
    if properties["mode"] not in MODES:
        messages.append(f"'mode' must be one of {', '.join(MODES)}, got {properties['mode']!r}")
    months = properties["months"]
    if not months or not all(isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in months):
        messages.append(f"'months' must be a non-empty list of months 1-12, got {months!r}")
    audiences = properties["audiences"]
    if not audiences or not all(isinstance(a, str) for a in audiences):
        messages.append(f"'audiences' must be a non-empty list of audience ids, got {audiences!r}")
    for key in (f"{note}_{lang}" for note in ("accuracy", "elevation") for lang in LANGUAGES):
        if key in properties and properties[key].split(":")[0].strip() not in ACCURACY_LEVELS:
            messages.append(f"'{key}' must start with one of {', '.join(ACCURACY_LEVELS)}")
    try:
        dt.date.fromisoformat(properties["updated"])
    except ValueError:
        messages.append(f"'updated' must be a date as YYYY-MM-DD, got {properties['updated']!r}")
    return messages


def _typed(
    properties: dict[str, Any], keys: dict[str, type], optional: dict[str, type] | None = None
) -> list[str]:
    messages = []
    optional = optional or {}
    for key, kind in {**keys, **optional}.items():
        value = properties.get(key)
        if value is None:
            if key not in optional:
                messages.append(f"property '{key}' is missing")
        elif not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
            messages.append(f"property '{key}' must be a non-empty {kind.__name__}, got {value!r}"[:200])
    unknown = set(properties) - set(keys) - set(optional)
    messages.extend(f"unknown property '{key}'" for key in sorted(unknown))
    return messages


def _in_languages(properties: dict[str, Any], note: str) -> dict[str, str]:
    """A note in every language: its own text, or the default language's where it has none."""
    default = properties[f"{note}_{DEFAULT_LANGUAGE}"]
    return {lang: properties.get(f"{note}_{lang}") or default for lang in LANGUAGES}


def _positions(coordinates: Any) -> tuple[list[tuple[float, float, float | None]], list[str]]:
    """Positions of the line as (lon, lat, elevation or None); [lon, lat] means unknown elevation."""
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        return [], [f"the line needs at least 2 positions, got {coordinates!r}"[:200]]
    positions = []
    for index, position in enumerate(coordinates):
        if (
            not isinstance(position, list)
            or len(position) not in (2, 3)
            or not all(_is_number(value) for value in position)
        ):
            return [], [f"position {index} {position!r} must be [lon, lat] or [lon, lat, elevation]"[:200]]
        elevation = float(position[2]) if len(position) == 3 else None
        if elevation is not None and not ELEVATION_RANGE_M[0] <= elevation <= ELEVATION_RANGE_M[1]:
            return [], [f"position {index}: elevation {elevation} m is not a height on Earth"]
        positions.append((float(position[0]), float(position[1]), elevation))
    if len({(lon, lat) for lon, lat, _ in positions}) < 2:
        return [], ["the line has a single distinct point"]
    return positions, []


def _stop(point: dict[str, Any], index: int) -> tuple[Stop | None, list[str]]:
    stop_id = point.get("id")
    messages = [] if isinstance(stop_id, str) and ID_PATTERN.match(stop_id) else [f"bad id {stop_id!r}"]
    properties = point.get("properties")
    if not isinstance(properties, dict):
        return None, [*messages, "'properties' must be an object"]
    messages.extend(_typed(properties, STOP_PROPERTIES))
    if not messages and properties["kind"] not in STOP_KINDS:
        messages.append(f"'kind' must be one of {', '.join(STOP_KINDS)}, got {properties['kind']!r}")
    position = point["geometry"].get("coordinates")
    if not isinstance(position, list) or len(position) not in (2, 3) or not all(map(_is_number, position)):
        messages.append(f"position {position!r} must be [lon, lat]")
    if messages:
        return None, messages
    stop = Stop(
        id=point["id"],
        kind=properties["kind"],
        name={"ru": properties["name_ru"], "en": properties["name_en"]},
        text={"ru": properties["text_ru"], "en": properties["text_en"]},
        lon=float(position[0]),
        lat=float(position[1]),
    )
    return stop, []


def _track(
    track_id: str,
    relative: str,
    properties: dict[str, Any],
    positions: list[tuple[float, float, float | None]],
    stops: list[Stop],
) -> Track:
    return Track(
        id=track_id,
        file=relative,
        name={"ru": properties["name_ru"], "en": properties["name_en"]},
        description={"ru": properties["description_ru"], "en": properties["description_en"]},
        mode=properties["mode"],
        months=tuple(properties["months"]),
        audiences=tuple(properties["audiences"]),
        surface=properties["surface"],
        source=_in_languages(properties, "source"),
        accuracy=_in_languages(properties, "accuracy"),
        elevation_note=_in_languages(properties, "elevation"),
        updated=dt.date.fromisoformat(properties["updated"]),
        lons=tuple(position[0] for position in positions),
        lats=tuple(position[1] for position in positions),
        elevations_m=tuple(position[2] for position in positions),
        stops=tuple(stops),
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
