"""The kit and a bill of materials as people read them: names, sizes, units and sums in their language.

The API keeps its numbers raw (``cost_rub``, ``labour_h``) and adds the texts beside them
(``cost_text``); pages show the texts. Every figure goes through webmap/http/units.py (Babel).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from geo.kit import Kit, Part
from geo.sites import Site, keep_clear_collection
from webmap.http import units


def durability_names() -> dict[str, str]:
    """The three durability classes of the Tactical Urbanist's Guide, with their spans."""
    return {
        "demo": _("demonstration (1 day to 1 month)"),
        "pilot": _("pilot (1 month to 1 year)"),
        "interim": _("interim (1 to 5 years)"),
    }


def season_names() -> dict[str, str]:
    return {"all-year": _("all year, winter too"), "summer": _("summer only (removed before snow)")}


def part_cost_rub(kit: Kit, part: Part) -> float:
    """What one part's materials cost, in roubles."""
    return sum(kit.materials[material].unit_price_rub * quantity for material, quantity in part.materials)


def size_text(part: Part) -> str:
    """A part's footprint: "1,2 × 0,8 м" or "⌀ 0,6 м"."""
    if part.shape == "circle":
        return "⌀\xa0" + units.metres(part.width_m, decimals=2)
    return f"{units.number(part.width_m, decimals=2)}\xa0×\xa0{units.metres(part.depth_m, decimals=2)}"


def kit_listing(site: Site, kit: Kit, lang: str, icon_url: Any) -> dict[str, Any]:
    """``GET /api/kit``: the site's parts and their materials, named in ``lang``, with the site's rules."""
    allowed = site.parts if site.parts is not None else tuple(kit.parts)
    parts = [_part(kit, kit.parts[part_id], lang, icon_url) for part_id in allowed]
    used = {material for part_id in allowed for material, _quantity in kit.parts[part_id].materials}
    materials = [_material(kit, material, lang) for material in kit.materials if material in used]
    seasons = [{"id": key, "name": name} for key, name in season_names().items()]
    return {
        "site": site.id,
        "budget_rub": site.budget_rub,
        "budget_text": units.roubles(site.budget_rub) if site.budget_rub is not None else None,
        "free_route_m": site.free_route_m,
        "seasons": seasons,
        "parts": parts,
        "materials": materials,
        "keep_clear": keep_clear_named(site, lang),
    }


def _part(kit: Kit, part: Part, lang: str, icon_url: Any) -> dict[str, Any]:
    cost = part_cost_rub(kit, part)
    return {
        "id": part.id,
        "name": part.name[lang],
        "description": part.description[lang],
        "shape": part.shape,
        "width_m": part.width_m,
        "depth_m": part.depth_m,
        "height_m": part.height_m,
        "clear_m": part.clear_m,
        "size_text": size_text(part),
        "durability": part.durability,
        "durability_name": durability_names()[part.durability],
        "season": part.season,
        "labour_h": part.labour_h,
        "cost_rub": round(cost),
        "cost_text": units.roubles(cost),
        "icon": icon_url(part),
        "source": part.source,
    }


def _material(kit: Kit, material_id: str, lang: str) -> dict[str, Any]:
    material = kit.materials[material_id]
    return {
        "id": material.id,
        "name": material.name[lang],
        "unit": material.unit,
        "unit_price_rub": material.unit_price_rub,
        "unit_price_text": units.roubles(material.unit_price_rub),
        "price_date": material.price_date.isoformat(),
        "price_source": material.price_source,
        "estimate": material.estimate,
    }


def keep_clear_named(site: Site, lang: str) -> dict[str, Any]:
    """The site's keep-clear features (geo/sites.py: the drawn geometry, its zone in ``properties.zone``),
    each also named in ``lang``."""
    collection = keep_clear_collection(site)
    for feature in collection["features"]:
        feature["properties"]["name"] = feature["properties"][f"name_{lang}"]
    return collection


def bill_for_people(bill: dict[str, Any] | None, kit: Kit | None, lang: str) -> dict[str, Any] | None:
    """A stored bill (numbers and ids) with names and texts in ``lang`` beside them.

    A material or part the kit no longer has keeps its id as its name.
    """
    if not bill:
        return None
    materials = kit.materials if kit else {}
    parts = kit.parts if kit else {}
    lines = [
        {
            **line,
            "name": materials[line["material"]].name[lang]
            if line["material"] in materials
            else line["material"],
            "quantity_text": units.quantity(line["quantity"], line["unit"]),
            "unit_price_text": units.roubles(line["unit_price_rub"]),
            "cost_text": units.roubles(line["cost_rub"]),
        }
        for line in bill["lines"]
    ]
    counted = [
        {**entry, "name": parts[entry["part"]].name[lang] if entry["part"] in parts else entry["part"]}
        for entry in bill["parts"]
    ]
    durability = bill.get("durability")
    return {
        **bill,
        "lines": lines,
        "parts": counted,
        "labour_text": units.hours(bill["labour_h"]),
        "total_text": units.roubles(bill["total_rub"]),
        "durability_name": durability_names().get(durability, "") if durability else "",
    }


def bill_summary(bill: dict[str, Any]) -> str:
    """A bill in one line: total (an estimate), labour, durability (the city map's popups)."""
    total = bill["total_text"] + (" (" + _("estimate") + ")" if bill.get("estimate") else "")
    labour = _("%(hours)s of work", hours=bill["labour_text"])
    return " · ".join(part for part in (total, labour, bill.get("durability_name")) if part)


def changes_for_people(changes: dict[str, Any], kit: Kit | None, lang: str) -> dict[str, Any]:
    """What changed between two versions (``revisions.Changes.as_dict``) with its lines in ``lang``:
    parts added, moved (how far, in metres), turned and removed, named; the cost before and after."""
    parts = kit.parts if kit else {}

    def name(part_id: str) -> str:
        return parts[part_id].name[lang] if part_id in parts else part_id

    def counted(part_ids: list[str]) -> str:
        kinds = dict.fromkeys(part_ids)
        return ", ".join(f"{name(kind)} × {part_ids.count(kind)}" for kind in kinds)

    moved = []
    for item in changes["moved"]:
        if item["distance_m"] > 0.05:
            how = _("moved %(distance)s", distance=units.metres(item["distance_m"], decimals=1))
        else:
            how = ""
        if item["turned_deg"]:
            turned = _("turned %(degrees)s°", degrees=units.number(item["turned_deg"]))
            how = f"{how}, {turned}" if how else turned
        moved.append(f"{name(item['part'])}: {how}")
    before, after = changes["cost_before_rub"], changes["cost_after_rub"]
    return {
        **changes,
        "added_text": counted(list(changes["added"])),
        "moved_texts": moved,
        "removed_text": counted(list(changes["removed"])),
        "cost_before_text": units.roubles(before) if before is not None else "—",
        "cost_after_text": units.roubles(after) if after is not None else "—",
        "cost_delta_text": _signed_roubles(after - before)
        if before is not None and after is not None
        else "",
    }


def _signed_roubles(value_rub: float) -> str:
    """A change of cost: "+1 200 ₽", "−300 ₽" or "0 ₽"."""
    text = units.roubles(abs(value_rub))
    return ("+" if value_rub > 0 else "\u2212" if value_rub < 0 else "") + text
