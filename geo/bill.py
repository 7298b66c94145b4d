"""The bill of materials of a draft: materials summed over its parts, their estimated cost and labour."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from geo.kit import DURABILITY, Kit


@dataclass(frozen=True)
class BillLine:
    """One material of a bill: the quantity summed over the parts, its unit, price and cost."""

    material: str
    quantity: float
    unit: str
    unit_price_rub: float
    cost_rub: float
    estimate: bool


@dataclass(frozen=True)
class Bill:
    """What a draft needs: material lines (by material id), part counts, labour and the total.

    ``total_rub`` is the sum of the material costs in whole roubles; ``durability`` the class of the
    shortest-lived part (None without parts); ``estimate`` whether any price is an estimate.
    """

    lines: tuple[BillLine, ...]
    parts: tuple[tuple[str, int], ...]
    labour_h: float
    total_rub: int
    durability: str | None
    estimate: bool


def bill_of(kit: Kit, part_ids: Sequence[str]) -> Bill:
    """The bill of the parts ``part_ids`` (ids of ``kit``; one per placed part, repeats counted)."""
    counts = Counter(part_ids)
    quantities: defaultdict[str, float] = defaultdict(float)
    for part_id, count in counts.items():
        for material, quantity in kit.parts[part_id].materials:
            quantities[material] += quantity * count
    lines = tuple(_line(kit, material, quantities[material]) for material in sorted(quantities))
    labour_h = sum(kit.parts[part_id].labour_h * count for part_id, count in counts.items())
    classes = [DURABILITY.index(kit.parts[part_id].durability) for part_id in counts]
    return Bill(
        lines=lines,
        parts=tuple(sorted(counts.items())),
        labour_h=round(labour_h, 2),
        total_rub=round(sum(line.cost_rub for line in lines)),
        durability=DURABILITY[min(classes)] if classes else None,
        estimate=any(line.estimate for line in lines),
    )


def _line(kit: Kit, material_id: str, quantity: float) -> BillLine:
    material = kit.materials[material_id]
    return BillLine(
        material=material_id,
        quantity=round(quantity, 3),
        unit=material.unit,
        unit_price_rub=material.unit_price_rub,
        cost_rub=round(quantity * material.unit_price_rub, 2),
        estimate=material.estimate,
    )


def bill_as_dict(bill: Bill) -> dict[str, Any]:
    """The bill as JSON-ready data: ids, codes and numbers only (the web layer adds names).

    >>> line = BillLine("pallet", 2.0, "pcs", 250.0, 500.0, True)
    >>> bill_as_dict(Bill((line,), (("pallet-bench", 1),), 4.0, 500, "pilot", True))["lines"][0]["cost_rub"]
    500.0
    """
    return {
        "parts": [{"part": part, "count": count} for part, count in bill.parts],
        "lines": [
            {
                "material": line.material,
                "quantity": line.quantity,
                "unit": line.unit,
                "unit_price_rub": line.unit_price_rub,
                "cost_rub": line.cost_rub,
                "estimate": line.estimate,
            }
            for line in bill.lines
        ],
        "labour_h": bill.labour_h,
        "total_rub": bill.total_rub,
        "durability": bill.durability,
        "estimate": bill.estimate,
    }
