"""Draft tracks for a new town: for each audience, a loop of its daily step goal from central places.

The drafts are track files in the format of docs/tracks.md, written to
``tracks/drafts/`` (which the catalogue does not read: a draft is not published).
A person reviews a draft, edits its names and texts and moves it to ``tracks/`` to
publish it; ``ecomap check-data`` checks the drafts as it checks the tracks.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.errors import PackError, Problem
from geo.osm import load_mapping, read_tagged
from geo.pack import CityPack, load_pack
from routes.audiences import Audience, load_audiences
from routes.check import check_track
from routes.errors import RoutingError
from routes.loops import REPEAT_PENALTY, Walk, find_loops, start_node
from routes.network import SURFACE_ALIASES, WalkingNetwork, rules_for
from routes.tracks import TRACKS_DIR, parse_track

DRAFTS_DIR = f"{TRACKS_DIR}/drafts"
# OpenStreetMap's tags of a town's central places: its centre node, stations and the town hall.
CENTRAL_TAGS = {
    "place": ("city", "town", "village", "suburb"),
    "railway": ("station", "halt"),
    "public_transport": ("station",),
    "amenity": ("townhall",),
}
MAX_PLACES = 4  # central places tried per audience
DRAFT_NOTE = "draft: suggested by ecomap suggest-tracks on the walking network, not reviewed"
DRAFT_NOTE_RU = "черновик: предложен командой ecomap suggest-tracks по пешеходной сети, не проверен"


@dataclass(frozen=True)
class Place:
    """A central place a loop may start from: where it comes from, its name and position."""

    id: str
    name: dict[str, str]
    lon: float
    lat: float
    origin: str


@dataclass(frozen=True)
class Draft:
    """A suggested track: its file name, document and figures, or why there is none for the audience."""

    audience_id: str
    track_id: str | None
    document: dict[str, Any] | None
    walk: Walk | None
    place: Place | None
    reason: str = ""


def central_places(pack: CityPack) -> list[Place]:
    """The pack's central places from the tags of its point layers, else the centre of city.toml.

    Town and city centres come first, then villages and suburbs, stations and town halls.
    """
    found = []
    for layer_id, layer in pack.layers.items():
        if layer.kind != "point":
            continue
        for feature in read_tagged(pack.path, layer_id):
            tags = feature.get("tags") or {}
            hit = next(
                ((key, tags[key]) for key, values in CENTRAL_TAGS.items() if tags.get(key) in values), None
            )
            if hit is None or feature["geometry"]["type"] != "Point":
                continue
            lon, lat = feature["geometry"]["coordinates"][:2]
            properties = feature.get("properties", {})
            name = {
                lang: properties.get(f"name_{lang}") or tags.get("name") or hit[1] for lang in ("ru", "en")
            }
            found.append(Place(str(feature.get("id")), name, float(lon), float(lat), f"{hit[0]}={hit[1]}"))
    order = [f"place={kind}" for kind in CENTRAL_TAGS["place"]]
    found.sort(
        key=lambda place: (order.index(place.origin) if place.origin in order else len(order), place.id)
    )
    if found:
        return found
    return [Place("centre", dict(pack.name), pack.center_lon, pack.center_lat, "city.toml centre")]


def given_places(points: list[tuple[float, float]]) -> list[Place]:
    """Places given as (lon, lat)."""
    return [
        Place(f"at-{index + 1}", {"ru": f"Точка {index + 1}", "en": f"Point {index + 1}"}, lon, lat, "--at")
        for index, (lon, lat) in enumerate(points)
    ]


def suggest(
    pack: CityPack,
    network: WalkingNetwork,
    audiences: dict[str, Audience],
    places: list[Place],
    today: dt.date,
) -> list[Draft]:
    """For each audience, the greenest loop of its daily goal with the fewest repeats from one of ``places``.

    Candidates from every place are ranked by green share - 6 x repeated share; the
    first whose draft passes check-data's track checks is kept.
    """
    mapping = load_mapping(pack.path)
    drafts = []
    for audience in audiences.values():
        rules = rules_for(audience, mapping)
        steps = audience.daily_step_goal
        candidates: list[tuple[float, Walk, Place]] = []
        reasons = []
        for place in places[:MAX_PLACES]:
            try:
                start = start_node(network, place.lon, place.lat, "start", rules)
                walks = find_loops(network, start, steps, rules, audience.step_length_m)
            except RoutingError as error:
                reasons.append(f"{place.name['en']}: {error}")
                continue
            candidates.extend((w.green_share - REPEAT_PENALTY * w.repeated_share, w, place) for w in walks)
        candidates.sort(key=lambda item: -item[0])
        draft = None
        for _score, walk, place in candidates:
            track_id = f"draft-{audience.id}-{steps}-{_slug(place.id)}"
            document = draft_document(track_id, walk, audience, place, network, today)
            problems = check_draft(document, f"{DRAFTS_DIR}/{track_id}.geojson", pack, audiences)
            if not problems:
                draft = Draft(audience.id, track_id, document, walk, place)
                break
            reasons.append(f"{place.name['en']}: {problems[0].message}")
        drafts.append(draft or Draft(audience.id, None, None, None, None, "; ".join(reasons) or "no loop"))
    return drafts


def draft_document(
    track_id: str, walk: Walk, audience: Audience, place: Place, network: WalkingNetwork, today: dt.date
) -> dict[str, Any]:
    """The draft as a track file (docs/tracks.md): the loop's line and a start stop."""
    coordinates = [[lon, lat] if height is None else [lon, lat, height] for lon, lat, height in walk.coords]
    heights = any(height is not None for _, _, height in walk.coords)
    steps = audience.daily_step_goal
    steps_ru = f"{steps:,}".replace(",", "\u00a0")
    start = walk.coords[0]
    share = f"{walk.green_share:.0%} green, {walk.repeated_share:.0%} repeated"
    share_ru = f"{walk.green_share:.0%} в зелени, {walk.repeated_share:.0%} повторно"
    line = {
        "type": "Feature",
        "id": track_id,
        "properties": {
            "name_ru": f"Черновик: петля на {steps_ru} шагов от «{place.name['ru']}»",
            "name_en": f"Draft: a {steps:,}-step loop from {place.name['en']}",
            "description_ru": (
                f"Предложено автоматически по пешеходной сети ({walk.length_m / 1000:.1f} км, {share_ru}). "
                "Пройдите маршрут, исправьте название и описание, затем перенесите файл в tracks/."
            ),
            "description_en": (
                f"Suggested from the walking network ({walk.length_m / 1000:.1f} km, {share}). "
                "Walk it, edit the name and description, then move the file to tracks/."
            ),
            "mode": "walk",
            "months": list(range(1, 13)),
            "audiences": [audience.id],
            "surface": _surface(walk, audience, network),
            "source_ru": f"ecomap suggest-tracks по пешеходной сети пакета, старт: {place.origin}",
            "source_en": f"ecomap suggest-tracks from the pack's walking network, starting at {place.origin}",
            "accuracy_ru": f"approximate: {DRAFT_NOTE_RU}",
            "accuracy_en": f"approximate: {DRAFT_NOTE}",
            "elevation_ru": "approximate: высоты пешеходной сети"
            if heights
            else "approximate: неизвестны, в пешеходной сети нет высот",
            "elevation_en": "approximate: heights of the walking network"
            if heights
            else "approximate: unknown, the walking network has no heights",
            "updated": today.isoformat(),
        },
        "geometry": {"type": "LineString", "coordinates": coordinates},
    }
    stop = {
        "type": "Feature",
        "id": f"{track_id}-start",
        "properties": {
            "kind": "start",
            "name_ru": "Старт",
            "name_en": "Start",
            "text_ru": f"Старт у «{place.name['ru']}»",
            "text_en": f"Start by {place.name['en']}",
        },
        "geometry": {"type": "Point", "coordinates": [start[0], start[1]]},
    }
    return {"type": "FeatureCollection", "features": [line, stop]}


def _surface(walk: Walk, audience: Audience, network: WalkingNetwork) -> str:
    """The commonest known surface by length (in the audiences' words); a paved one for wheels."""
    lengths: Counter[str] = Counter()
    for u, v in zip(walk.nodes[:-1], walk.nodes[1:], strict=True):
        edge = network.graph.edges[u, v]
        if edge["surface"] is not None:
            lengths[SURFACE_ALIASES.get(edge["surface"], edge["surface"])] += edge["length_m"]
    if audience.surfaces:
        known = [surface for surface, _ in lengths.most_common() if surface in audience.surfaces]
        return known[0] if known else audience.surfaces[0]
    return lengths.most_common(1)[0][0] if lengths else "unknown"


def check_draft(
    document: dict[str, Any], relative: str, pack: CityPack, audiences: dict[str, Audience]
) -> list[Problem]:
    """The problems check-data would report for a draft (none for a good one)."""
    track, problems = parse_track(document, relative, Path(relative).stem)
    if track is None:
        return problems
    return [Problem(relative, f"track {track.id!r}", m) for m in check_track(track, audiences, pack)]


def check_drafts(pack_path: str | Path) -> list[Problem]:
    """check-data for ``tracks/drafts/*.geojson``: each draft checked as a track would be."""
    folder = Path(pack_path) / DRAFTS_DIR
    if not folder.is_dir():
        return []
    try:
        pack = load_pack(pack_path)
    except PackError:
        return []  # check-data reports the pack's own problems
    audiences, _ = load_audiences(pack_path)  # their own problems are reported with the tracks
    problems = []
    for path in sorted(folder.glob("*.geojson")):
        relative = f"{DRAFTS_DIR}/{path.name}"
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            problems.append(Problem(relative, "", f"unreadable JSON: {error}"))
            continue
        problems.extend(check_draft(document, relative, pack, audiences))
    return problems


def write_drafts(drafts: list[Draft], folder: Path) -> list[Path]:
    """Write each found draft to ``folder/<id>.geojson`` (one feature a line), returning the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for draft in drafts:
        if draft.document is None:
            continue
        path = folder / f"{draft.track_id}.geojson"
        features = [json.dumps(feature, ensure_ascii=False) for feature in draft.document["features"]]
        path.write_text(
            '{"type": "FeatureCollection", "features": [\n' + ",\n".join(features) + "\n]}\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def _slug(text: str) -> str:
    """A track id part from a place id: lower-case letters, digits and dashes.

    >>> _slug("osm-places-n123"), _slug("Centre")
    ('osm-places-n123', 'centre')
    """
    slug = "".join(char if char.isascii() and char.isalnum() else "-" for char in text.lower()).strip("-")
    return "-".join(part for part in slug.split("-") if part) or "place"
