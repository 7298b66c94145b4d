"""GPX 1.1 for tracks, only through gpxpy's model: a track with its stops out, a recorded walk in."""

from __future__ import annotations

import codecs
import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any, cast

import defusedxml.ElementTree as safe_etree
import gpxpy
import gpxpy.gpx
import numpy as np
from defusedxml import DefusedXmlException

from routes import metrics
from routes.check import STOP_MAX_OFFSET_M
from routes.errors import GpxImportError, PartChoiceError
from routes.tracks import Track

MAX_GPX_BYTES = 10 * 1024 * 1024  # a 10,000-point recording is about 1 MB
CREATOR = "ecomap"
# A recording's segment is cut between two timed fixes more than 5 minutes apart (the phone
# paused or lost the sky: where the walker went is unknown) or more than 500 m apart (5 minutes
# at a brisk 6 km/h: no walker's phone leaves such a step). A segment without times is a drawn
# line (a planner's, or ecomap's own export), whose long straight steps are meant: it is kept.
BREAK_GAP_S = 300.0
BREAK_STEP_M = 500.0
WHERE_WORDS = {
    "en": {"track": "track {}, segment {}", "route": "route {}", "piece": "{}, piece {} of {}"},
    "ru": {"track": "трек {}, сегмент {}", "route": "маршрут {}", "piece": "{}, кусок {} из {}"},
}
METRES_PER_DEGREE = 111_320.0  # of latitude, and of longitude at the equator
# <?xml ... encoding="NAME" ...?> at the very start (after blanks), read as Latin-1 from the bytes.
DECLARED_ENCODING = re.compile(r"""^(\s*<\?xml\s[^>]*?encoding\s*=\s*["'])([A-Za-z][A-Za-z0-9._-]*)""")
# Garmin's waypoint symbol names, which most GPS apps draw.
STOP_SYMBOLS = {
    "start": "Flag, Green",
    "finish": "Flag, Red",
    "bench": "Picnic Area",
    "tea": "Restaurant",
    "view": "Scenic Area",
    "info": "Information",
}


@dataclass(frozen=True)
class GpxText:
    """What a GPX file says about its track in one language: description, author, link text, keywords."""

    description: str
    author: str
    link_text: str
    keywords: str


def build_gpx(track: Track, lang: str, text: GpxText, page_url: str, made: dt.datetime | None = None) -> str:
    """The track as GPX 1.1 XML: metadata, a waypoint for every stop and the line with known heights.

    Its ``<time>`` is ``made`` (a walk found just now), else the track's last revision (a pack's track,
    so that its file changes only when it does)."""
    document = gpxpy.gpx.GPX()
    document.creator = CREATOR
    document.name = track.name[lang]
    document.description = text.description
    document.author_name = text.author
    document.link = page_url
    document.link_text = text.link_text
    document.time = made or dt.datetime.combine(track.updated, dt.time(), tzinfo=dt.UTC)
    document.keywords = text.keywords
    lats = [*track.lats, *(stop.lat for stop in track.stops)]
    lons = [*track.lons, *(stop.lon for stop in track.stops)]
    document.bounds = gpxpy.gpx.GPXBounds(min(lats), max(lats), min(lons), max(lons))
    for stop in track.stops:
        document.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                stop.lat,
                stop.lon,
                name=stop.name[lang],
                description=stop.text[lang],
                symbol=STOP_SYMBOLS[stop.kind],
                type=stop.kind,
            )
        )
    gpx_track = gpxpy.gpx.GPXTrack(name=track.name[lang], description=track.description[lang])
    # gpxpy's GPXTrack.__init__ sets `type` to None unannotated, so mypy reads it as None; it takes a string.
    cast(Any, gpx_track).type = track.mode
    segment = gpxpy.gpx.GPXTrackSegment()
    segment.points = [
        gpxpy.gpx.GPXTrackPoint(lat, lon, elevation=ele)
        for lon, lat, ele in zip(track.lons, track.lats, track.elevations_m, strict=True)
    ]
    gpx_track.segments.append(segment)
    document.tracks.append(gpx_track)
    return document.to_xml(version="1.1")


def parse_gpx(data: bytes, name: str) -> gpxpy.gpx.GPX:
    """Parse GPX bytes, refusing big files, DTDs and entities, malformed XML and non-GPX files.

    The text is decoded first (see ``decode_gpx``), then the whole document goes through
    defusedxml with DTDs forbidden before gpxpy sees it, so no entity is ever expanded
    (billion laughs) or fetched (external entities, XXE), wherever it hides.
    """
    if len(data) > MAX_GPX_BYTES:
        raise GpxImportError(
            f"{name}: {len(data) / 1e6:.1f} MB is over the {MAX_GPX_BYTES / 1e6:.1f} MB limit"
        )
    text = decode_gpx(data, name)
    try:
        root = safe_etree.fromstring(text, forbid_dtd=True)
    except DefusedXmlException as error:
        found = type(error).__name__  # DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
        raise GpxImportError(
            f"{name}: DTDs and entity declarations are not allowed in GPX ({found})"
        ) from None
    except safe_etree.ParseError as error:
        raise GpxImportError(f"{name}: malformed GPX: {error}") from None
    if root.tag.rpartition("}")[2] != "gpx":
        raise GpxImportError(f"{name}: not a GPX file (its root element is <{root.tag}>, not <gpx>)")
    try:
        # gpxpy hands lxml UTF-8 bytes: the declaration must say so, whatever the file was in.
        return gpxpy.parse(DECLARED_ENCODING.sub(r"\g<1>UTF-8", text, count=1))
    except gpxpy.gpx.GPXException as error:
        raise GpxImportError(f"{name}: malformed GPX: {error}") from error


def decode_gpx(data: bytes, name: str) -> str:
    """The text of a GPX file, as XML says to read it.

    A byte-order mark decides (UTF-8 or UTF-16); otherwise the encoding the XML declaration
    names (ISO-8859-1, windows-1251, ...); otherwise UTF-8. An unknown or non-text encoding, or
    bytes that are not text in it, are refused naming the file and the encoding.

    >>> decode_gpx(b'<?xml version="1.0" encoding="cp1251"?><gpx>\\xcf\\xf0\\xf3\\xe4</gpx>', "a")[-10:]
    'Пруд</gpx>'
    >>> decode_gpx(b"\\xef\\xbb\\xbf<gpx/>", "a.gpx")
    '<gpx/>'
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _starting_with_a_tag(_decode(data, "utf-16", name, "UTF-16 as its byte-order mark says"), name)
    elif data.startswith((b"<\x00", b"\x00<")):  # XML 1.0 appendix F: UTF-16 without a mark
        encoding = "utf-16-le" if data.startswith(b"<") else "utf-16-be"
        return _starting_with_a_tag(_decode(data, encoding, name, f"{encoding.upper()} text"), name)
    if not data.lstrip().startswith(b"<"):
        raise GpxImportError(f"{name}: not a GPX file (it does not start with an XML tag)")
    declared = DECLARED_ENCODING.match(data.decode("latin-1"))
    if declared is None:
        text = _decode(data, "utf-8", name, "UTF-8 text (and its XML declaration names no other encoding)")
        return _starting_with_a_tag(text, name)
    encoding = declared.group(2)
    return _starting_with_a_tag(
        _decode(data, encoding, name, f"{encoding} text, as its XML declaration says"), name
    )


def _decode(data: bytes, encoding: str, name: str, expected: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:  # no such codec, or one that is not a text encoding (rot13, base64)
        raise GpxImportError(
            f"{name}: its XML declaration names the encoding {encoding!r}, which is not a known text encoding"
        ) from None
    except UnicodeDecodeError as error:
        raise GpxImportError(f"{name}: not {expected}: {error}") from None


def _starting_with_a_tag(text: str, name: str) -> str:
    if not text.lstrip().startswith("<"):
        raise GpxImportError(f"{name}: not a GPX file (it does not start with an XML tag)")
    if "\x00" in text:
        raise GpxImportError(f"{name}: not a GPX file (XML text holds no NUL character)")
    return text


@dataclass(frozen=True)
class RecordedPart:
    """A stretch of a recording that was really walked: a track segment, or a piece of one between breaks."""

    number: int  # from 1, in the file's order
    where: tuple[str, int, int]  # ("track", track number, segment number) or ("route", number, 1), from 1
    piece: tuple[int, int]  # (its number, how many) among the pieces its segment was cut into at breaks
    name: str | None  # its track's or route's name
    positions: tuple[tuple[float, float, float | None], ...]  # (lon, lat, elevation or None)
    start: dt.datetime | None
    end: dt.datetime | None
    length_m: float

    @property
    def duration_s(self) -> float | None:
        """Seconds from its first to its last timed fix (None without times)."""
        return _seconds_between(self.start, self.end)


@dataclass(frozen=True)
class Recording:
    """What a GPX file holds for drafts: its parts, none with a straight jump, and its waypoints."""

    file: str
    title: str | None
    parts: tuple[RecordedPart, ...]
    waypoints: tuple[gpxpy.gpx.GPXWaypoint, ...]
    breaks: int  # time gaps and long steps that split a segment
    dropped: int  # pieces with fewer than 2 distinct positions, left out
    most_points: int  # distinct positions of the longest piece


def read_recording(data: bytes, name: str) -> Recording:
    """The parts of a recorded GPX: every track segment on its own, cut at breaks; routes when no track.

    Tracks and segments are never joined: a straight line between them is a place nobody
    walked. A segment is cut where two consecutive timed fixes are more than ``BREAK_GAP_S``
    apart in time or ``BREAK_STEP_M`` apart on the ground (see docs/tracks.md). A segment
    whose every height is 0 has unknown heights. A latitude outside ±90°, a longitude outside
    ±180° or a height that is not a finite number is refused, naming the file ``name``, the
    point's index (from 0, in the file's order) and the value.
    """
    document = parse_gpx(data, name)
    segments = _segments(document)
    planned = all(where[0] == "route" for where, _, _ in segments)
    points = [point for _, _, segment in segments for point in segment]
    for index, point in enumerate(points):
        _check_point(point, index, name)
    for index, waypoint in enumerate(document.waypoints):
        _check_point(waypoint, index, name, "waypoint")
    zeros_are_heights = document.creator == CREATOR  # ecomap writes only known heights
    parts: list[RecordedPart] = []
    breaks = dropped = most_points = 0
    for where, part_name, segment in segments:
        pieces = [segment] if planned else _split_at_breaks(segment)
        breaks += len(pieces) - 1
        unknown_heights = not zeros_are_heights and _all_heights_zero(segment)
        for piece_number, piece in enumerate(pieces, start=1):
            positions = _positions(piece, unknown_heights)
            most_points = max(most_points, len(positions))
            if len(positions) < 2:
                dropped += 1
                continue
            part = _part(len(parts) + 1, where, (piece_number, len(pieces)), part_name, piece, positions)
            parts.append(part)
    waypoints = tuple(document.waypoints)
    return Recording(name, document.name, tuple(parts), waypoints, breaks, dropped, most_points)


def _segments(document: gpxpy.gpx.GPX) -> list[tuple[tuple[str, int, int], str | None, list]]:
    """(where, name, points) of every track segment with points; of every route when there are none."""
    segments = [
        (("track", t, s), track.name, segment.points)
        for t, track in enumerate(document.tracks, start=1)
        for s, segment in enumerate(track.segments, start=1)
        if segment.points
    ]
    return segments or [
        (("route", r, 1), route.name, route.points) for r, route in enumerate(document.routes, 1)
    ]


def _part(
    number: int,
    where: tuple[str, int, int],
    piece: tuple[int, int],
    name: str | None,
    points: list,
    positions: list[tuple[float, float, float | None]],
) -> RecordedPart:
    times = [point.time for point in points if point.time is not None]
    return RecordedPart(
        number=number,
        where=where,
        piece=piece,
        name=name,
        positions=tuple(positions),
        start=times[0] if times else None,
        end=times[-1] if times else None,
        length_m=metrics.length_m([p[0] for p in positions], [p[1] for p in positions]),
    )


def _split_at_breaks(points: list) -> list[list]:
    """The segment's points in pieces, cut between two timed fixes further apart than a walker records."""
    lons = [point.longitude for point in points]
    lats = [point.latitude for point in points]
    steps_m = metrics.segment_lengths_m(lons, lats) if len(points) > 1 else []
    pieces = [[points[0]]]
    for earlier, later, step_m in zip(points[:-1], points[1:], steps_m, strict=True):
        gap_s = _seconds_between(earlier.time, later.time)
        if gap_s is not None and (gap_s > BREAK_GAP_S or step_m > BREAK_STEP_M):
            pieces.append([])
        pieces[-1].append(later)
    return pieces


def _seconds_between(earlier: dt.datetime | None, later: dt.datetime | None) -> float | None:
    if earlier is None or later is None:
        return None
    try:
        return (later - earlier).total_seconds()
    except TypeError:  # one time with a time zone, one without: not comparable
        return None


def _all_heights_zero(points: list) -> bool:
    """Whether every height of the segment is 0: a device without an altimeter writes 0 for "unknown"."""
    heights = [point.elevation for point in points if point.elevation is not None]
    return bool(heights) and all(height == 0 for height in heights)


def _positions(points: list, unknown_heights: bool) -> list[tuple[float, float, float | None]]:
    """(lon, lat, elevation or None) to 6 decimals, without repeats of the same position."""
    positions: list[tuple[float, float, float | None]] = []
    for point in points:
        ele = None if unknown_heights or point.elevation is None else round(point.elevation, 1)
        position = (round(point.longitude, 6), round(point.latitude, 6), ele)
        if not positions or positions[-1][:2] != position[:2]:
            positions.append(position)
    return positions


def _check_point(
    point: gpxpy.gpx.GPXTrackPoint | gpxpy.gpx.GPXRoutePoint | gpxpy.gpx.GPXWaypoint,
    index: int,
    name: str,
    what: str = "point",
) -> None:
    """Raise GpxImportError for a position off the Earth or a height that is not a finite number."""
    if not -90 <= point.latitude <= 90:  # NaN fails every comparison
        raise GpxImportError(f"{name}: {what} {index}: latitude {point.latitude} is outside -90..90")
    if not -180 <= point.longitude <= 180:
        raise GpxImportError(f"{name}: {what} {index}: longitude {point.longitude} is outside -180..180")
    if point.elevation is not None and not math.isfinite(point.elevation):
        raise GpxImportError(f"{name}: {what} {index}: elevation {point.elevation} is not a finite number")


def part_summary(part: RecordedPart) -> str:
    """One line about a part for a listing: number, where and name, points, length and time span."""
    where = _where(part, "en")
    named = f" {part.name!r}" if part.name else ""
    span = "no times"
    if part.start is not None and part.end is not None:
        minutes = (part.duration_s or 0) / 60
        span = f"{part.start:%Y-%m-%d %H:%M}–{part.end:%H:%M} ({minutes:.0f} min)"
    return (
        f"{part.number}: {where}{named}, {len(part.positions)} points, {part.length_m / 1000:.2f} km, {span}"
    )


def import_gpx(data: bytes, name: str, updated: dt.date, part: int | None = None) -> dict:
    """A track definition draft from a recorded GPX: its only part, or part number ``part`` (from 1)."""
    recording = read_recording(data, name)
    return draft_part(recording, choose_part(recording, part), updated)


def choose_part(recording: Recording, number: int | None) -> RecordedPart:
    """Part ``number`` (from 1), or the only part; refuse with a listing when the choice is unclear."""
    parts = require_parts(recording)
    if number is None and len(parts) == 1:
        return parts[0]
    if number is not None and 1 <= number <= len(parts):
        return parts[number - 1]
    listing = "\n".join(part_summary(item) for item in parts)
    asked = "" if number is None else f"there is no part {number}; "
    raise PartChoiceError(f"{recording.file}: {asked}the recording has {len(parts)} parts:\n{listing}")


def require_parts(recording: Recording) -> tuple[RecordedPart, ...]:
    """The recording's parts; refuse a recording without a part of 2 or more distinct points."""
    if not recording.parts:
        raise GpxImportError(
            f"{recording.file}: the GPX has {recording.most_points} distinct point(s) in its longest part;"
            " a track needs 2 or more"
        )
    return recording.parts


def draft_part(recording: Recording, part: RecordedPart, updated: dt.date) -> dict:
    """The part as a track definition draft (a GeoJSON FeatureCollection in the pack's format).

    Its stops are the waypoints nearer to it than to any other part, and within
    ``STOP_MAX_OFFSET_M`` of it (``far_waypoints`` names the others).
    """
    several = len(recording.parts) > 1
    title = part.name or recording.title or slug(recording.file)
    track_id = slug(title)[:56] + (f"-{part.number}" if several else "")
    where_en, where_ru = _where(part, "en"), _where(part, "ru")
    total = len(recording.parts)
    of_ru = f" (часть {part.number} из {total}: {where_ru})" if several else ""
    of_en = f" (part {part.number} of {total}: {where_en})" if several else ""
    has_ele = any(ele is not None for _, _, ele in part.positions)
    properties = {
        "name_ru": f"{title}, часть {part.number}" if several else title,
        "name_en": f"{title}, part {part.number}" if several else title,
        "description_ru": f"Черновик из записи {recording.file}{of_ru}: опишите маршрут.",
        "description_en": f"Draft from the recording {recording.file}{of_en}: describe the track.",
        "mode": "walk",
        "months": list(range(1, 13)),
        "audiences": ["adults"],
        "surface": "unknown",
        "source_ru": f"GPS-запись {recording.file}{of_ru}",
        "source_en": f"GPS recording {recording.file}{of_en}",
        "accuracy_ru": "approximate: GPS-запись телефона, обычно с точностью 5–15 м",
        "accuracy_en": "approximate: a phone GPS recording, typically within 5-15 m",
        "elevation_ru": "approximate: GPS-высоты записи"
        if has_ele
        else "approximate: в записи нет высот; все высоты неизвестны",
        "elevation_en": "approximate: GPS heights of the recording"
        if has_ele
        else "approximate: the recording has no heights; every height is unknown",
        "updated": updated.isoformat(),
    }
    line = [[lon, lat] if ele is None else [lon, lat, ele] for lon, lat, ele in part.positions]
    features = [{"type": "Feature", "id": track_id, "properties": properties, "geometry": _line(line)}]
    nearest = _nearest_parts(recording)
    for index, waypoint in enumerate(recording.waypoints, start=1):
        number, offset_m = nearest[index - 1]
        if number == part.number and offset_m <= STOP_MAX_OFFSET_M:
            features.append(_stop_feature(track_id, index, waypoint))
    return {"type": "FeatureCollection", "features": features}


def _where(part: RecordedPart, lang: str) -> str:
    """Where the part is in the file, in ``lang`` (ru, en): its track and segment, or route, and piece."""
    kind, first, second = part.where
    words = WHERE_WORDS[lang]
    where = words[kind].format(first, second)
    return where if part.piece[1] == 1 else words["piece"].format(where, *part.piece)


def far_waypoints(recording: Recording) -> list[tuple[str, float]]:
    """(name, metres to the nearest part) of each waypoint that no draft takes as a stop."""
    return [
        (waypoint.name or f"waypoint {index}", offset_m)
        for index, (waypoint, (_, offset_m)) in enumerate(
            zip(recording.waypoints, _nearest_parts(recording), strict=True), start=1
        )
        if offset_m > STOP_MAX_OFFSET_M
    ]


def _nearest_parts(recording: Recording) -> list[tuple[int, float]]:
    """For each waypoint, the number of the part nearest to it and its distance in metres."""
    nearest = []
    for waypoint in recording.waypoints:
        offsets = [
            (_offset_m(waypoint.longitude, waypoint.latitude, part), part.number) for part in recording.parts
        ]
        offset_m, number = min(offsets, default=(math.inf, 0))
        nearest.append((number, offset_m))
    return nearest


def _offset_m(lon: float, lat: float, part: RecordedPart) -> float:
    """Metres from (lon, lat) to the part's line, on a plane tangent at the point (exact enough within km)."""
    lons = np.array([position[0] for position in part.positions])
    lats = np.array([position[1] for position in part.positions])
    x = ((lons - lon + 180) % 360 - 180) * math.cos(math.radians(lat)) * METRES_PER_DEGREE
    y = (lats - lat) * METRES_PER_DEGREE
    dx, dy = np.diff(x), np.diff(y)
    squared = dx * dx + dy * dy
    along = np.clip(-(x[:-1] * dx + y[:-1] * dy) / np.where(squared > 0, squared, 1), 0, 1)
    return float(np.min(np.hypot(x[:-1] + along * dx, y[:-1] + along * dy)))


def _line(coordinates: list) -> dict:
    return {"type": "LineString", "coordinates": coordinates}


def _stop_feature(track_id: str, index: int, waypoint: gpxpy.gpx.GPXWaypoint) -> dict:
    kind = waypoint.type if waypoint.type in STOP_SYMBOLS else "info"
    label = waypoint.name or f"Stop {index}"
    text = waypoint.description or waypoint.comment or label
    return {
        "type": "Feature",
        "id": f"{track_id}-stop-{index}",
        "properties": {"kind": kind, "name_ru": label, "name_en": label, "text_ru": text, "text_en": text},
        "geometry": {
            "type": "Point",
            "coordinates": [round(waypoint.longitude, 6), round(waypoint.latitude, 6)],
        },
    }


def slug(text: str) -> str:
    """A track id ``[a-z0-9-]+`` from a name; Cyrillic is transliterated.

    >>> slug("Прогулка у пруда 2"), slug("Morning walk.gpx"), slug("!!!")
    ('progulka-u-pruda-2', 'morning-walk', 'track')
    """
    text = re.sub(r"\.gpx$", "", text.strip().lower())
    text = "".join(TRANSLIT.get(char, char) for char in text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "track"


# Russian to Latin letters for ids (a simplified BGN/PCGN romanisation); ъ and ь are dropped.
TRANSLIT = {
    **dict(zip("абвгдеёзийклмнопрстуфыэ", "abvgdeeziyklmnoprstufye", strict=True)),
    "х": "kh",
    "ж": "zh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ю": "yu",
    "я": "ya",
    "ъ": "",
    "ь": "",
}
