"""The kit of parts: the Sysert kit loads, and every broken kit is refused naming file, part and field."""

from __future__ import annotations

import copy
import datetime as dt
import math
import shutil
from pathlib import Path

import pytest
import tomlkit

from geo.errors import KitError, PackError
from geo.kit import DURABILITY, SEASONS, check_kit, check_svg, load_kit
from tests.conftest import SYSERT_PACK

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"'
GOOD_ICON = f'{SVG}><path d="M2 12h20"/></svg>'
MATERIAL = {
    "id": "board",
    "name_ru": "Доска",
    "name_en": "Board",
    "unit": "pcs",
    "unit_price_rub": 300.0,
    "price_date": dt.date(2026, 11, 1),
    "price_source": "estimate, not a quote",
    "estimate": True,
}
PART = {
    "id": "bench",
    "name_ru": "Скамья",
    "name_en": "Bench",
    "description_ru": "Скамья из досок.",
    "description_en": "A bench of boards.",
    "footprint": {"shape": "rect", "width_m": 1.2, "depth_m": 0.8},
    "height_m": 0.45,
    "clear_m": 0.6,
    "clear_source": "room for legs",
    "materials": [{"material": "board", "quantity": 4}],
    "labour_h": 3.0,
    "durability": "pilot",
    "season": "all-year",
    "icon": "kit/icons/bench.svg",
    "source": "test",
}


def write_kit(root: Path, materials=None, parts=None, icon: str = GOOD_ICON) -> Path:
    (root / "kit" / "icons").mkdir(parents=True, exist_ok=True)
    (root / "kit" / "icons" / "bench.svg").write_text(icon, encoding="utf-8")
    document = {"materials": materials or [dict(MATERIAL)], "parts": parts or [copy.deepcopy(PART)]}
    (root / "kit.toml").write_text(tomlkit.dumps(document), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def kit():
    return load_kit(SYSERT_PACK)


def test_the_sysert_kit_loads_with_at_least_twelve_parts(kit):
    assert check_kit(SYSERT_PACK) == []
    assert len(kit.parts) >= 12
    assert {"pallet-bench", "hay-bale-seat", "hopscotch", "log-balance-beam", "shade-sail"} <= set(kit.parts)
    assert kit.path == SYSERT_PACK / "kit.toml"


def test_every_sysert_part_has_an_icon_in_the_pack_and_names_in_both_languages(kit):
    for part in kit.parts.values():
        assert part.icon.is_file() and part.icon.is_relative_to(SYSERT_PACK.resolve())
        assert check_svg(part.icon.read_bytes()) == []
        assert set(part.name) == set(part.description) == {"ru", "en"}
        assert part.durability in DURABILITY and part.season in SEASONS


def test_every_sysert_price_is_an_estimate_with_a_date_and_a_source(kit):
    for material in kit.materials.values():
        assert material.estimate is True
        assert material.price_date == dt.date(2026, 11, 1)
        assert "estimate" in material.price_source


def test_play_parts_keep_the_safety_zone_of_gost_r_52169(kit):
    beam = kit.parts["log-balance-beam"]

    assert beam.clear_m == 1.5
    assert "GOST R 52169-2012" in beam.clear_source


def test_a_hay_bale_is_a_summer_demonstration(kit):
    assert (kit.parts["hay-bale-seat"].season, kit.parts["hay-bale-seat"].durability) == ("summer", "demo")


def test_a_circle_part_is_as_deep_as_it_is_wide(kit):
    tyre = kit.parts["tyre-planter"]

    assert (tyre.shape, tyre.width_m, tyre.depth_m) == ("circle", 0.6, 0.6)


def test_a_pack_without_a_kit_has_none(good_pack):
    assert load_kit(good_pack) is None
    assert check_kit(good_pack) == []


def test_a_minimal_kit_loads(tmp_path):
    kit = load_kit(write_kit(tmp_path))

    assert kit.parts["bench"].materials == (("board", 4.0),)
    assert kit.parts["bench"].icon == (tmp_path / "kit" / "icons" / "bench.svg").resolve()


def _part(**changes):
    part = copy.deepcopy(PART)
    for key, value in changes.items():
        if value is None:
            part.pop(key)
        else:
            part[key] = value
    return part


def _material(**changes):
    return {**MATERIAL, **changes}


BROKEN_PARTS = {
    "clear-not-a-number": (_part(clear_m="wide"), "part 'bench'", "field 'clear_m'"),
    "clear-over-10-m": (_part(clear_m=12.0), "part 'bench'", "field 'clear_m'"),
    "negative-height": (_part(height_m=-0.1), "part 'bench'", "field 'height_m'"),
    "height-nan": (_part(height_m=math.nan), "part 'bench'", "field 'height_m'"),
    "labour-infinite": (_part(labour_h=math.inf), "part 'bench'", "field 'labour_h'"),
    "width-over-20-m": (
        _part(footprint={"shape": "rect", "width_m": 25, "depth_m": 1}),
        "part 'bench'",
        "field 'footprint.width_m'",
    ),
    "zero-diameter": (_part(footprint={"shape": "circle", "diameter_m": 0}), "part 'bench'", "diameter_m"),
    "unknown-shape": (_part(footprint={"shape": "triangle"}), "part 'bench'", "field 'footprint.shape'"),
    "circle-with-width": (
        _part(footprint={"shape": "circle", "diameter_m": 1, "width_m": 1}),
        "part 'bench'",
        "unknown field 'footprint.width_m'",
    ),
    "typo-key": (_part(colour="red"), "part 'bench'", "unknown field 'colour'"),
    "missing-labour": (_part(labour_h=None), "part 'bench'", "field 'labour_h' is missing"),
    "unknown-material": (
        _part(materials=[{"material": "nails", "quantity": 1}]),
        "part 'bench'",
        "unknown material 'nails'",
    ),
    "zero-quantity": (_part(materials=[{"material": "board", "quantity": 0}]), "part 'bench'", "'quantity'"),
    "no-materials": (_part(materials=[]), "part 'bench'", "field 'materials'"),
    "bad-durability": (_part(durability="forever"), "part 'bench'", "field 'durability'"),
    "bad-season": (_part(season="winter"), "part 'bench'", "field 'season'"),
    "bad-id": (_part(id="Bench 1"), "part 'Bench 1'", "field 'id'"),
    "empty-name": (_part(name_en=" "), "part 'bench'", "field 'name_en'"),
    "two-line-description": (_part(description_en="a\nb"), "part 'bench'", "field 'description_en'"),
    "missing-icon": (_part(icon="kit/icons/none.svg"), "part 'bench'", "field 'icon': no file"),
    "icon-outside-the-pack": (_part(icon="../outside.svg"), "part 'bench'", "outside the pack"),
    "icon-not-svg": (_part(icon="kit.toml"), "part 'bench'", "field 'icon'"),
}


@pytest.mark.parametrize(("part", "where", "field"), BROKEN_PARTS.values(), ids=BROKEN_PARTS.keys())
def test_a_broken_part_is_named_with_its_field(tmp_path, part, where, field):
    found = check_kit(write_kit(tmp_path, parts=[part]))

    assert [problem.file for problem in found] == ["kit.toml"]
    assert found[0].where == where
    assert field in found[0].message


BROKEN_MATERIALS = {
    "bad-unit": (_material(unit="bucket"), "field 'unit'"),
    "negative-price": (_material(unit_price_rub=-5), "field 'unit_price_rub'"),
    "zero-price": (_material(unit_price_rub=0), "field 'unit_price_rub'"),
    "price-date-as-text": (_material(price_date="2026-11-01"), "field 'price_date'"),
    "price-date-with-time": (_material(price_date=dt.datetime(2026, 11, 1, 12, 0)), "field 'price_date'"),
    "estimate-as-text": (_material(estimate="yes"), "field 'estimate'"),
    "typo-key": (_material(price=5), "unknown field 'price'"),
}


@pytest.mark.parametrize(("material", "field"), BROKEN_MATERIALS.values(), ids=BROKEN_MATERIALS.keys())
def test_a_broken_material_is_named_with_its_field(tmp_path, material, field):
    found = check_kit(write_kit(tmp_path, materials=[material]))

    assert found[0].file == "kit.toml"
    assert found[0].where == "material 'board'"
    assert field in found[0].message


def test_ids_are_unique(tmp_path):
    found = check_kit(write_kit(tmp_path, materials=[MATERIAL, MATERIAL], parts=[PART, PART]))

    assert [(problem.where, problem.message) for problem in found] == [
        ("material 'board'", "field 'id' 'board' is used by another material"),
        ("part 'bench'", "field 'id' 'bench' is used by another part"),
    ]


BAD_ICONS = {
    "script": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><script>x()</script></svg>',
        "<script>",
    ),
    "onload": ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" onload="x()"/>', "'onload'"),
    "external-href": (
        f'{SVG} xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://example.org/x.png"/></svg>',
        "external reference",
    ),
    "external-url": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="url(http://x/y#a)"/></svg>',
        "external reference",
    ),
    "entity": (
        f'<!DOCTYPE svg [<!ENTITY a "aaaa">]>{SVG}>&a;</svg>',
        "not a safe XML document",
    ),
    "no-viewbox": ('<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg>', "viewBox"),
    "not-svg": ('<html xmlns="http://www.w3.org/1999/xhtml"/>', "root element"),
    "not-xml": ("<svg", "not a safe XML document"),
    "too-large": (GOOD_ICON.replace("<path", "<!--" + "x" * 9000 + "--><path"), "larger than 8192 bytes"),
}


@pytest.mark.parametrize(("icon", "message"), BAD_ICONS.values(), ids=BAD_ICONS.keys())
def test_an_unsafe_icon_is_refused(tmp_path, icon, message):
    (problem,) = check_kit(write_kit(tmp_path, icon=icon))

    assert (problem.file, problem.where) == ("kit.toml", "part 'bench'")
    assert "field 'icon'" in problem.message and message in problem.message


def test_load_kit_raises_a_kit_error_listing_every_problem(tmp_path):
    write_kit(tmp_path, parts=[_part(clear_m="wide", season="winter")])

    with pytest.raises(KitError, match="field 'clear_m'") as raised:
        load_kit(tmp_path)
    assert isinstance(raised.value, PackError)
    assert len(raised.value.problems) == 2


def test_unreadable_toml_and_unknown_tables_are_problems(tmp_path):
    (tmp_path / "kit.toml").write_text("[[parts]\n", encoding="utf-8")
    assert "unreadable TOML" in check_kit(tmp_path)[0].message

    (tmp_path / "kit.toml").write_text("[[materials]]\n[[partz]]\n", encoding="utf-8")
    messages = [problem.message for problem in check_kit(tmp_path)]
    assert "unknown table 'partz'" in messages


def test_the_sysert_kit_copied_anywhere_still_loads(tmp_path):
    shutil.copytree(SYSERT_PACK, tmp_path / "pack")

    assert check_kit(tmp_path / "pack") == []
