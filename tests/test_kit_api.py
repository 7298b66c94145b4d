"""The kit through the web: GET /api/kit, POST /api/proposals/check, proposals with parts and their bill
on every page and answer that shows a proposal (private page, moderation, cards, city map, API, CSV)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from typing import Any

import pytest
import shapely

from geo.crs import in_degrees, in_metres
from tests.support.proposals_support import (
    SCHOOL,
    add_moderator,
    feature,
    login,
    make_app,
    set_status,
    submit,
)
from webmap.proposals.db import get_db
from webmap.proposals.models import Proposal
from webmap.proposals.parts import MAX_PARTS

CRS = "EPSG:32641"
# A free stretch of the school No. 23 yard: east of the path from the street gate to the main door,
# south of the fire-access strip (data/sysert/keep-clear/school-yard-23.geojson).
FREE = in_metres(shapely.Point(60.8356, 56.4967), CRS)
GATE = shapely.Point(60.8348155, 56.4965069)  # the street gate, whose clear radius is 3 m


def at(dx_m: float, dy_m: float = 0.0) -> tuple[float, float]:
    """A longitude and latitude ``dx_m`` east and ``dy_m`` north of the free stretch."""
    point = in_degrees(shapely.Point(FREE.x + dx_m, FREE.y + dy_m), CRS)
    return point.x, point.y


def part(part_id: str, lonlat: tuple[float, float], rotation_deg: float = 0.0) -> dict[str, Any]:
    return {"part": part_id, "lon": lonlat[0], "lat": lonlat[1], "rotation_deg": rotation_deg}


def design(*parts: dict[str, Any], geometry=None, **properties: Any) -> dict[str, Any]:
    """A draft being designed: parts only, no texts yet."""
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"site": SCHOOL, "parts": list(parts), **properties},
    }


def with_parts(*parts: dict[str, Any], **properties: Any) -> dict[str, Any]:
    """A whole proposal of kit parts, texts and all, without a freehand shape."""
    body = feature(**properties)
    body["geometry"] = None
    body["properties"]["parts"] = list(parts)
    return body


TWO_BENCHES = (part("pallet-bench", at(0)), part("pallet-bench", at(4)))


@pytest.mark.parametrize(("lang", "bench"), [("ru", "Скамья из поддонов"), ("en", "Pallet bench")])
def test_the_kit_lists_the_site_s_parts_in_the_reader_s_language(client, lang, bench):
    kit = client.get(f"/api/kit?site={SCHOOL}&lang={lang}").get_json()

    assert kit["site"] == SCHOOL and kit["budget_rub"] == 150000 and kit["free_route_m"] == 1.5
    assert len(kit["parts"]) >= 12
    parts = {item["id"]: item for item in kit["parts"]}
    assert parts["pallet-bench"]["name"] == bench
    assert parts["pallet-bench"]["cost_rub"] > 0 and parts["pallet-bench"]["width_m"] == 1.2
    kinds = {item["properties"]["kind"] for item in kit["keep_clear"]["features"]}
    assert {"entrance", "fire-access", "path"} <= kinds
    assert all(item["estimate"] for item in kit["materials"])


def test_a_part_s_icon_is_an_svg_that_runs_nothing(client):
    icon = client.get(f"/api/kit?site={SCHOOL}").get_json()["parts"][0]["icon"]
    response = client.get(icon)

    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "immutable" in response.headers["Cache-Control"]  # its URL carries its hash
    assert b"<script" not in response.data


@pytest.mark.parametrize(
    ("path", "field"),
    [("/api/kit?site=nowhere", "site"), ("/api/kit", "site"), ("/api/kit/no-such-part.svg", "part")],
)
def test_an_unknown_site_or_part_is_a_404_naming_it(client, path, field):
    response = client.get(path)

    assert response.status_code == 404 and response.get_json()["error"]["field"] == field


def test_a_good_design_passes_with_its_bill_and_parts_placed(client):
    answer = client.post("/api/proposals/check?lang=ru", json=design(*TWO_BENCHES)).get_json()

    assert answer["ok"] is True and answer["problems"] == []
    bill = answer["bill"]
    assert bill["parts"] == [{"part": "pallet-bench", "count": 2, "name": "Скамья из поддонов"}]
    assert bill["total_rub"] == sum(line["cost_rub"] for line in bill["lines"]) > 0
    assert bill["total_text"].endswith("₽") and bill["durability"] == "pilot"
    footprint = shapely.geometry.shape(answer["placed"][0]["footprint"])
    assert in_metres(footprint, CRS).area == pytest.approx(1.2 * 0.8, rel=1e-2)  # to 7 decimals: ~1 cm


def test_two_benches_cost_twice_one(client):
    one = client.post("/api/proposals/check", json=design(TWO_BENCHES[0])).get_json()["bill"]
    two = client.post("/api/proposals/check", json=design(*TWO_BENCHES)).get_json()["bill"]

    assert two["total_rub"] == pytest.approx(2 * one["total_rub"], abs=1)
    assert two["labour_h"] == pytest.approx(2 * one["labour_h"])


@pytest.mark.parametrize(
    ("parts", "season", "rule", "culprits"),
    [
        ((part("pallet-bench", at(0)), part("pallet-bench", at(0.5))), "all-year", "overlap", [0, 1]),
        ((part("pallet-bench", at(0)), part("pallet-bench", at(1.6))), "all-year", "clear-zone", [0, 1]),
        ((part("pallet-bench", (GATE.x, GATE.y)),), "all-year", "keep-clear", [0]),
        ((part("hay-bale-seat", at(0)),), "all-year", "season", [0]),
        ((part("pallet-bench", at(0, 200)),), "all-year", "outside", [0]),
    ],
    ids=["overlap", "clear-zone", "bench-in-the-gate", "hay-in-winter", "outside"],
)
def test_each_rule_names_its_parts_and_says_it_in_russian(client, parts, season, rule, culprits):
    answer = client.post("/api/proposals/check?lang=ru", json=design(*parts, season=season)).get_json()

    found = [problem for problem in answer["problems"] if problem["rule"] == rule]
    assert answer["ok"] is False and found, answer["problems"]
    assert found[0]["parts"] == culprits
    assert "«" in found[0]["message"] and "№ 1" in found[0]["message"]
    assert found[0]["where"] is not None or rule == "season"


def test_a_bench_in_the_gate_is_fine_once_moved_out(client):
    in_gate = client.post("/api/proposals/check", json=design(part("pallet-bench", (GATE.x, GATE.y))))
    moved = client.post("/api/proposals/check", json=design(part("pallet-bench", at(0))))

    assert "keep-clear" in {problem["rule"] for problem in in_gate.get_json()["problems"]}
    assert moved.get_json()["ok"] is True


def test_over_budget_is_said_with_both_sums(client):
    stages = [part("pallet-stage", at(0))] * 16  # 16 stages on one spot: over budget (and overlapping)
    answer = client.post("/api/proposals/check?lang=en", json=design(*stages, season="summer")).get_json()

    budget = [problem for problem in answer["problems"] if problem["rule"] == "budget"]
    assert answer["bill"]["total_rub"] > 150000
    assert budget and "150,000" in budget[0]["message"].replace("\xa0", " ")


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"part": "rocket", "lon": 60.8356, "lat": 56.4967}, "properties.parts[0].part"),
        ({"part": "pallet-bench", "lon": 60.8356, "lat": 56.4967, "rotation_deg": 360}, ".rotation_deg"),
        ({"part": "pallet-bench", "lon": 60.8356, "lat": 56.4967, "rotation_deg": -15}, ".rotation_deg"),
        ({"part": "pallet-bench", "lon": 60.8356, "lat": 56.4967, "colour": "red"}, ".colour"),
        ({"part": "pallet-bench", "lon": "60.8", "lat": 56.4967}, ".lon"),
        ({"part": "pallet-bench", "lon": 0.0, "lat": 0.0}, "properties.parts[0]"),
    ],
    ids=["unknown-part", "rotation-360", "rotation-negative", "unknown-key", "text-lon", "far-away"],
)
@pytest.mark.parametrize("path", ["/api/proposals/check", "/api/proposals"])
def test_a_malformed_part_is_a_422_naming_it_and_nothing_is_stored(app, client, path, bad, field):
    response = client.post(f"{path}?lang=ru", json=with_parts(bad))

    error = response.get_json()["error"]
    assert response.status_code == 422
    assert error["field"].startswith("properties.parts[0]") and error["field"].endswith(field)
    assert error["problems"][0]["message"] and "parts[" not in error["problems"][0]["message"]
    with app.app_context(), get_db().read() as session:
        assert session.query(Proposal).count() == 0


def test_more_parts_than_the_limit_is_a_422(client):
    parts = [part("tyre-planter", at(0))] * (MAX_PARTS + 1)
    response = client.post("/api/proposals/check", json=design(*parts))

    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "properties.parts"


def test_a_proposal_of_parts_is_stored_with_its_bill(client):
    response = submit(client, with_parts(*TWO_BENCHES, season="summer"))

    assert response.status_code == 201
    bill = response.get_json()["bill"]
    assert bill["parts"][0]["count"] == 2 and bill["total_rub"] > 0


def test_a_submission_breaking_a_rule_is_refused_with_every_problem(app, client):
    body = with_parts(
        part("pallet-bench", at(0)), part("pallet-bench", at(0.5)), part("hay-bale-seat", at(8))
    )
    response = client.post("/api/proposals?lang=en", json=body)

    problems = response.get_json()["error"]["problems"]
    assert response.status_code == 422
    assert [problem["field"] for problem in problems] == ["properties.parts[0]", "properties.season"]
    assert "“Pallet bench” (no. 1)" in problems[0]["message"]
    with app.app_context(), get_db().read() as session:
        assert session.query(Proposal).count() == 0


@pytest.fixture
def approved_with_parts(tmp_path):
    """An app with a moderator and a proposal of two benches and a freehand path, approved."""
    app = make_app(tmp_path, PROPOSALS_VERSION_TTL_S=0)
    add_moderator(app, sites=(SCHOOL,))
    client = app.test_client()
    path = {"type": "LineString", "coordinates": [list(at(-3)), list(at(-3, 6))]}
    body = with_parts(*TWO_BENCHES, title="Скамейки у берёз")
    body["geometry"] = path
    created = submit(client, body).get_json()
    return app, client, created


def test_the_bill_is_on_the_private_page_and_in_moderation(approved_with_parts):
    _app, client, created = approved_with_parts
    private = client.get(created["url"] + "?lang=ru").get_data(as_text=True)
    login(client)
    moderation = client.get("/moderation?lang=ru").get_data(as_text=True)

    for page in (private, moderation):
        assert "Ведомость материалов" in page and "Поддон EUR" in page and "₽" in page


def test_the_bill_is_on_the_cards_the_city_map_the_api_and_the_csv(approved_with_parts):
    app, client, created = approved_with_parts
    set_status(app, created["id"], "approved")

    cards = client.get("/proposals?lang=ru").get_data(as_text=True)
    city = client.get("/?lang=ru").get_data(as_text=True)
    feature_ = client.get("/api/proposals").get_json()["features"][0]
    rows = list(csv.DictReader(io.StringIO(client.get("/api/proposals.csv").get_data(as_text=True))))

    assert "Ведомость материалов" in cards and "Стоимость" in cards
    assert json.dumps("Стоимость") in city and json.dumps("работы")[1:-1] in city  # in the popups' JSON
    assert str(feature_["properties"]["bill"]["total_rub"]) == rows[0]["total_rub"]
    assert len(feature_["properties"]["parts"]) == 2 == int(rows[0]["parts"])
    kinds = [member["type"] for member in feature_["geometry"]["geometries"]]
    assert kinds == ["LineString", "Polygon", "Polygon"]  # the freehand path, then each part's footprint


@pytest.mark.parametrize(
    ("file", "old", "new", "named"),
    [
        ("kit.toml", "clear_m = 0.6", 'clear_m = "wide"', "kit.toml: part 'pallet-bench': field 'clear_m'"),
        ("sites.toml", "budget_rub = 150000", "budget_rub = -5", "sites.toml: site 'school-yard-23'"),
    ],
    ids=["kit", "sites"],
)
def test_check_data_names_the_file_part_and_field_of_a_broken_kit_or_site(tmp_path, file, old, new, named):
    from click.testing import CliRunner

    from tests.conftest import SYSERT_PACK
    from webmap.cli import cli

    pack = tmp_path / "sysert"
    shutil.copytree(SYSERT_PACK, pack)
    text = (pack / file).read_text(encoding="utf-8")
    assert old in text
    (pack / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check-data", str(pack)])

    assert result.exit_code == 1 and named in result.output, result.output
