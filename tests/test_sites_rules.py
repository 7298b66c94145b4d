"""Sites with rules: the Sysert sites load with their keep-clear features, and broken files are named."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from geo.errors import Problem, SitesError
from geo.kit import load_kit
from geo.pack import load_pack
from geo.sites import FREE_ROUTE_M, check_sites, keep_clear_collection, load_sites, sites_collection
from tests.conftest import SYSERT_PACK

KEEP_CLEAR = "keep-clear/school-yard-23.geojson"


@pytest.fixture(scope="module")
def sysert():
    pack = load_pack(SYSERT_PACK)
    return load_sites(pack, load_kit(SYSERT_PACK))


def test_the_sysert_sites_load_with_their_rules(sysert):
    yard, rink = sysert["school-yard-23"], sysert["rink-cinema-plot"]

    assert check_sites(load_pack(SYSERT_PACK)) == []
    assert (yard.free_route_m, yard.budget_rub, yard.parts) == (1.5, 150000.0, None)
    assert (rink.keep_clear, rink.free_route_m, rink.budget_rub, rink.parts) == ((), FREE_ROUTE_M, None, None)


def test_the_school_yard_keeps_clear_its_doors_gates_fire_access_and_path(sysert):
    yard = sysert["school-yard-23"]
    kinds = {item.id: item.kind for item in yard.keep_clear}

    assert kinds == {
        "school-fire-access": "fire-access",
        "school-main-door": "entrance",
        "school-side-door": "entrance",
        "street-gate": "entrance",
        "west-wicket": "entrance",
        "gate-to-main-door": "path",
    }
    for item in yard.keep_clear:
        assert item.accuracy.startswith("approximate: drawn from the yard's placeholder outline")
        assert item.source
        assert item.zone.within(yard.mask_metric.buffer(5))


def test_keep_clear_zones_are_in_metres(sysert):
    items = {item.id: item for item in sysert["school-yard-23"].keep_clear}
    gate, path, fire = items["street-gate"], items["gate-to-main-door"], items["school-fire-access"]

    assert (gate.opening_m, gate.clear_radius_m) == (4.0, 3.0)
    assert gate.zone.area == pytest.approx(math.pi * 3.0**2, rel=0.01)
    assert path.width_m == 2.0
    assert path.zone.area == pytest.approx(path.geometry_metric.length * 2.0, rel=0.03)
    assert fire.zone.area == pytest.approx(100 * 3.5, rel=0.01)  # 3.5 m along the ~100 m building side


def test_sites_collection_carries_the_rules(sysert):
    (yard,) = [f for f in sites_collection(sysert, "en")["features"] if f["id"] == "school-yard-23"]

    assert yard["properties"]["title"] == "School No. 23 yard"
    assert yard["properties"]["budget_rub"] == 150000.0
    assert yard["properties"]["free_route_m"] == 1.5
    assert "street-gate" in yard["properties"]["keep_clear"]


def test_keep_clear_collection_gives_zones_in_degrees(sysert):
    features = keep_clear_collection(sysert["school-yard-23"])["features"]
    gate = next(feature for feature in features if feature["id"] == "street-gate")

    assert gate["geometry"]["type"] == "Point"
    assert gate["properties"]["zone"]["type"] == "Polygon"
    lon, lat = gate["properties"]["zone"]["coordinates"][0][0]
    assert 60.8 < lon < 60.9 and 56.4 < lat < 56.6


@pytest.fixture
def pack_copy(tmp_path) -> Path:
    return Path(shutil.copytree(SYSERT_PACK, tmp_path / "pack"))


def _edit_keep_clear(root: Path, feature_id: str, edit) -> None:
    path = root / KEEP_CLEAR
    document = json.loads(path.read_text(encoding="utf-8"))
    feature = next(feature for feature in document["features"] if feature["id"] == feature_id)
    edit(feature)
    path.write_text(json.dumps(document), encoding="utf-8")


BROKEN_FEATURES = {
    "unknown-kind": ("street-gate", lambda f: f["properties"].update(kind="door"), "property 'kind'"),
    "missing-opening": ("street-gate", lambda f: f["properties"].pop("opening_m"), "property 'opening_m'"),
    "negative-radius": (
        "street-gate",
        lambda f: f["properties"].update(clear_radius_m=-1),
        "property 'clear_radius_m'",
    ),
    "path-without-width": ("gate-to-main-door", lambda f: f["properties"].pop("width_m"), "'width_m'"),
    "typo-property": (
        "west-wicket",
        lambda f: f["properties"].update(widht_m=1),
        "unknown property 'widht_m'",
    ),
    "missing-source": ("west-wicket", lambda f: f["properties"].pop("source"), "property 'source'"),
    "entrance-as-a-line": (
        "west-wicket",
        lambda f: f.update(
            geometry={"type": "LineString", "coordinates": [[60.8345, 56.4968], [60.8346, 56.4968]]}
        ),
        "geometry",
    ),
    "fire-access-as-a-point": (
        "school-fire-access",
        lambda f: f.update(geometry={"type": "Point", "coordinates": [60.8345, 56.4968]}),
        "geometry",
    ),
    "entrance-far-inside-the-yard": (
        "west-wicket",
        lambda f: f.update(geometry={"type": "Point", "coordinates": [60.8352, 56.4968]}),
        "must lie on the site's outline",
    ),
    "swapped-lat-lon": (
        "street-gate",
        lambda f: f.update(geometry={"type": "Point", "coordinates": [56.4965, 60.8348]}),
        "geometry",
    ),
}


@pytest.mark.parametrize(
    ("feature_id", "edit", "message"), BROKEN_FEATURES.values(), ids=BROKEN_FEATURES.keys()
)
def test_a_broken_keep_clear_feature_is_named(pack_copy, feature_id, edit, message):
    _edit_keep_clear(pack_copy, feature_id, edit)
    found = check_sites(load_pack(pack_copy))

    assert found and found[0].file == KEEP_CLEAR
    assert found[0].where == f"feature {feature_id!r}"
    assert message in found[0].message


def test_a_duplicate_keep_clear_id_is_named(pack_copy):
    _edit_keep_clear(pack_copy, "west-wicket", lambda f: f.update(id="street-gate"))

    (problem,) = check_sites(load_pack(pack_copy))
    assert problem == Problem(
        KEEP_CLEAR, "feature 'street-gate'", "'id' 'street-gate' is used by another feature"
    )


def test_an_unreadable_keep_clear_file_is_named(pack_copy):
    (pack_copy / KEEP_CLEAR).write_text("{", encoding="utf-8")

    (problem,) = check_sites(load_pack(pack_copy))
    assert problem.file == KEEP_CLEAR and "unreadable JSON" in problem.message


def _edit_site(root: Path, old: str, new: str) -> None:
    path = root / "sites.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BROKEN_SITES = {
    "missing-keep-clear-file": (
        'keep_clear = "keep-clear/school-yard-23.geojson"',
        'keep_clear = "keep-clear/none.geojson"',
        "field 'keep_clear': no file",
    ),
    "keep-clear-outside-the-pack": (
        'keep_clear = "keep-clear/school-yard-23.geojson"',
        'keep_clear = "../../etc/passwd"',
        "lies outside the pack",
    ),
    "budget-as-text": ("budget_rub = 150000", 'budget_rub = "lots"', "field 'budget_rub'"),
    "free-route-zero": ("free_route_m = 1.5", "free_route_m = 0", "field 'free_route_m'"),
    "unknown-part": (
        "budget_rub = 150000",
        'budget_rub = 150000\nparts = ["pallet-bench", "rocket"]',
        "'rocket'",
    ),
    "part-twice": ("budget_rub = 150000", 'budget_rub = 150000\nparts = ["hopscotch", "hopscotch"]', "twice"),
    "typo-key": ("budget_rub = 150000", "budget_rub = 150000\nbudjet = 1", "unknown field 'budjet'"),
    "missing-feature": ('feature = "school-yard-23"', 'feature = "school-yard-99"', "field 'feature'"),
}


@pytest.mark.parametrize(("old", "new", "message"), BROKEN_SITES.values(), ids=BROKEN_SITES.keys())
def test_a_broken_site_is_named_with_its_field(pack_copy, old, new, message):
    _edit_site(pack_copy, old, new)
    pack = load_pack(pack_copy)
    (problem,) = check_sites(pack)

    assert (problem.file, problem.where) == ("sites.toml", "site 'school-yard-23'")
    assert message in problem.message
    with pytest.raises(SitesError, match=r"sites\.toml: site 'school-yard-23': .*") as raised:
        load_sites(pack, load_kit(pack_copy))
    assert raised.value.problems == [problem]
    assert isinstance(raised.value, ValueError)


def test_site_parts_are_checked_against_the_kit(pack_copy):
    _edit_site(pack_copy, "budget_rub = 150000", 'budget_rub = 150000\nparts = ["pallet-bench", "hopscotch"]')
    pack = load_pack(pack_copy)

    assert load_sites(pack, load_kit(pack_copy))["school-yard-23"].parts == ("pallet-bench", "hopscotch")
    (pack_copy / "kit.toml").unlink()
    (problem,) = check_sites(pack)
    assert "the pack has no kit.toml" in problem.message


def test_a_pack_without_sites_has_none(good_pack):
    pack = load_pack(good_pack)

    assert load_sites(pack) == {}
    assert check_sites(pack) == []
