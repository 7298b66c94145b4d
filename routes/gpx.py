"""GPX 1.1 for tracks, only through gpxpy's model: a track with its stops out, a recorded walk in."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import defusedxml.ElementTree as safe_etree
import gpxpy
import gpxpy.gpx
from defusedxml import DefusedXmlException

from routes.tracks import Track

MAX_GPX_BYTES = 10 * 1024 * 1024  # a 10,000-point recording is about 1 MB
CREATOR = "ecomap"
# Garmin's waypoint symbol names, which most GPS apps draw.
STOP_SYMBOLS = {
    "start": "Flag, Green",
    "finish": "Flag, Red",
    "bench": "Picnic Area",
    "tea": "Restaurant",
    "view": "Scenic Area",
    "info": "Information",
}


class GpxImportError(ValueError):
    """A file that cannot become a track draft, with the reason."""


@dataclass(frozen=True)
class GpxText:
    """What a GPX file says about its track in one language: description, author, link text, keywords."""

    description: str
    author: str
    link_text: str
    keywords: str


def build_gpx(track: Track, lang: str, text: GpxText, page_url: str) -> str:
    """The track as GPX 1.1 XML: metadata, a waypoint for every stop and the line with known heights."""
    document = gpxpy.gpx.GPX()
    document.creator = CREATOR
    document.name = track.name[lang]
    document.description = text.description
    document.author_name = text.author
    document.link = page_url
    document.link_text = text.link_text
    document.time = dt.datetime.combine(track.updated, dt.time(), tzinfo=dt.UTC)
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
    gpx_track.type = track.mode
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

    The whole document goes through defusedxml with DTDs forbidden before gpxpy sees it, so no
    entity is ever expanded (billion laughs) or fetched (external entities, XXE), wherever it hides.
    """
    if len(data) > MAX_GPX_BYTES:
        raise GpxImportError(
            f"{name}: {len(data) / 1e6:.1f} MB is over the {MAX_GPX_BYTES / 1e6:.1f} MB limit"
        )
    if not data.lstrip().startswith(b"<"):
        raise GpxImportError(f"{name}: not a GPX file (it does not start with an XML tag)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise GpxImportError(f"{name}: not UTF-8 text: {error}") from error
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
        return gpxpy.parse(text)
    except gpxpy.gpx.GPXException as error:
        raise GpxImportError(f"{name}: malformed GPX: {error}") from error


def recorded_points(document: gpxpy.gpx.GPX, name: str) -> list[tuple[float, float, float | None]]:
    """Every (lon, lat, elevation or None) of the tracks, or of the routes when there is no track.

    A latitude outside ±90°, a longitude outside ±180° or a height that is not a
    finite number is refused, naming the file ``name``, the point's index (from 0,
    in the file's order) and the value.
    """
    points = [p for track in document.tracks for segment in track.segments for p in segment.points]
    points = points or [p for route in document.routes for p in route.points]
    positions: list[tuple[float, float, float | None]] = []
    for index, point in enumerate(points):
        _check_point(point, index, name)
        ele = None if point.elevation is None else round(point.elevation, 1)
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


def import_gpx(data: bytes, name: str, updated: dt.date) -> dict:
    """A track definition draft (a GeoJSON FeatureCollection in the pack's format) from a recorded GPX."""
    document = parse_gpx(data, name)
    positions = recorded_points(document, name)
    if len(positions) < 2:
        raise GpxImportError(
            f"{name}: the GPX has {len(positions)} distinct point(s); a track needs 2 or more"
        )
    track_id = slug(document.name or (document.tracks[0].name if document.tracks else None) or name)
    title = document.name or (document.tracks[0].name if document.tracks else None) or track_id
    has_ele = any(ele is not None for _, _, ele in positions)
    properties = {
        "name_ru": title,
        "name_en": title,
        "description_ru": f"Черновик из записи {name}: опишите маршрут.",
        "description_en": f"Draft from the recording {name}: describe the track.",
        "mode": "walk",
        "months": list(range(1, 13)),
        "audiences": ["adults"],
        "surface": "unknown",
        "source": f"GPS recording {name}",
        "accuracy": "approximate: a phone GPS recording, typically within 5-15 m",
        "elevation": "approximate: GPS heights of the recording"
        if has_ele
        else "approximate: the recording has no heights; every height is unknown",
        "updated": updated.isoformat(),
    }
    line = [[lon, lat] if ele is None else [lon, lat, ele] for lon, lat, ele in positions]
    features = [{"type": "Feature", "id": track_id, "properties": properties, "geometry": _line(line)}]
    for index, waypoint in enumerate(document.waypoints, start=1):
        _check_point(waypoint, index - 1, name, "waypoint")
        features.append(_stop_feature(track_id, index, waypoint))
    return {"type": "FeatureCollection", "features": features}


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
