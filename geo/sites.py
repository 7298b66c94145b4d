"""Proposal sites of a pack (``sites.toml``): drawing masks, keep-clear features, route, budget and kit."""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from geo.crs import in_degrees, in_metres
from geo.errors import KitError, Problem, SitesError
from geo.features import check_geometry
from geo.kit import ID_PATTERN, Kit, is_bounded, load_kit
from geo.pack import CityPack

SITES_FILE = "sites.toml"
SITE_KEYS = ("id", "layer", "feature", "title_ru", "title_en")
OPTIONAL_KEYS = ("keep_clear", "free_route_m", "budget_rub", "parts")
MASK_TOLERANCE_M = 0.5
# SP 59.13330.2020: a wheelchair needs 0.9 m of free passage, two pass in about 1.8 m; 1.5 m by default.
FREE_ROUTE_M = 1.5
MAX_FREE_ROUTE_M = 10.0
KEEP_CLEAR_KINDS = {"entrance": "point", "path": "line", "fire-access": "polygon", "area": "polygon"}
KEEP_CLEAR_GEOMETRY = {"entrance": "Point", "path": "LineString", "fire-access": "Polygon", "area": "Polygon"}
KEEP_CLEAR_TEXTS = ("kind", "name_ru", "name_en", "accuracy", "source")
KEEP_CLEAR_FIGURES = {"entrance": ("clear_radius_m", "opening_m"), "path": ("width_m",)}
MAX_KEEP_CLEAR_M = 50.0
ENTRANCE_NEAR_M = 5.0  # an entrance lies on the site's outline, give or take this


@dataclass(frozen=True)
class KeepClear:
    """A place of a site that parts must leave clear: an entrance, a path, a fire access, an area.

    ``geometry`` is WGS84; ``geometry_metric`` the same in metres; ``zone`` the clear zone in metres:
    an entrance's disc of ``clear_radius_m``, a path buffered by half its ``width_m``, a polygon as is.
    """

    id: str
    kind: str
    name: dict[str, str]
    accuracy: str
    source: str
    geometry: BaseGeometry = field(repr=False, compare=False)
    geometry_metric: BaseGeometry = field(repr=False, compare=False)
    zone: BaseGeometry = field(repr=False, compare=False)
    clear_radius_m: float | None = None
    opening_m: float | None = None
    width_m: float | None = None


@dataclass(frozen=True)
class Site:
    """One proposal site: its id, titles, mask (WGS84), the mask in metres grown by the tolerance, rules."""

    id: str
    layer: str
    feature: str
    title: dict[str, str]
    mask: BaseGeometry = field(repr=False, compare=False)
    crs_metric: str = field(repr=False, compare=False)
    mask_metric: BaseGeometry = field(repr=False, compare=False)
    keep_clear: tuple[KeepClear, ...] = ()
    free_route_m: float = FREE_ROUTE_M
    budget_rub: float | None = None
    parts: tuple[str, ...] | None = None  # the part ids allowed on the site; None: the whole kit

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """The mask's ``(west, south, east, north)``."""
        west, south, east, north = self.mask.bounds
        return float(west), float(south), float(east), float(north)

    @property
    def entrances(self) -> tuple[KeepClear, ...]:
        """The site's entrances (its keep-clear features of kind ``entrance``)."""
        return tuple(feature for feature in self.keep_clear if feature.kind == "entrance")


def load_sites(pack: CityPack, kit: Kit | None = None) -> dict[str, Site]:
    """The pack's proposal sites by id; none without ``sites.toml``; SitesError naming every problem.

    A site's ``parts`` are checked against ``kit`` when one is given.
    """
    sites, problems = _read_sites(pack, kit, check_parts=kit is not None)
    if problems:
        raise SitesError(str(pack.path), problems)
    return sites


def check_sites(pack: CityPack) -> list[Problem]:
    """Every problem of the pack's ``sites.toml`` and keep-clear files, parts checked against its kit."""
    try:
        kit = load_kit(pack.path)
    except KitError:
        kit = None  # check_kit tells the kit's own problems; the parts cannot be checked against it
        return _read_sites(pack, kit, check_parts=False)[1]
    return _read_sites(pack, kit, check_parts=True)[1]


def _read_sites(pack: CityPack, kit: Kit | None, check_parts: bool) -> tuple[dict[str, Site], list[Problem]]:
    path = Path(pack.path) / SITES_FILE
    if not path.exists():
        return {}, []
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        return {}, [Problem(SITES_FILE, "", f"unreadable TOML: {error}")]
    entries = document.get("sites", [])
    if not isinstance(entries, list):
        return {}, [Problem(SITES_FILE, "", "'[[sites]]' must be a list of tables")]
    sites: dict[str, Site] = {}
    problems: list[Problem] = []
    for number, entry in enumerate(entries, 1):
        site, site_problems = _site(pack, entry, number, kit, check_parts)
        problems.extend(site_problems)
        if site is not None and site.id in sites:
            problems.append(Problem(SITES_FILE, f"site {site.id!r}", "field 'id' is used by another site"))
        elif site is not None:
            sites[site.id] = site
    return sites, problems


def _site(
    pack: CityPack, entry: Any, number: int, kit: Kit | None, check_parts: bool
) -> tuple[Site | None, list[Problem]]:
    if not isinstance(entry, dict):
        return None, [Problem(SITES_FILE, f"site #{number}", "must be a table")]
    where = f"site {entry['id']!r}" if isinstance(entry.get("id"), str) else f"site #{number}"
    messages = [
        f"field '{key}' is missing or not a text" for key in SITE_KEYS if not isinstance(entry.get(key), str)
    ]
    messages.extend(f"unknown field '{key}'" for key in sorted(set(entry) - {*SITE_KEYS, *OPTIONAL_KEYS}))
    if messages:
        return None, [Problem(SITES_FILE, where, message) for message in messages]
    if not ID_PATTERN.match(entry["id"]):
        messages.append(f"field 'id' must match ^[a-z0-9][a-z0-9-]*$, got {entry['id']!r}")
    layer = pack.layers.get(entry["layer"])
    if layer is None:
        messages.append(f"field 'layer': no layer {entry['layer']!r} in the pack")
    elif entry["feature"] not in layer.frame.index:
        messages.append(f"field 'feature': no feature {entry['feature']!r} in layer {entry['layer']!r}")
    elif layer.frame.geometry.loc[entry["feature"]].geom_type not in ("Polygon", "MultiPolygon"):
        kind = layer.frame.geometry.loc[entry["feature"]].geom_type
        messages.append(f"field 'feature': {entry['feature']!r} is a {kind}, not a polygon")
    messages.extend(_rule_messages(entry, kit, check_parts))
    if messages or layer is None:
        return None, [Problem(SITES_FILE, where, message) for message in messages]
    mask = layer.frame.geometry.loc[entry["feature"]]
    mask_metric = in_metres(mask, pack.crs_metric).buffer(MASK_TOLERANCE_M)
    keep_clear: tuple[KeepClear, ...] = ()
    if "keep_clear" in entry:
        keep_clear, problems = _read_keep_clear(pack, entry["keep_clear"], where, mask_metric)
        if problems:
            return None, problems
    shapely.prepare(mask_metric)
    site = Site(
        id=entry["id"],
        layer=entry["layer"],
        feature=entry["feature"],
        title={"ru": entry["title_ru"], "en": entry["title_en"]},
        mask=mask,
        crs_metric=pack.crs_metric,
        mask_metric=mask_metric,
        keep_clear=keep_clear,
        free_route_m=float(entry.get("free_route_m", FREE_ROUTE_M)),
        budget_rub=float(entry["budget_rub"]) if "budget_rub" in entry else None,
        parts=tuple(entry["parts"]) if "parts" in entry else None,
    )
    return site, []


def _rule_messages(entry: dict[str, Any], kit: Kit | None, check_parts: bool) -> list[str]:
    """What is wrong with a site's optional rules: route width, budget, parts, keep-clear file name."""
    messages = []
    if "free_route_m" in entry and not is_bounded(entry["free_route_m"], 0.0, MAX_FREE_ROUTE_M, False):
        messages.append(f"field 'free_route_m' must be a number > 0 and ≤ 10, got {entry['free_route_m']!r}")
    if "budget_rub" in entry and not is_bounded(entry["budget_rub"], 0.0, 1e9, False):
        messages.append(f"field 'budget_rub' must be a number > 0, got {entry['budget_rub']!r}")
    if "keep_clear" in entry and not isinstance(entry["keep_clear"], str):
        messages.append(f"field 'keep_clear' must be the path of a GeoJSON file, got {entry['keep_clear']!r}")
    parts = entry.get("parts")
    if "parts" in entry and (not isinstance(parts, list) or not all(isinstance(p, str) for p in parts)):
        messages.append(f"field 'parts' must be a list of part ids, got {parts!r}")
    elif isinstance(parts, list) and len(set(parts)) != len(parts):
        messages.append("field 'parts' lists a part twice")
    elif isinstance(parts, list) and check_parts:
        if kit is None:
            messages.append("field 'parts': the pack has no kit.toml")
        else:
            messages.extend(
                f"field 'parts': no part {part!r} in kit.toml" for part in parts if part not in kit.parts
            )
    return messages


def _read_keep_clear(
    pack: CityPack, relative: str, site_where: str, mask_metric: BaseGeometry
) -> tuple[tuple[KeepClear, ...], list[Problem]]:
    """The keep-clear features of a site's GeoJSON file, or every problem of the file."""
    root = Path(pack.path).resolve()
    path = (root / relative).resolve()
    if Path(relative).is_absolute() or not path.is_relative_to(root):
        return (), [Problem(SITES_FILE, site_where, f"field 'keep_clear' {relative!r} lies outside the pack")]
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return (), [Problem(SITES_FILE, site_where, f"field 'keep_clear': no file {relative!r} in the pack")]
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return (), [Problem(relative, "", f"unreadable JSON: {error}")]
    features = document.get("features") if isinstance(document, dict) else None
    if (
        not isinstance(document, dict)
        or document.get("type") != "FeatureCollection"
        or not isinstance(features, list)
    ):
        return (), [Problem(relative, "", "must be a GeoJSON FeatureCollection with a list of 'features'")]
    found: list[KeepClear] = []
    problems: list[Problem] = []
    for index, feature in enumerate(features):
        where = _feature_where(feature, index)
        messages = _keep_clear_messages(feature, pack, {item.id for item in found})
        if messages:
            problems.extend(Problem(relative, where, message) for message in messages)
            continue
        item = _keep_clear(feature, pack.crs_metric)
        if item.kind == "entrance" and item.geometry_metric.distance(mask_metric.boundary) > ENTRANCE_NEAR_M:
            distance = item.geometry_metric.distance(mask_metric.boundary)
            problems.append(
                Problem(
                    relative,
                    where,
                    f"an entrance must lie on the site's outline; it is {distance:.1f} m away",
                )
            )
        found.append(item)
    return tuple(found), problems


def _feature_where(feature: Any, index: int) -> str:
    feature_id = feature.get("id") if isinstance(feature, dict) else None
    return f"feature {feature_id!r}" if isinstance(feature_id, str) else f"feature #{index + 1}"


def _keep_clear_messages(feature: Any, pack: CityPack, seen: set[str]) -> list[str]:
    """What is wrong with one raw keep-clear feature: id, kind, texts, figures, geometry."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return ["must be a GeoJSON Feature"]
    feature_id = feature.get("id")
    messages = []
    if not isinstance(feature_id, str) or not ID_PATTERN.match(feature_id):
        messages.append(f"'id' must be a text matching ^[a-z0-9][a-z0-9-]*$, got {feature_id!r}")
    elif feature_id in seen:
        messages.append(f"'id' {feature_id!r} is used by another feature")
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        return [*messages, "'properties' must be an object"]
    kind = properties.get("kind")
    if kind not in KEEP_CLEAR_KINDS:
        return [*messages, f"property 'kind' must be one of {', '.join(KEEP_CLEAR_KINDS)}, got {kind!r}"]
    figures = KEEP_CLEAR_FIGURES.get(kind, ())
    for key in KEEP_CLEAR_TEXTS:
        if not isinstance(properties.get(key), str) or not properties[key].strip():
            messages.append(f"property '{key}' must be a non-empty text, got {properties.get(key)!r}")
    for key in figures:
        if not is_bounded(properties.get(key), 0.0, MAX_KEEP_CLEAR_M, low_allowed=False):
            messages.append(
                f"property '{key}' must be a number > 0 and ≤ 50 (metres), got {properties.get(key)!r}"
            )
    messages.extend(
        f"unknown property '{key}'" for key in sorted(set(properties) - {*KEEP_CLEAR_TEXTS, *figures})
    )
    geometry: Any = feature.get("geometry")
    geometry_messages = check_geometry(geometry, KEEP_CLEAR_KINDS[kind], pack.bbox)
    messages.extend(f"geometry: {message}" for message in geometry_messages)
    if not geometry_messages and geometry["type"] != KEEP_CLEAR_GEOMETRY[kind]:
        messages.append(f"geometry: a {kind} must be a {KEEP_CLEAR_GEOMETRY[kind]}, got {geometry['type']}")
    return messages


def _keep_clear(feature: dict[str, Any], crs_metric: str) -> KeepClear:
    properties = feature["properties"]
    geometry = shape(feature["geometry"])
    metric = in_metres(geometry, crs_metric)
    kind = properties["kind"]
    figures = {key: float(properties[key]) for key in KEEP_CLEAR_FIGURES.get(kind, ())}
    zone: BaseGeometry
    if kind == "entrance":
        zone = metric.buffer(figures["clear_radius_m"])
    elif kind == "path":
        zone = metric.buffer(figures["width_m"] / 2, cap_style="flat")
    else:
        zone = metric
    shapely.prepare(zone)
    return KeepClear(
        id=feature["id"],
        kind=kind,
        name={"ru": properties["name_ru"], "en": properties["name_en"]},
        accuracy=properties["accuracy"],
        source=properties["source"],
        geometry=geometry,
        geometry_metric=metric,
        zone=zone,
        **figures,
    )


def sites_collection(sites: dict[str, Site], lang: str | None = None) -> dict[str, Any]:
    """The sites as a GeoJSON FeatureCollection whose features' ``id`` is the site id.

    Beside the titles, layer and feature, each says its ``free_route_m``, ``budget_rub`` (or null),
    ``parts`` (or null for the whole kit) and the ids of its keep-clear features.
    """
    features = []
    for site in sites.values():
        properties: dict[str, Any] = {"title_ru": site.title["ru"], "title_en": site.title["en"]}
        properties.update({"layer": site.layer, "feature": site.feature})
        if lang:
            properties["title"] = site.title[lang]
        properties.update(
            {
                "free_route_m": site.free_route_m,
                "budget_rub": site.budget_rub,
                "parts": list(site.parts) if site.parts is not None else None,
                "keep_clear": [item.id for item in site.keep_clear],
            }
        )
        features.append(
            {"type": "Feature", "id": site.id, "properties": properties, "geometry": mapping(site.mask)}
        )
    return {"type": "FeatureCollection", "features": features}


def keep_clear_collection(site: Site) -> dict[str, Any]:
    """A site's keep-clear features as GeoJSON: each with its kind, names, figures and clear zone in WGS84.

    The zone (``properties.zone``, a GeoJSON geometry) is what parts must stay out of; the feature's
    geometry is the drawn point, line or polygon.
    """
    features = []
    for item in site.keep_clear:
        zone = in_degrees(item.zone, site.crs_metric)
        properties: dict[str, Any] = {
            "kind": item.kind,
            "name_ru": item.name["ru"],
            "name_en": item.name["en"],
        }
        properties.update({"accuracy": item.accuracy, "source": item.source})
        for key in ("clear_radius_m", "opening_m", "width_m"):
            value = getattr(item, key)
            if value is not None and math.isfinite(value):
                properties[key] = value
        properties["zone"] = mapping(zone)
        features.append(
            {"type": "Feature", "id": item.id, "properties": properties, "geometry": mapping(item.geometry)}
        )
    return {"type": "FeatureCollection", "features": features}
