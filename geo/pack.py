"""Load a city pack (city.toml and its GeoJSON layers) into GeoDataFrames, checking all of it."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyproj

from geo.coords import BBox
from geo.crs import WGS84
from geo.errors import PackError, Problem
from geo.features import GEOMETRY_TYPES, check_geometry, check_properties
from geo.tables import check_keys

CITY_FILE = "city.toml"
LAYERS_DIR = "layers"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LANGUAGES = ("ru", "en")
CITY_KEYS: dict[str, type] = {
    "id": str,
    "name_ru": str,
    "name_en": str,
    "center_lat": float,
    "center_lon": float,
    "bbox": list,
    "zoom": int,
    "crs_metric": str,
    "tiles": dict,
    "groups": list,
    "layers": list,
}
LAYER_KEYS: dict[str, type] = {
    "id": str,
    "title_ru": str,
    "title_en": str,
    "legend_ru": str,
    "legend_en": str,
    "kind": str,
    "group": str,
    "style": dict,
    "popup_fields": list,
}


@dataclass(frozen=True)
class Layer:
    """One layer of a pack: its manifest entry and its features in WGS84."""

    id: str
    title: dict[str, str]
    legend: dict[str, str]
    kind: str
    group: str
    style: dict[str, Any]
    popup_fields: tuple[str, ...]
    frame: gpd.GeoDataFrame = field(repr=False, compare=False)


@dataclass(frozen=True)
class CityPack:
    """A city: its names, map frame, metric CRS, tile source, groups and layers."""

    path: Path
    id: str
    name: dict[str, str]
    center_lat: float
    center_lon: float
    bbox: BBox
    zoom: int
    crs_metric: str
    tiles_url: str
    tiles_attribution: str
    groups: dict[str, dict[str, str]]
    layers: dict[str, Layer] = field(repr=False)


def load_pack(path: str | Path) -> CityPack:
    """Load the pack at ``path``; raise PackError listing every problem found."""
    pack, problems = _read_pack(Path(path))
    if problems or pack is None:
        raise PackError(str(path), problems)
    return pack


def check_pack(path: str | Path) -> list[Problem]:
    """Return every problem of the pack at ``path`` (an empty list for a good pack)."""
    return _read_pack(Path(path))[1]


def _read_pack(root: Path) -> tuple[CityPack | None, list[Problem]]:
    city, problems = _read_city(root)
    if city is None:
        return None, problems
    groups = {group["id"]: _localized(group, "title") for group in city["groups"]}
    layers: dict[str, Layer] = {}
    seen_ids: dict[str, str] = {}
    bbox: BBox = tuple(city["bbox"])
    for entry in city["layers"]:
        layer, layer_problems = _read_layer(root, entry, bbox, seen_ids, set(groups))
        problems.extend(layer_problems)
        if layer is not None and layer.id in layers:
            problems.append(Problem(CITY_FILE, f"layer {layer.id!r}", "listed twice in [[layers]]"))
        elif layer is not None:
            layers[layer.id] = layer
    problems.extend(_unlisted_files(root, city["layers"]))
    if problems:
        return None, problems
    pack = CityPack(
        path=root,
        id=city["id"],
        name=_localized(city, "name"),
        center_lat=float(city["center_lat"]),
        center_lon=float(city["center_lon"]),
        bbox=bbox,
        zoom=city["zoom"],
        crs_metric=city["crs_metric"],
        tiles_url=city["tiles"]["url"],
        tiles_attribution=city["tiles"]["attribution"],
        groups=groups,
        layers=layers,
    )
    return pack, []


def _read_city(root: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read and check city.toml; return it only when it is usable."""
    city_path = root / CITY_FILE
    if not root.is_dir():
        return None, [Problem(str(root), "", "the pack folder does not exist")]
    try:
        city = tomllib.loads(city_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [Problem(CITY_FILE, "", f"missing: a pack needs {city_path}")]
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        return None, [Problem(CITY_FILE, "", f"unreadable TOML: {error}")]
    problems = [Problem(CITY_FILE, "", message) for message in _check_city(city)]
    return (None if problems else city), problems


def _check_city(city: dict[str, Any]) -> list[str]:
    messages = check_keys(city, CITY_KEYS, "city")
    if messages:
        return messages
    if not ID_PATTERN.match(city["id"]):
        messages.append(f"'id' {city['id']!r} must match [a-z0-9-]+")
    bbox = city["bbox"]
    if len(bbox) != 4 or not all(isinstance(v, int | float) for v in bbox):
        messages.append(f"'bbox' must be [west, south, east, north] numbers, got {bbox!r}")
    elif not (-180 <= bbox[0] < bbox[2] <= 180 and -90 <= bbox[1] < bbox[3] <= 90):
        messages.append(f"'bbox' {bbox!r} is not [west, south, east, north] in WGS84 degrees")
    elif not (bbox[0] <= city["center_lon"] <= bbox[2] and bbox[1] <= city["center_lat"] <= bbox[3]):
        messages.append("'center_lat', 'center_lon' lie outside 'bbox': swapped lat/lon?")
    try:
        if not pyproj.CRS.from_user_input(city["crs_metric"]).is_projected:
            messages.append(f"'crs_metric' {city['crs_metric']!r} is not a projected (metric) CRS")
    except pyproj.exceptions.CRSError:
        messages.append(f"'crs_metric' {city['crs_metric']!r} is not a known CRS")
    for key in ("url", "attribution"):
        if not isinstance(city["tiles"].get(key), str):
            messages.append(f"'tiles.{key}' is missing or not a text")
    for index, group in enumerate(city["groups"]):
        messages.extend(check_keys(group, {"id": str, "title_ru": str, "title_en": str}, f"groups[{index}]"))
    return messages


def _read_layer(
    root: Path, entry: dict[str, Any], bbox: BBox, seen_ids: dict[str, str], groups: set[str]
) -> tuple[Layer | None, list[Problem]]:
    """Check one manifest entry and its GeoJSON file; build the layer when both are good."""
    layer_id = entry.get("id") if isinstance(entry, dict) else None
    label = f"layer {layer_id!r}"
    messages = check_keys(entry, LAYER_KEYS, label)
    if messages:
        return None, [Problem(CITY_FILE, "", message) for message in messages]
    messages = _check_manifest_values(entry, groups)
    if messages:
        return None, [Problem(CITY_FILE, label, message) for message in messages]
    relative = f"{LAYERS_DIR}/{layer_id}.geojson"
    features, problems = _read_features(root / relative, relative)
    if features is None:
        return None, problems
    for index, feature in enumerate(features):
        problems.extend(_check_feature(feature, index, entry["kind"], bbox, relative, seen_ids))
    if problems:
        return None, problems
    frame = gpd.GeoDataFrame.from_features(features, crs=WGS84)
    frame.index = [feature["id"] for feature in features]
    frame.index.name = "id"
    layer = Layer(
        id=entry["id"],
        title=_localized(entry, "title"),
        legend=_localized(entry, "legend"),
        kind=entry["kind"],
        group=entry["group"],
        style=dict(entry["style"]),
        popup_fields=tuple(entry["popup_fields"]),
        frame=frame,
    )
    return layer, []


def _check_manifest_values(entry: dict[str, Any], groups: set[str]) -> list[str]:
    messages = []
    if not ID_PATTERN.match(entry["id"]):
        messages.append(f"'id' {entry['id']!r} must match [a-z0-9-]+")
    if entry["kind"] not in GEOMETRY_TYPES:
        messages.append(f"'kind' {entry['kind']!r} is not one of {', '.join(GEOMETRY_TYPES)}")
    if entry["group"] not in groups:
        messages.append(f"'group' {entry['group']!r} is not one of the [[groups]]: {sorted(groups)}")
    if not all(isinstance(name, str) for name in entry["popup_fields"]):
        messages.append(f"'popup_fields' must be a list of texts, got {entry['popup_fields']!r}")
    return messages


def _read_features(path: Path, relative: str) -> tuple[list[dict] | None, list[Problem]]:
    """Read a layer file as a list of raw GeoJSON features."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [
            Problem(relative, "", "missing: the manifest lists this layer but its file does not exist")
        ]
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return None, [Problem(relative, "", f"unreadable JSON: {error}")]
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        return None, [Problem(relative, "", "must be a GeoJSON FeatureCollection")]
    features = document.get("features")
    if not isinstance(features, list):
        return None, [Problem(relative, "", "'features' must be a list")]
    if "crs" in document:
        return None, [Problem(relative, "", "'crs' is not allowed: RFC 7946 GeoJSON is always WGS84")]
    return features, []


def _check_feature(
    feature: Any, index: int, kind: str, bbox: BBox, relative: str, seen_ids: dict[str, str]
) -> list[Problem]:
    """Check one raw feature: its id, properties and geometry."""
    feature_id = feature.get("id") if isinstance(feature, dict) else None
    where = f"feature {feature_id!r}" if isinstance(feature_id, str) else f"feature #{index}"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return [Problem(relative, where, "must be a GeoJSON Feature")]
    messages = []
    if not isinstance(feature_id, str) or not ID_PATTERN.match(feature_id):
        messages.append(f"'id' must be a text matching [a-z0-9-]+, got {feature_id!r}")
    elif feature_id in seen_ids:
        messages.append(f"duplicate id: already used in {seen_ids[feature_id]}")
    else:
        seen_ids[feature_id] = relative
    messages.extend(check_properties(feature.get("properties")))
    messages.extend(check_geometry(feature.get("geometry"), kind, bbox))
    return [Problem(relative, where, message) for message in messages]


def _unlisted_files(root: Path, entries: list[dict[str, Any]]) -> list[Problem]:
    """Layer files that no manifest entry names."""
    listed = {f"{entry.get('id')}.geojson" for entry in entries if isinstance(entry, dict)}
    return [
        Problem(f"{LAYERS_DIR}/{path.name}", "", "not listed in city.toml's [[layers]]")
        for path in sorted((root / LAYERS_DIR).glob("*.geojson"))
        if path.name not in listed
    ]


def _localized(table: dict[str, Any], key: str) -> dict[str, str]:
    return {lang: table[f"{key}_{lang}"] for lang in LANGUAGES}
