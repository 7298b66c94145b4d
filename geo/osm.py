"""Import an OpenStreetMap extract (PBF or OSM XML) into a city pack's layers by a tag mapping, safely."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
import tomlkit
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from geo.coords import BBox
from geo.crs import metric_crs
from geo.errors import OsmImportError
from geo.osm_bounds import Frame, choose_frame, fit_zoom
from geo.osm_files import FORMATS, extract_format, header_box, sorted_copy, unreadable
from geo.osm_walking import is_kerb, largest_part_share, walkable
from geo.pack import CITY_FILE, ID_PATTERN, LAYERS_DIR, check_pack

DEFAULT_MAPPING = Path(__file__).with_name("osm_tags.toml")
PACK_MAPPING = "osm.toml"
ROLES = ("green", "water", "network", "piste", "bench", "kerb", "place")
KINDS = {"polygon", "line", "point"}
GROUP_ID = "openstreetmap"
SOURCE = "OpenStreetMap"
ACCURACY = "surveyed: OpenStreetMap"
ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
BLOCK_START = "# >>> import-osm: layers from OpenStreetMap (ODbL). `ecomap import-osm` rewrites this block"
BLOCK_END = "# <<< import-osm"
DECIMALS = 7  # about 1 cm: the precision of OpenStreetMap's own coordinates
OSM_TYPES = {"n": "node", "w": "way", "r": "relation"}
# Coded tests a layer may add to its ``match``: the walking rules and the kerb rule (docs/osm.md).
FILTERS = {"walkable": walkable, "kerb": is_kerb}
SHOWN_PROBLEMS = 5

__all__ = [
    "ImportSummary",
    "LayerRule",
    "Mapping",
    "OsmImportError",
    "clip_features",
    "import_osm",
    "load_mapping",
    "read_extract",
    "read_tagged",
]


@dataclass(frozen=True)
class LayerRule:
    """One imported layer of the mapping: which tags select its features and how the map shows it."""

    id: str
    role: str
    kind: str
    title: dict[str, str]
    legend: dict[str, str]
    default_name: dict[str, str]
    style: dict[str, Any]
    match: dict[str, tuple[str, ...]]
    keep: tuple[str, ...]
    filter: str | None = None

    def matches(self, tags: dict[str, str]) -> bool:
        """Whether a key of ``match`` has one of its values in ``tags`` ("*": any), and the filter agrees.

        >>> rule = LayerRule("p", "green", "polygon", {}, {}, {}, {}, {"leisure": ("park",)}, ())
        >>> rule.matches({"leisure": "park"}), rule.matches({"leisure": "pitch"})
        (True, False)
        >>> paths = LayerRule("w", "network", "line", {}, {}, {}, {}, {"highway": ("*",)}, (), "walkable")
        >>> paths.matches({"highway": "footway"}), paths.matches({"highway": "footway", "foot": "no"})
        (True, False)
        """
        matched = any(
            key in tags and ("*" in values or tags[key] in values) for key, values in self.match.items()
        )
        return matched and (self.filter is None or FILTERS[self.filter](tags))


@dataclass(frozen=True)
class Mapping:
    """The tag mapping, the roles of the pack's hand-made layers and audiences that prefer benches."""

    rules: tuple[LayerRule, ...]
    roles: dict[str, tuple[str, ...]]
    prefer_benches: tuple[str, ...]

    def layers_with_role(self, role: str) -> tuple[str, ...]:
        """Ids of the imported and hand-made layers that play ``role`` (e.g. "green")."""
        return tuple(rule.id for rule in self.rules if rule.role == role) + self.roles.get(role, ())


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote: feature counts by layer, the bounds used, the walking network's connectivity."""

    counts: dict[str, int]
    bbox: BBox
    bounds_reason: str
    crs_metric: str
    network_length_m: float = 0.0
    largest_part_share: float = 0.0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return ", ".join(f"{layer}: {count:,}" for layer, count in self.counts.items())

    def report(self) -> list[str]:
        """The lines the command prints: bounds and why, CRS, layers and the network's largest part."""
        lines = [
            f"bounds {list(self.bbox)}: {self.bounds_reason}",
            f"metric CRS {self.crs_metric}",
            f"layers: {self}",
        ]
        if self.network_length_m:
            lines.append(
                f"walking network {self.network_length_m / 1000:,.1f} km; its largest connected part "
                f"holds {self.largest_part_share * 100:.1f} % of that length"
            )
        return lines + self.notes


def load_mapping(pack_path: str | Path | None = None) -> Mapping:
    """The default mapping (geo/osm_tags.toml) with the pack's ``osm.toml`` overrides applied."""
    default = _read_toml(DEFAULT_MAPPING)
    override: dict[str, Any] = {}
    if pack_path is not None and (Path(pack_path) / PACK_MAPPING).exists():
        override = _read_toml(Path(pack_path) / PACK_MAPPING)
    label = str(Path(pack_path or "") / PACK_MAPPING)
    unknown = sorted(set(override) - {"layers", "drop", "roles", "prefer_benches"})
    if unknown:
        raise OsmImportError(f"{label}: unknown key(s) {', '.join(unknown)}")
    entries = {entry["id"]: entry for entry in default["layers"]}
    for entry in override.get("layers", []):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise OsmImportError(f"{label}: every [[layers]] entry needs an 'id'")
        entries[entry["id"]] = {**entries.get(entry["id"], {}), **entry}
    for layer_id in override.get("drop", []):
        entries.pop(layer_id, None)
    rules = tuple(_rule(entry, label) for entry in entries.values())
    roles = override.get("roles", {})
    for role, layers in roles.items():
        if role not in ROLES or not isinstance(layers, list):
            raise OsmImportError(f"{label}: [roles] {role!r} must be one of {', '.join(ROLES)} with a list")
    return Mapping(
        rules=rules,
        roles={role: tuple(layers) for role, layers in roles.items()},
        prefer_benches=tuple(override.get("prefer_benches", ["seniors"])),
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise OsmImportError(f"{path}: unreadable TOML: {error}") from None


def _rule(entry: dict[str, Any], label: str) -> LayerRule:
    keys = ["id", "role", "kind", "title_ru", "title_en", "legend_ru", "legend_en", "name_ru", "name_en"]
    keys += ["style", "match", "keep"]
    missing = [key for key in keys if key not in entry]
    if missing:
        raise OsmImportError(f"{label}: layer {entry.get('id')!r} misses {', '.join(missing)}")
    if entry["role"] not in ROLES or entry["kind"] not in KINDS:
        raise OsmImportError(f"{label}: layer {entry['id']!r} has a bad role or kind")
    if entry.get("filter") not in (None, *FILTERS):
        raise OsmImportError(f"{label}: layer {entry['id']!r}: 'filter' must be one of {', '.join(FILTERS)}")
    if not entry["id"].startswith("osm-"):
        raise OsmImportError(f"{label}: imported layer ids start with 'osm-', got {entry['id']!r}")
    return LayerRule(
        id=entry["id"],
        role=entry["role"],
        kind=entry["kind"],
        title={lang: entry[f"title_{lang}"] for lang in ("ru", "en")},
        legend={lang: entry[f"legend_{lang}"] for lang in ("ru", "en")},
        default_name={lang: entry[f"name_{lang}"] for lang in ("ru", "en")},
        style=dict(entry["style"]),
        match={key: tuple(values) for key, values in entry["match"].items()},
        keep=tuple(entry["keep"]),
        filter=entry.get("filter"),
    )


Found = dict[str, list[tuple[str, BaseGeometry, dict[str, str]]]]


def import_osm(extract: str | Path, pack_path: str | Path, create: bool = False) -> ImportSummary:
    """Import ``extract`` into the pack: write its imported layers in a copy, check it, then swap it in.

    With ``create`` the pack is new: its city.toml is framed by the extract (``choose_frame``)
    and written in the copy too, so a failure leaves no folder behind. Hand-made layers are
    never touched; the imported layers and the city.toml block between the import-osm markers
    are rewritten, with the same bytes for the same extract.
    """
    extract, pack_path = Path(extract), Path(pack_path)
    if create:
        _check_new_pack(pack_path)
    mapping = load_mapping(None if create else pack_path)
    city = None if create else _read_city(pack_path)
    if city is not None:
        _check_hand_made(pack_path, city, mapping)
    fmt = extract_format(extract)
    header = header_box(extract, fmt)
    found = read_extract(extract, mapping.rules, fmt)
    network_rules = [rule for rule in mapping.rules if rule.role == "network"]
    if city is None:
        frame = _frame(extract, header, found, network_rules)
        crs_metric = metric_crs(frame.bbox)
    else:
        frame = Frame(tuple(city["bbox"]), f"the pack's bbox ({CITY_FILE})")
        crs_metric = city["crs_metric"]
        _check_overlap(extract, found, frame.bbox)
    features = {rule.id: clip_features(rule, found[rule.id], frame.bbox) for rule in mapping.rules}
    if not any(features.values()):
        raise OsmImportError(
            f"{extract}: no feature with the mapped tags lies inside the pack's bbox {list(frame.bbox)}"
        )
    network = [feature for rule in network_rules for feature in features[rule.id]]
    if not network and not _hand_made_network(city, mapping):
        raise OsmImportError(
            f"{extract}: no walkable way (highway=footway, residential, ... that pedestrians may use) "
            f"inside {list(frame.bbox)}; loops and routes need a walking network"
        )
    _stage_and_swap(extract, pack_path, mapping, features, frame, crs_metric, create)
    length_m, share = largest_part_share(_line_parts(network))
    return ImportSummary(
        counts={rule.id: len(features[rule.id]) for rule in mapping.rules if features[rule.id]},
        bbox=frame.bbox,
        bounds_reason=frame.reason,
        crs_metric=crs_metric,
        network_length_m=length_m,
        largest_part_share=share,
    )


def _check_new_pack(pack_path: Path) -> None:
    if (pack_path / CITY_FILE).exists():
        raise OsmImportError(f"{pack_path}: already a pack; import without --create to update it")
    if pack_path.exists() and (not pack_path.is_dir() or any(pack_path.iterdir())):
        raise OsmImportError(f"{pack_path}: exists and is not an empty folder; --create needs a new folder")
    if not ID_PATTERN.match(pack_path.name):
        raise OsmImportError(f"{pack_path}: a pack's folder name must match [a-z0-9-]+ (it is the pack's id)")


def _check_hand_made(pack_path: Path, city: dict[str, Any], mapping: Mapping) -> None:
    manual = {entry.get("id") for entry in city.get("layers", []) if isinstance(entry, dict)}
    clash = sorted({rule.id for rule in mapping.rules} & (manual - set(_block_layer_ids(pack_path))))
    if clash:
        raise OsmImportError(f"{pack_path}: hand-made layer(s) {', '.join(clash)} would be overwritten")
    bbox = city.get("bbox")
    numbers = isinstance(bbox, list) and len(bbox) == 4 and all(isinstance(v, int | float) for v in bbox)
    if not numbers or not isinstance(city.get("crs_metric"), str):
        raise OsmImportError(f"{pack_path / CITY_FILE}: needs a 'bbox' and a 'crs_metric' (run check-data)")


def _hand_made_network(city: dict[str, Any] | None, mapping: Mapping) -> bool:
    """Whether the pack has a hand-made layer with the role "network" (Sysert's drawn paths)."""
    listed = {entry.get("id") for entry in (city or {}).get("layers", []) if isinstance(entry, dict)}
    return bool(listed & set(mapping.roles.get("network", ())))


def _frame(extract: Path, header: BBox | None, found: Found, network_rules: list[LayerRule]) -> Frame:
    """A new pack's bounds from the header or the walking network's positions."""
    positions = [
        shapely.get_coordinates(geometry) for rule in network_rules for _, geometry, _ in found[rule.id]
    ]
    if not positions:
        raise OsmImportError(
            f"{extract}: no walkable way (highway=footway, residential, ... that pedestrians may use); "
            "a pack needs a walking network for its loops and routes"
        )
    coordinates = np.concatenate(positions)
    return choose_frame(header, coordinates[:, 0], coordinates[:, 1])


def _check_overlap(extract: Path, found: Found, bbox: BBox) -> None:
    """Refuse an extract whose data (not its header, maybe wrong) lies wholly outside the pack's bbox."""
    boxes = [geometry.bounds for features in found.values() for _, geometry, _ in features]
    if not boxes:
        return
    array = np.array(boxes)
    data = (array[:, 0].min(), array[:, 1].min(), array[:, 2].max(), array[:, 3].max())
    west, south, east, north = (round(float(value), 6) for value in data)
    if east < bbox[0] or west > bbox[2] or north < bbox[1] or south > bbox[3]:
        raise OsmImportError(
            f"{extract}: the extract's data covers [{west}, {south}, {east}, {north}], "
            f"outside the pack's bbox {list(bbox)}"
        )


def _stage_and_swap(
    extract: Path,
    pack_path: Path,
    mapping: Mapping,
    features: dict[str, list[dict]],
    frame: Frame,
    crs_metric: str,
    create: bool,
) -> None:
    """Write the layers (and a new pack's city.toml) in a copy next to the pack, check it, swap it in."""
    made = _make_parents(pack_path.parent)
    staging = Path(tempfile.mkdtemp(prefix=f".{pack_path.name}.import-", dir=pack_path.parent))
    try:
        staged = staging / "pack"
        if create:
            (staged / LAYERS_DIR).mkdir(parents=True)
            _write_city(staged / CITY_FILE, pack_path.name, extract, frame, crs_metric)
        else:
            shutil.copytree(pack_path, staged)
            (staged / LAYERS_DIR).mkdir(exist_ok=True)
            for old in _block_layer_ids(pack_path):
                (staged / LAYERS_DIR / f"{old}.geojson").unlink(missing_ok=True)
        written = [rule for rule in mapping.rules if features[rule.id]]
        for rule in written:
            _write_layer(staged / LAYERS_DIR / f"{rule.id}.geojson", features[rule.id])
        _write_block(staged / CITY_FILE, written)
        problems = check_pack(staged)
        if problems:
            listed = "; ".join(str(problem) for problem in problems[:SHOWN_PROBLEMS])
            more = f" and {len(problems) - SHOWN_PROBLEMS} more" if len(problems) > SHOWN_PROBLEMS else ""
            raise OsmImportError(f"{extract}: the imported pack would not pass check-data: {listed}{more}")
        _swap(staged, pack_path, staging, create)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for folder in made:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)


def _make_parents(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; the created ones, outermost first."""
    missing = [path for path in (folder, *folder.parents) if not path.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    return missing[::-1]


def _write_city(city_path: Path, pack_id: str, extract: Path, frame: Frame, crs_metric: str) -> None:
    """A new pack's city.toml: named after its folder, framed by ``frame``; the import adds the layers."""
    west, south, east, north = frame.bbox
    lon, lat = round((west + east) / 2, 6), round((south + north) / 2, 6)
    city_path.write_text(
        f"""# Started by `ecomap import-osm --create` from {extract.name}: edit the names, centre and zoom.
# bbox: {frame.reason}
id = {_toml(pack_id)}
name_ru = {_toml(pack_id)}
name_en = {_toml(pack_id)}
center_lat = {lat}
center_lon = {lon}
bbox = [{west}, {south}, {east}, {north}]
zoom = {fit_zoom(frame.bbox)}
crs_metric = "{crs_metric}"

[tiles]
url = "https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png"
attribution = "© OpenStreetMap contributors"
""",
        encoding="utf-8",
    )


def _read_city(pack_path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads((pack_path / CITY_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        message = f"{pack_path}: not a pack, {CITY_FILE} is missing (--create starts one)"
        raise OsmImportError(message) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise OsmImportError(f"{pack_path / CITY_FILE}: unreadable TOML: {error}") from None


def read_extract(extract: str | Path, rules: tuple[LayerRule, ...], fmt: str | None = None) -> Found:
    """Read the extract's features by ``rules``, unclipped: (OSM id, geometry, tags) per layer.

    ``fmt`` is the libosmium format ("pbf", "osm", "osm.gz", "osm.bz2"), found from the
    file's content when None. Lines come from ways, and from the outlines of multipolygon
    relations that a line layer matches (a pedestrian square mapped as a multipolygon).
    """
    import osmium
    from osmium.geom import WKBFactory

    extract = Path(extract)
    fmt = fmt or extract_format(extract)
    factory = WKBFactory()
    found: Found = {rule.id: [] for rule in rules}
    by_kind = {kind: [rule for rule in rules if rule.kind == kind] for kind in KINDS}

    def take(kind: str, osm_id: str, tags: Any, make: Any) -> None:
        rules_here = by_kind[kind]
        if not rules_here or not len(tags):
            return
        tag_dict = {tag.k: tag.v for tag in tags}
        chosen = [rule for rule in rules_here if rule.matches(tag_dict)]
        if not chosen:
            return
        try:
            geometry = shapely.from_wkb(make())
        except (RuntimeError, ValueError, shapely.errors.GEOSException, osmium.InvalidLocationError):
            return  # a way with missing or too few locations: nothing to draw
        for rule in chosen:
            found[rule.id].append((osm_id, geometry, tag_dict))

    class Handler(osmium.SimpleHandler):
        def node(self, node: Any) -> None:
            take("point", f"n{node.id}", node.tags, lambda: factory.create_point(node))

        def way(self, way: Any) -> None:
            take("line", f"w{way.id}", way.tags, lambda: _way_line(factory, way))

        def area(self, area: Any) -> None:
            osm_id = f"{'w' if area.from_way() else 'r'}{area.orig_id()}"
            make = lambda: factory.create_multipolygon(area)  # noqa: E731
            take("polygon", osm_id, area.tags, make)
            if not area.from_way():
                take("line", osm_id, area.tags, lambda: shapely.to_wkb(shapely.from_wkb(make()).boundary))

    try:
        Handler().apply_file(osmium.io.File(str(extract), fmt), locations=True)
    except RuntimeError as error:
        if "out of order" not in str(error):
            raise OsmImportError(f"{extract}: {unreadable(fmt)}: {error}") from None
        for items in found.values():
            items.clear()  # the first pass may have taken some nodes before it stopped
        with tempfile.TemporaryDirectory(prefix="ecomap-osm-") as folder:
            copy = sorted_copy(extract, fmt, Path(folder))
            try:
                Handler().apply_file(str(copy), locations=True)
            except RuntimeError as error_again:
                raise OsmImportError(f"{extract}: unreadable {FORMATS[fmt]}: {error_again}") from None
    for items in found.values():
        items.sort(key=lambda item: (list(OSM_TYPES).index(item[0][0]), int(item[0][1:])))
    return found


def clip_features(
    rule: LayerRule, found: list[tuple[str, BaseGeometry, dict[str, str]]], bbox: BBox
) -> list[dict[str, Any]]:
    """The features of one layer clipped to ``bbox``, as pack GeoJSON features."""
    features = []
    for osm_id, geometry, tags in found:
        try:
            clean = _clean(geometry, rule.kind, bbox)
        except shapely.errors.GEOSException:
            continue  # a shape GEOS cannot repair (a self-crossing ring of a broken multipolygon)
        if clean is not None:
            features.append(_feature(rule, osm_id, clean, tags))
    return features


def _line_parts(features: list[dict[str, Any]]) -> list[list[list[float]]]:
    parts: list[list[list[float]]] = []
    for feature in features:
        geometry = feature["geometry"]
        single = geometry["type"] == "LineString"
        parts.extend([geometry["coordinates"]] if single else geometry["coordinates"])
    return parts


def _way_line(factory: Any, way: Any) -> bytes:
    """A way's line through its nodes that the extract has (a cut extract misses some), as WKB."""
    import osmium

    try:
        return factory.create_linestring(way)
    except osmium.InvalidLocationError:
        pass
    coordinates = [(node.lon, node.lat) for node in way.nodes if node.location.valid()]
    if len(coordinates) < 2:
        raise ValueError("fewer than 2 located nodes")
    return shapely.to_wkb(shapely.LineString(coordinates))


def _clean(geometry: BaseGeometry, kind: str, bbox: BBox) -> BaseGeometry | None:
    """Clip to the bbox, round to 7 decimals and, for polygons, repair validity and wind by RFC 7946.

    OpenStreetMap's multipolygons may self-touch or wind either way: unlike hand-made
    data (reported, never repaired), imported polygons are made valid and oriented
    (outer rings counter-clockwise) on import.
    """
    geometry = shapely.set_precision(shapely.clip_by_rect(geometry, *bbox), 10**-DECIMALS)
    if geometry.is_empty:
        return None
    if kind == "point":
        return geometry if geometry.geom_type == "Point" else None
    if kind == "line":
        parts = [
            part for part in _parts(geometry) if isinstance(part, shapely.LineString) and part.length > 0
        ]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else shapely.MultiLineString(parts)
    polygons = [part for part in _parts(shapely.make_valid(geometry)) if isinstance(part, shapely.Polygon)]
    polygons = [orient(part, sign=1.0) for part in polygons if part.area > 0]
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _parts(geometry: BaseGeometry) -> list[BaseGeometry]:
    if hasattr(geometry, "geoms"):
        return [leaf for part in geometry.geoms for leaf in _parts(part)]
    return [geometry]


def _feature(rule: LayerRule, osm_id: str, geometry: BaseGeometry, tags: dict[str, str]) -> dict:
    """A pack feature with its provenance: the OSM type and id, and the tags that mattered."""
    osm_type, number = OSM_TYPES[osm_id[0]], int(osm_id[1:])
    kept = {key: tags[key] for key in sorted(tags) if key in rule.keep or key in rule.match}
    what = ", ".join(f"{key}={tags[key]}" for key in sorted(rule.match) if key in tags)
    url = f"https://www.openstreetmap.org/{osm_type}/{number}"
    return {
        "type": "Feature",
        "id": f"{rule.id}-{osm_id}",
        "properties": {
            "name_ru": tags.get("name:ru") or tags.get("name") or rule.default_name["ru"],
            "name_en": tags.get("name:en") or tags.get("name") or rule.default_name["en"],
            "description_ru": f"Из OpenStreetMap ({osm_type} {number}): {what}",
            "description_en": f"From OpenStreetMap ({osm_type} {number}): {what}",
            "source": f"{SOURCE}: {url}; {ATTRIBUTION}",
            "accuracy": ACCURACY,
        },
        "geometry": mapping(geometry),
        "osm": {"type": osm_type, "id": number},
        "tags": kept,
    }


def _write_layer(path: Path, features: list[dict]) -> None:
    """A FeatureCollection with one feature a line: readable diffs, the same bytes for the same data."""
    lines = [json.dumps(feature, ensure_ascii=False, sort_keys=True) for feature in features]
    text = '{"type": "FeatureCollection", "features": [\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def _block_layer_ids(pack_path: Path) -> list[str]:
    """Ids of the layers inside the city.toml block that an earlier import wrote."""
    text = (pack_path / CITY_FILE).read_text(encoding="utf-8")
    if BLOCK_START not in text:
        return []
    block = text.split(BLOCK_START, 1)[1].split(BLOCK_END, 1)[0]
    return [entry["id"] for entry in tomllib.loads(block).get("layers", [])]


def _write_block(city_path: Path, rules: list[LayerRule]) -> None:
    """Replace (or append) the import-osm block of city.toml: the group and one entry per layer."""
    text = city_path.read_text(encoding="utf-8")
    if BLOCK_START in text:
        before, rest = text.split(BLOCK_START, 1)
        after = rest.split(BLOCK_END, 1)[1].lstrip("\n")
    else:
        before, after = text.rstrip("\n") + "\n\n", ""
    before = _arrays_of_tables(before)
    lines = [BLOCK_START]
    outside = tomllib.loads(before + after)  # the pack's own groups, without the block's
    if GROUP_ID not in {group.get("id") for group in outside.get("groups", []) if isinstance(group, dict)}:
        lines += [
            "[[groups]]",
            f'id = "{GROUP_ID}"',
            'title_ru = "OpenStreetMap"',
            'title_en = "OpenStreetMap"',
        ]
        lines.append("")
    for rule in rules:
        lines += [
            "[[layers]]",
            f"id = {_toml(rule.id)}",
            f"title_ru = {_toml(rule.title['ru'])}",
            f"title_en = {_toml(rule.title['en'])}",
            f"legend_ru = {_toml(rule.legend['ru'])}",
            f"legend_en = {_toml(rule.legend['en'])}",
            f"kind = {_toml(rule.kind)}",
            f'group = "{GROUP_ID}"',
            "style = { " + ", ".join(f"{key} = {_toml(value)}" for key, value in rule.style.items()) + " }",
            'popup_fields = ["name", "description", "accuracy", "source"]',
            "",
        ]
    lines.append(BLOCK_END)
    block = "\n".join(lines) + "\n"
    city_path.write_text(before + block + ("\n" + after if after else ""), encoding="utf-8")


def _arrays_of_tables(text: str) -> str:
    """City.toml text whose ``groups = [...]`` and ``layers = [...]`` are made ``[[groups]]`` tables.

    The block appends ``[[groups]]`` and ``[[layers]]`` tables, which TOML forbids after
    an inline array of the same name ("Cannot mutate immutable namespace"); an empty one,
    as a hand-written city.toml may have, is dropped.
    """
    document = tomlkit.parse(text)
    inline = [key for key in ("groups", "layers") if isinstance(document.get(key), tomlkit.items.Array)]
    if not inline:
        return text
    for key in inline:
        entries = document[key].unwrap()
        document.remove(key)
        if entries:
            tables = tomlkit.aot()
            for entry in entries:
                tables.append(tomlkit.item(entry))
            document.append(key, tables)
    return tomlkit.dumps(document).rstrip("\n") + "\n\n"


def _toml(value: Any) -> str:
    """A TOML value for a text or number (JSON's string escapes are TOML's basic-string escapes).

    >>> _toml("a \\"b\\""), _toml(0.5), _toml(2)
    ('"a \\\\"b\\\\""', '0.5', '2')
    """
    return json.dumps(value, ensure_ascii=False)


def _swap(staged: Path, pack_path: Path, staging: Path, create: bool) -> None:
    """Put the staged pack in place of the old one with two renames (one for a new pack)."""
    if create:
        os.replace(staged, pack_path)  # onto nothing, or onto an empty folder
        return
    old = staging / "old"
    os.replace(pack_path, old)
    try:
        os.replace(staged, pack_path)
    except OSError:
        os.replace(old, pack_path)
        raise


def read_tagged(pack_path: str | Path, layer_id: str) -> list[dict[str, Any]]:
    """The raw features of a pack layer with their ``tags`` (an imported or hand-drawn ``paths`` layer)."""
    path = Path(pack_path) / LAYERS_DIR / f"{layer_id}.geojson"
    return json.loads(path.read_text(encoding="utf-8"))["features"]
