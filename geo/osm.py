"""Import an OpenStreetMap PBF extract into a city pack's layers by a tag mapping, safely and idempotently."""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping
from shapely.geometry.polygon import orient

from geo.pack import CITY_FILE, ID_PATTERN, LAYERS_DIR, check_pack

DEFAULT_MAPPING = Path(__file__).with_name("osm_tags.toml")
PACK_MAPPING = "osm.toml"
ROLES = ("green", "water", "network", "piste", "bench")
KINDS = {"polygon", "line", "point"}
GROUP_ID = "openstreetmap"
SOURCE = "OpenStreetMap"
ACCURACY = "surveyed: OpenStreetMap"
ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
BLOCK_START = "# >>> import-osm: layers from OpenStreetMap (ODbL). `ecomap import-osm` rewrites this block"
BLOCK_END = "# <<< import-osm"
DECIMALS = 7  # about 1 cm: the precision of OpenStreetMap's own coordinates
PBF_MAGIC = b"OSMHeader"
OSM_TYPES = {"n": "node", "w": "way", "r": "relation"}


class OsmImportError(ValueError):
    """An extract or mapping that cannot be imported, naming the file and the reason."""


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

    def matches(self, tags: dict[str, str]) -> bool:
        """Whether any key of ``match`` has one of its values in ``tags`` ("*": any value).

        >>> rule = LayerRule("p", "green", "polygon", {}, {}, {}, {}, {"leisure": ("park",)}, ())
        >>> rule.matches({"leisure": "park"}), rule.matches({"leisure": "pitch"})
        (True, False)
        """
        return any(
            key in tags and ("*" in values or tags[key] in values) for key, values in self.match.items()
        )


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
    """What an import wrote: feature counts by layer."""

    counts: dict[str, int]

    def __str__(self) -> str:
        return ", ".join(f"{layer}: {count}" for layer, count in self.counts.items())


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
    keys = ("id", "role", "kind", "title_ru", "title_en", "legend_ru", "legend_en", "name_ru", "name_en")
    keys += ("style", "match", "keep")
    missing = [key for key in keys if key not in entry]
    if missing:
        raise OsmImportError(f"{label}: layer {entry.get('id')!r} misses {', '.join(missing)}")
    if entry["role"] not in ROLES or entry["kind"] not in KINDS:
        raise OsmImportError(f"{label}: layer {entry['id']!r} has a bad role or kind")
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
    )


def create_pack(extract: str | Path, pack_path: str | Path) -> Path:
    """Start a new pack framed by the extract's bounds: a city.toml without layers (the import adds them).

    The bbox is the extract's header box rounded outwards to 4 decimals, the metric
    CRS its centre's UTM zone; the names are the folder's, to be edited.
    """
    extract, pack_path = Path(extract), Path(pack_path)
    if (pack_path / CITY_FILE).exists():
        raise OsmImportError(f"{pack_path}: already a pack; import without --create to update it")
    if not ID_PATTERN.match(pack_path.name):
        raise OsmImportError(f"{pack_path}: a pack's folder name must match [a-z0-9-]+ (it is the pack's id)")
    box = _header_box(extract)
    if box is None:
        raise OsmImportError(f"{extract}: the extract's header gives no bounds; write city.toml by hand")
    west, south = math.floor(box[0] * 1e4) / 1e4, math.floor(box[1] * 1e4) / 1e4
    east, north = math.ceil(box[2] * 1e4) / 1e4, math.ceil(box[3] * 1e4) / 1e4
    lon, lat = (west + east) / 2, (south + north) / 2
    zone = int((lon + 180) // 6) + 1
    epsg = (32600 if lat >= 0 else 32700) + zone
    (pack_path / LAYERS_DIR).mkdir(parents=True, exist_ok=True)
    (pack_path / CITY_FILE).write_text(
        f"""# Started by `ecomap import-osm --create` from {extract.name}: edit the names, centre and zoom.
id = {_toml(pack_path.name)}
name_ru = {_toml(pack_path.name)}
name_en = {_toml(pack_path.name)}
center_lat = {round(lat, 6)}
center_lon = {round(lon, 6)}
bbox = [{west}, {south}, {east}, {north}]
zoom = 14
crs_metric = "EPSG:{epsg}"

[tiles]
url = "https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png"
attribution = "© OpenStreetMap contributors"
""",
        encoding="utf-8",
    )
    return pack_path


def _header_box(extract: Path) -> tuple[float, float, float, float] | None:
    """The extract's header bounds ``(west, south, east, north)``, or None when it gives none."""
    import osmium

    _check_magic(extract)
    try:
        reader = osmium.io.Reader(osmium.io.File(str(extract), "pbf"), osmium.osm.osm_entity_bits.NOTHING)
        box = reader.header().box()
        reader.close()
    except RuntimeError as error:
        raise OsmImportError(f"{extract}: unreadable PBF: {error}") from None
    if not box.valid():
        return None
    return (box.bottom_left.lon, box.bottom_left.lat, box.top_right.lon, box.top_right.lat)


def import_osm(extract: str | Path, pack_path: str | Path) -> ImportSummary:
    """Import ``extract`` into the pack: write its imported layers in a copy, check it, then swap it in.

    Hand-made layers are never touched; the imported layers and the city.toml block
    between the import-osm markers are rewritten, with the same bytes for the same extract.
    """
    extract, pack_path = Path(extract), Path(pack_path)
    mapping = load_mapping(pack_path)
    city = _read_city(pack_path)
    bbox = tuple(city["bbox"])
    manual = {entry["id"] for entry in city.get("layers", [])} - set(_block_layer_ids(pack_path))
    clash = sorted(manual & {rule.id for rule in mapping.rules})
    if clash:
        raise OsmImportError(f"{pack_path}: hand-made layer(s) {', '.join(clash)} would be overwritten")
    _check_extract(extract, bbox)
    features = read_extract(extract, mapping.rules, bbox)  # type: ignore[arg-type]
    if not any(features.values()):
        raise OsmImportError(
            f"{extract}: no feature with the mapped tags lies inside the pack's bbox {list(bbox)}"
        )
    staging = Path(tempfile.mkdtemp(prefix=f".{pack_path.name}.import-", dir=pack_path.parent))
    try:
        shutil.copytree(pack_path, staging / "pack")
        staged = staging / "pack"
        for old in _block_layer_ids(pack_path):
            (staged / LAYERS_DIR / f"{old}.geojson").unlink(missing_ok=True)
        written = [rule for rule in mapping.rules if features[rule.id]]
        for rule in written:
            _write_layer(staged / LAYERS_DIR / f"{rule.id}.geojson", features[rule.id])
        _write_block(staged / CITY_FILE, written)
        problems = check_pack(staged)
        if problems:
            listed = "\n".join(f"  {problem}" for problem in problems[:20])
            raise OsmImportError(f"{extract}: the imported pack would not pass the checker:\n{listed}")
        _swap(staged, pack_path, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ImportSummary({rule.id: len(features[rule.id]) for rule in mapping.rules if features[rule.id]})


def _read_city(pack_path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads((pack_path / CITY_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OsmImportError(f"{pack_path}: not a pack, {CITY_FILE} is missing") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise OsmImportError(f"{pack_path / CITY_FILE}: unreadable TOML: {error}") from None


def _check_magic(extract: Path) -> None:
    try:
        head = extract.read_bytes()[:64]
    except OSError as error:
        raise OsmImportError(f"{extract}: cannot read the extract: {error.strerror}") from None
    if PBF_MAGIC not in head:
        raise OsmImportError(f"{extract}: not an OpenStreetMap PBF file (no OSMHeader block)")


def _check_extract(extract: Path, bbox: tuple[float, ...]) -> None:
    """Refuse a missing file, a file that is not PBF, and an extract whose bounds miss the pack."""
    box = _header_box(extract)
    if box is not None:
        west, south, east, north = box
        if east < bbox[0] or west > bbox[2] or north < bbox[1] or south > bbox[3]:
            raise OsmImportError(
                f"{extract}: the extract covers [{west}, {south}, {east}, {north}], "
                f"outside the pack's bbox {list(bbox)}"
            )


def read_extract(
    extract: str | Path, rules: tuple[LayerRule, ...], bbox: tuple[float, float, float, float]
) -> dict[str, list[dict[str, Any]]]:
    """Read the extract's features by ``rules``, clipped to ``bbox``, as GeoJSON features per layer."""
    import osmium
    from osmium.geom import WKBFactory

    factory = WKBFactory()
    found: dict[str, list[tuple[str, shapely.Geometry, dict[str, str]]]] = {rule.id: [] for rule in rules}
    by_kind = {kind: [rule for rule in rules if rule.kind == kind] for kind in KINDS}

    def take(kind: str, osm_id: str, tags: Any, make: Any) -> None:
        rules_here = by_kind[kind]
        if not rules_here:
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
            take("line", f"w{way.id}", way.tags, lambda: _way_line(way))

        def area(self, area: Any) -> None:
            osm_id = f"{'w' if area.from_way() else 'r'}{area.orig_id()}"
            take("polygon", osm_id, area.tags, lambda: factory.create_multipolygon(area))

    try:
        Handler().apply_file(osmium.io.File(str(extract), "pbf"), locations=True)
    except RuntimeError as error:
        raise OsmImportError(f"{extract}: unreadable PBF (truncated or corrupt?): {error}") from None
    result = {}
    for rule in rules:
        features = []
        for osm_id, geometry, tags in sorted(found[rule.id], key=lambda item: (item[0][0], int(item[0][1:]))):
            clean = _clean(geometry, rule.kind, bbox)
            if clean is not None:
                features.append(_feature(rule, osm_id, clean, tags))
        result[rule.id] = features
    return result


def _way_line(way: Any) -> bytes:
    """A way's line through its nodes that the extract has (a cut extract misses some), as WKB."""
    coordinates = [(node.lon, node.lat) for node in way.nodes if node.location.valid()]
    if len(coordinates) < 2:
        raise ValueError("fewer than 2 located nodes")
    return shapely.to_wkb(shapely.LineString(coordinates))


def _clean(geometry: shapely.Geometry, kind: str, bbox: tuple[float, ...]) -> shapely.Geometry | None:
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
        parts = [part for part in _parts(geometry) if part.geom_type == "LineString" and part.length > 0]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else shapely.MultiLineString(parts)
    polygons = [part for part in _parts(shapely.make_valid(geometry)) if part.geom_type == "Polygon"]
    polygons = [orient(part, sign=1.0) for part in polygons if part.area > 0]
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _parts(geometry: shapely.Geometry) -> list[shapely.Geometry]:
    if hasattr(geometry, "geoms"):
        return [leaf for part in geometry.geoms for leaf in _parts(part)]
    return [geometry]


def _feature(rule: LayerRule, osm_id: str, geometry: shapely.Geometry, tags: dict[str, str]) -> dict:
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


def _toml(value: Any) -> str:
    """A TOML value for a text or number (JSON's string escapes are TOML's basic-string escapes).

    >>> _toml("a \\"b\\""), _toml(0.5), _toml(2)
    ('"a \\\\"b\\\\""', '0.5', '2')
    """
    return json.dumps(value, ensure_ascii=False)


def _swap(staged: Path, pack_path: Path, staging: Path) -> None:
    """Put the staged pack in place of the old one with two renames; the old one is removed after."""
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
