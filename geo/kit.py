"""The kit of parts of a pack: parts, materials and their checks."""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import defusedxml
import defusedxml.ElementTree

from geo.errors import KitError, Problem

KIT_FILE = "kit.toml"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LANGUAGES = ("ru", "en")
# Durability classes of the Tactical Urbanist's Guide to Materials and Design, shortest-lived first.
DURABILITY = ("demo", "pilot", "interim")
DURABILITY_SPANS = {"demo": "1 day to 1 month", "pilot": "1 month to 1 year", "interim": "1 to 5 years"}
SEASONS = ("all-year", "summer")
UNITS = ("pcs", "m", "m2", "m3", "kg", "l", "set")
SHAPES = ("rect", "circle")
MAX_SIZE_M = 20.0
MAX_CLEAR_M = 10.0
MAX_LABOUR_H = 1000.0
MAX_PRICE_RUB = 10_000_000.0
MAX_QUANTITY = 10_000.0
MAX_ICON_BYTES = 8 * 1024
SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"

MATERIAL_KEYS = (
    "id",
    "name_ru",
    "name_en",
    "unit",
    "unit_price_rub",
    "price_date",
    "price_source",
    "estimate",
)
PART_KEYS = (
    "id",
    "name_ru",
    "name_en",
    "description_ru",
    "description_en",
    "footprint",
    "height_m",
    "clear_m",
    "clear_source",
    "materials",
    "labour_h",
    "durability",
    "season",
    "icon",
    "source",
)
FOOTPRINT_KEYS = {"rect": ("shape", "width_m", "depth_m"), "circle": ("shape", "diameter_m")}


@dataclass(frozen=True)
class Material:
    """A material parts are made of: its unit and estimated price, with the price's date and source."""

    id: str
    name: dict[str, str]
    unit: str
    unit_price_rub: float
    price_date: dt.date
    price_source: str
    estimate: bool


@dataclass(frozen=True)
class Part:
    """A small architectural form of the kit: footprint and clear zone in metres, materials, labour."""

    id: str
    name: dict[str, str]
    description: dict[str, str]
    shape: str
    width_m: float  # east-west before rotation; a circle's diameter
    depth_m: float  # north-south before rotation; a circle's diameter
    height_m: float
    clear_m: float
    clear_source: str
    materials: tuple[tuple[str, float], ...]
    labour_h: float
    durability: str
    season: str
    icon: Path
    source: str


@dataclass(frozen=True)
class Kit:
    """A pack's kit: its ``kit.toml`` path, parts and materials by id (in the file's order)."""

    path: Path
    parts: dict[str, Part] = field(repr=False)
    materials: dict[str, Material] = field(repr=False)


def load_kit(pack_path: str | Path) -> Kit | None:
    """The pack's kit; None when the pack has no ``kit.toml``; KitError listing every problem."""
    kit, problems = _read_kit(Path(pack_path))
    if problems:
        raise KitError(str(pack_path), problems)
    return kit


def check_kit(pack_path: str | Path) -> list[Problem]:
    """Every problem of the pack's ``kit.toml`` and icons (empty for a good kit or no kit)."""
    return _read_kit(Path(pack_path))[1]


def _read_kit(root: Path) -> tuple[Kit | None, list[Problem]]:
    path = root / KIT_FILE
    if not path.exists():
        return None, []
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        return None, [Problem(KIT_FILE, "", f"unreadable TOML: {error}")]
    unknown = sorted(set(document) - {"materials", "parts"})
    problems = [Problem(KIT_FILE, "", f"unknown table '{key}'") for key in unknown]
    materials: dict[str, Material] = {}
    for index, entry in enumerate(_tables(document, "materials", problems)):
        material, where, messages = _material(entry, index, materials)
        problems.extend(Problem(KIT_FILE, where, message) for message in messages)
        if material is not None:
            materials[material.id] = material
    parts: dict[str, Part] = {}
    for index, entry in enumerate(_tables(document, "parts", problems)):
        part, where, messages = _part(root, entry, index, parts, materials)
        problems.extend(Problem(KIT_FILE, where, message) for message in messages)
        if part is not None:
            parts[part.id] = part
    if problems:
        return None, problems
    return Kit(path=path, parts=parts, materials=materials), []


def _tables(document: dict[str, Any], key: str, problems: list[Problem]) -> list[Any]:
    tables = document.get(key, [])
    if not isinstance(tables, list) or not tables:
        problems.append(Problem(KIT_FILE, "", f"'[[{key}]]' must be one or more tables"))
        return []
    return tables


def _material(entry: Any, index: int, seen: dict[str, Material]) -> tuple[Material | None, str, list[str]]:
    where, messages = _identify("material", entry, index, MATERIAL_KEYS, seen)
    if messages:
        return None, where, messages
    messages.extend(_texts(entry, ("name_ru", "name_en", "price_source")))
    messages.extend(_choice(entry, "unit", UNITS))
    messages.extend(_number(entry, "unit_price_rub", 0.0, MAX_PRICE_RUB, zero_allowed=False))
    if not isinstance(entry["price_date"], dt.date) or isinstance(entry["price_date"], dt.datetime):
        messages.append(f"field 'price_date' must be a TOML date (2026-11-01), got {entry['price_date']!r}")
    if not isinstance(entry["estimate"], bool):
        messages.append(f"field 'estimate' must be true or false, got {entry['estimate']!r}")
    if messages:
        return None, where, messages
    material = Material(
        id=entry["id"],
        name=_localized(entry, "name"),
        unit=entry["unit"],
        unit_price_rub=float(entry["unit_price_rub"]),
        price_date=entry["price_date"],
        price_source=entry["price_source"],
        estimate=entry["estimate"],
    )
    return material, where, []


def _part(
    root: Path, entry: Any, index: int, seen: dict[str, Part], materials: dict[str, Material]
) -> tuple[Part | None, str, list[str]]:
    where, messages = _identify("part", entry, index, PART_KEYS, seen)
    if messages:
        return None, where, messages
    texts = ("name_ru", "name_en", "description_ru", "description_en", "clear_source", "source")
    messages.extend(_texts(entry, texts))
    size, size_messages = _footprint(entry["footprint"])
    messages.extend(size_messages)
    messages.extend(_number(entry, "height_m", 0.0, MAX_SIZE_M))
    messages.extend(_number(entry, "clear_m", 0.0, MAX_CLEAR_M))
    messages.extend(_number(entry, "labour_h", 0.0, MAX_LABOUR_H))
    messages.extend(_choice(entry, "durability", DURABILITY))
    messages.extend(_choice(entry, "season", SEASONS))
    uses, use_messages = _uses(entry["materials"], materials)
    messages.extend(use_messages)
    icon, icon_messages = _icon(root, entry["icon"])
    messages.extend(icon_messages)
    if messages or size is None or icon is None:
        return None, where, messages
    part = Part(
        id=entry["id"],
        name=_localized(entry, "name"),
        description=_localized(entry, "description"),
        shape=size[0],
        width_m=size[1],
        depth_m=size[2],
        height_m=float(entry["height_m"]),
        clear_m=float(entry["clear_m"]),
        clear_source=entry["clear_source"],
        materials=uses,
        labour_h=float(entry["labour_h"]),
        durability=entry["durability"],
        season=entry["season"],
        icon=icon,
        source=entry["source"],
    )
    return part, where, []


def _identify(
    kind: str, entry: Any, index: int, keys: tuple[str, ...], seen: dict[str, Any]
) -> tuple[str, list[str]]:
    """Where an entry is (``part 'pallet-bench'``) and what is wrong with its keys and id."""
    if not isinstance(entry, dict):
        return f"{kind} #{index + 1}", [f"must be a table, got {entry!r}"]
    entry_id = entry.get("id")
    where = f"{kind} {entry_id!r}" if isinstance(entry_id, str) else f"{kind} #{index + 1}"
    messages = [f"field '{key}' is missing" for key in keys if key not in entry]
    messages.extend(f"unknown field '{key}'" for key in sorted(set(entry) - set(keys)))
    if isinstance(entry_id, str) and not ID_PATTERN.match(entry_id):
        messages.append(f"field 'id' must match ^[a-z0-9][a-z0-9-]*$, got {entry_id!r}")
    elif "id" in entry and not isinstance(entry_id, str):
        messages.append(f"field 'id' must be a text, got {entry_id!r}")
    elif isinstance(entry_id, str) and entry_id in seen:
        messages.append(f"field 'id' {entry_id!r} is used by another {kind}")
    return where, messages


def _texts(entry: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    return [
        f"field '{key}' must be a non-empty text on one line, got {entry[key]!r}"
        for key in keys
        if not isinstance(entry[key], str) or not entry[key].strip() or "\n" in entry[key]
    ]


def _choice(entry: dict[str, Any], key: str, allowed: tuple[str, ...]) -> list[str]:
    if entry[key] in allowed:
        return []
    return [f"field '{key}' must be one of {', '.join(allowed)}, got {entry[key]!r}"]


def _number(entry: dict[str, Any], key: str, low: float, high: float, zero_allowed: bool = True) -> list[str]:
    value = entry[key]
    if not is_bounded(value, low, high, zero_allowed):
        relation = "≥" if zero_allowed else ">"
        return [f"field '{key}' must be a number {relation} {low:g} and ≤ {high:g}, got {value!r}"]
    return []


def is_bounded(value: Any, low: float, high: float, low_allowed: bool = True) -> bool:
    """Whether ``value`` is a finite number (not a boolean) in ``[low, high]`` (``(low, high]``).

    >>> is_bounded(1.2, 0, 20), is_bounded(0, 0, 20, low_allowed=False), is_bounded(float("nan"), 0, 20)
    (True, False, False)
    >>> is_bounded(True, 0, 20), is_bounded("1", 0, 20), is_bounded(21, 0, 20)
    (False, False, False)
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return False
    return (low <= value if low_allowed else low < value) and value <= high


def _footprint(footprint: Any) -> tuple[tuple[str, float, float] | None, list[str]]:
    """The footprint's shape, width and depth in metres, or what is wrong with it."""
    if not isinstance(footprint, dict) or footprint.get("shape") not in SHAPES:
        shape = footprint.get("shape") if isinstance(footprint, dict) else footprint
        return None, [f"field 'footprint.shape' must be one of {', '.join(SHAPES)}, got {shape!r}"]
    keys = FOOTPRINT_KEYS[footprint["shape"]]
    messages = [f"field 'footprint.{key}' is missing" for key in keys if key not in footprint]
    messages.extend(f"unknown field 'footprint.{key}'" for key in sorted(set(footprint) - set(keys)))
    for key in keys[1:]:
        if key in footprint and not is_bounded(footprint[key], 0.0, MAX_SIZE_M, low_allowed=False):
            messages.append(
                f"field 'footprint.{key}' must be a number > 0 and ≤ {MAX_SIZE_M:g}, got {footprint[key]!r}"
            )
    if messages:
        return None, messages
    if footprint["shape"] == "circle":
        return ("circle", float(footprint["diameter_m"]), float(footprint["diameter_m"])), []
    return ("rect", float(footprint["width_m"]), float(footprint["depth_m"])), []


def _uses(uses: Any, materials: dict[str, Material]) -> tuple[tuple[tuple[str, float], ...], list[str]]:
    """A part's materials as ``(material id, quantity)`` pairs, or what is wrong with them."""
    if not isinstance(uses, list) or not uses:
        return (), [f"field 'materials' must be a list of {{ material, quantity }} tables, got {uses!r}"]
    pairs: list[tuple[str, float]] = []
    messages = []
    for number, use in enumerate(uses, 1):
        label = f"field 'materials[{number}]'"
        if not isinstance(use, dict) or set(use) != {"material", "quantity"}:
            messages.append(f"{label} must be {{ material = id, quantity = number }}, got {use!r}")
        elif use["material"] not in materials:
            messages.append(f"{label}: unknown material {use['material']!r} (not in [[materials]])")
        elif not is_bounded(use["quantity"], 0.0, MAX_QUANTITY, low_allowed=False):
            messages.append(f"{label}: 'quantity' must be a number > 0, got {use['quantity']!r}")
        elif use["material"] in dict(pairs):
            messages.append(f"{label}: material {use['material']!r} is listed twice")
        else:
            pairs.append((use["material"], float(use["quantity"])))
    return tuple(pairs), messages


def _icon(root: Path, relative: Any) -> tuple[Path | None, list[str]]:
    """The icon's absolute path, or why it cannot be shown: outside the pack, missing, unsafe SVG."""
    if not isinstance(relative, str) or not relative.endswith(".svg"):
        return None, [f"field 'icon' must be the path of an .svg file in the pack, got {relative!r}"]
    pack = root.resolve()
    path = (pack / relative).resolve()
    if Path(relative).is_absolute() or not path.is_relative_to(pack):
        return None, [f"field 'icon' {relative!r} lies outside the pack"]
    if not path.is_file():
        return None, [f"field 'icon': no file {relative!r} in the pack"]
    if path.stat().st_size > MAX_ICON_BYTES:
        return None, [f"field 'icon' {relative!r} is larger than {MAX_ICON_BYTES} bytes"]
    messages = [f"field 'icon' {relative!r}: {message}" for message in check_svg(path.read_bytes())]
    return (None if messages else path), messages


def check_svg(data: bytes) -> list[str]:
    """What makes an SVG icon unsafe or unusable: not SVG, no viewBox, scripts, handlers, external refs.

    >>> check_svg(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M0 0h24"/></svg>')
    []
    >>> check_svg(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" onload="x()"/>')
    ["attribute 'onload' (event handlers are not allowed)"]
    """
    try:
        root = defusedxml.ElementTree.fromstring(data)
    except (ElementTree.ParseError, defusedxml.DefusedXmlException) as error:
        return [f"not a safe XML document ({type(error).__name__}: {error})"]
    if root.tag != f"{SVG_NAMESPACE}svg":
        return [f"the root element must be an SVG <svg>, got {root.tag!r}"]
    messages = [] if root.get("viewBox") else ["the <svg> element needs a viewBox"]
    for element in root.iter():
        tag = str(element.tag).rsplit("}", 1)[-1]
        if tag in ("script", "foreignObject"):
            messages.append(f"element <{tag}> is not allowed")
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            if local.lower().startswith("on"):
                messages.append(f"attribute {local!r} (event handlers are not allowed)")
            elif local == "href" and not value.startswith("#"):
                messages.append(f"external reference {value!r} (only '#id' references are allowed)")
            elif "url(" in value and "url(#" not in value.replace(" ", ""):
                messages.append(f"external reference in {local!r}: {value!r}")
    return messages


def _localized(table: dict[str, Any], key: str) -> dict[str, str]:
    return {lang: table[f"{key}_{lang}"] for lang in LANGUAGES}
