"""Schemathesis against the live app over every described endpoint: no 5xx, every answer as described,
schema-valid requests accepted and schema-invalid ones refused.

The description is the one the app serves at /openapi.json (its enums hold the served pack's ids); each
case is sent to one app (rate limit off, a throwaway database) through WSGI in both generation modes,
positive and negative, and checked by every check schemathesis has. Two of them,
positive_data_acceptance and negative_data_rejection, are wrapped below to allow the few rules JSON
Schema cannot state, each named with its reason; every other refusal or acceptance still fails.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from shapely.geometry import mapping, shape

from tests.conftest import SYSERT_PACK
from tests.support.proposals_support import SCHOOL, add_moderator, login, submit
from webmap import create_app
from webmap.http.params import decimal
from webmap.pack_access import get_catalog
from webmap.proposals.validation import _CONTACT, TEXT_LIMITS

# Schemathesis asks for gzip like requests does, but its WSGI transport does not unzip the answer.
IDENTITY = {"Accept-Encoding": "identity"}
EXAMPLES = 60  # per operation and test, both modes together: the whole file runs in well under a minute


def _make_app(database: Path):
    app = create_app(
        {
            "TESTING": True,
            "PACK": str(SYSERT_PACK),
            "TILES": "none",
            "RATE_LIMIT": "0",
            "DATABASE_URL": f"sqlite:///{database}",
            "SECRET_KEY": "test-only-secret",
        }
    )
    return app


# One app for the whole file, built at collection: the description it serves (its enums hold the pack's
# layers, tracks, audiences and sites) makes the cases, which are then sent to it.
_DATABASE = tempfile.TemporaryDirectory(prefix="ecomap-schemathesis-")  # removed when Python exits
LIVE_APP = _make_app(Path(_DATABASE.name) / "ecomap.sqlite3")
with LIVE_APP.app_context():  # track id -> the audiences it is meant for
    TRACK_AUDIENCES = {track_id: tuple(track.audiences) for track_id, track in get_catalog().tracks.items()}
DESCRIPTION = LIVE_APP.test_client().get("/openapi.json").get_json()
SITES = LIVE_APP.test_client().get("/api/sites").get_json()["features"]
INSIDE = {site["id"]: mapping(shape(site["geometry"]).representative_point()) for site in SITES}
schema = schemathesis.openapi.from_dict(DESCRIPTION)
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@pytest.fixture(scope="module")
def live_app():
    return LIVE_APP


def _out_of_order_bbox(case) -> bool:
    """``bbox`` in range but with west > east or south > north: JSON Schema cannot compare two numbers."""
    bbox = (case.query or {}).get("bbox")
    try:
        west, south, east, north = (decimal(part) for part in bbox.split(","))
    except (AttributeError, ValueError):  # not one text of four numbers
        return False
    return west > east or south > north


def _not_the_tracks_audience(case, track_audiences: dict[str, tuple[str, ...]]) -> bool:
    """A GPX ``audience`` that the schema's enum holds but this track is not meant for: parameters are
    described one by one, so the enum holds every track's audiences."""
    audience = (case.query or {}).get("audience")
    return bool(audience) and audience not in track_audiences.get(case.path_parameters.get("track_id"), ())


def _refused_for_a_rule_schemas_cannot_state(
    case, response, track_audiences: dict[str, tuple[str, ...]]
) -> bool:
    operation = f"{case.method} {case.path}"
    if operation in ("GET /api/loops", "GET /api/loops.gpx", "GET /api/route"):
        # 422: the start is over 500 m from the walking network, or no loop or path fits. That depends on
        # where the pack's paths run, which a schema of two numbers cannot say.
        return response.status_code == 422
    if operation == "GET /tracks/{track_id}.gpx":
        return response.status_code == 400 and _not_the_tracks_audience(case, track_audiences)
    if operation in ("GET /api/proposals", "GET /api/proposals.csv"):
        return response.status_code == 400 and _out_of_order_bbox(case)
    if (
        operation == "POST /api/proposals/check"
        and response.status_code == 422
        and case.meta.generation.mode.is_positive
    ):
        # A part placed over 2 km from its site: a distance on the ellipsoid that no schema can state.
        fields = {problem["field"] for problem in response.json()["error"]["problems"]}
        layout = bool(case.body["properties"].get("parts"))
        return all(_a_rule_schemas_cannot_state(field, False, layout) for field in fields)
    if (
        operation == "POST /api/proposals"
        and response.status_code == 422
        and case.meta.generation.mode.is_positive
    ):
        # Two rules: an author that looks like an e-mail address or a phone number (a run of digits): JSON
        # Schema has no "does not contain" without look-ahead. And kit parts placed at random break the
        # site's layout rules (outside, overlapping, in a keep-clear zone, ...): geometry between several
        # parts and the site that no schema can state; the rules have their own tests
        # (tests/test_kit_api.py, tests/test_layout_rules.py). The shape was moved inside its site: see below.
        properties = case.body["properties"]  # a 422 answers a Feature with its properties
        fields = {problem["field"] for problem in response.json()["error"]["problems"]}
        contact = _CONTACT.search(properties["author"].strip()) is not None
        layout = bool(properties.get("parts"))
        return all(_a_rule_schemas_cannot_state(field, contact, layout) for field in fields)
    return False


def _a_rule_schemas_cannot_state(field: str, contact: bool, layout: bool) -> bool:
    if field == "properties.author":
        return contact
    return layout and (field == "properties.season" or re.fullmatch(r"properties\.parts(\[\d+\])?", field))


def _normalised(body: Any) -> Any:
    """The body with its texts as the app checks them: NFC-normalised and trimmed (as described)."""
    if not (isinstance(body, dict) and isinstance(body.get("properties"), dict)):
        return body
    properties = {
        name: unicodedata.normalize("NFC", value).strip()
        if name in TEXT_LIMITS and isinstance(value, str)
        else value
        for name, value in body["properties"].items()
    }
    return {**body, "properties": properties}


def _valid_once_normalised(case) -> bool:
    return case.method == "POST" and case.path == "/api/proposals" and DRAFT.is_valid(_normalised(case.body))


def _validator(pointer: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({"$ref": pointer, "components": DESCRIPTION["components"]})


DRAFT = _validator("#/components/schemas/ProposalDraft")
SHAPE = _validator("#/components/schemas/ProposalShape")
PARTS = _validator("#/components/schemas/ProposalDraft/properties/properties/properties/parts")


def _inside_its_site(case) -> None:
    """Move a proposal's schema-valid shape to a point inside its site, so that the app judges the rest.

    Random shapes almost never lie inside a school yard, nor are they valid (no crossing) with closed
    rings and MAX_VERTICES in all; JSON Schema can say none of this, so without the move every body
    would be refused for its shape and the checks would learn nothing about the other rules. A shape
    the schema refuses is kept: that is what a negative case tests. The shape rules have their own
    tests (tests/test_proposals_validation.py). Schema-valid kit parts are moved onto the site in a row
    likewise (3e-5° of longitude apart, about 2 m), so that the layout rules judge them.
    """
    body = case.body
    if case.method != "POST" or not isinstance(body, dict) or not isinstance(body.get("properties"), dict):
        return
    site = body["properties"].get("site")
    if isinstance(site, str) and site in INSIDE and SHAPE.is_valid(body.get("geometry")):
        case.body = body = {**body, "geometry": INSIDE[site]}
    parts = body["properties"].get("parts")
    if isinstance(site, str) and site in INSIDE and PARTS.is_valid(parts):
        lon, lat = INSIDE[site]["coordinates"]
        moved = [{**part, "lon": lon + 3e-5 * index, "lat": lat} for index, part in enumerate(parts)]
        case.body = {**body, "properties": {**body["properties"], "parts": moved}}


def _checks():
    """positive_data_acceptance and negative_data_rejection, but for the rules above."""

    def schema_valid_data_is_accepted(ctx, response, case):
        if _refused_for_a_rule_schemas_cannot_state(case, response, TRACK_AUDIENCES):
            return None
        return positive_data_acceptance(ctx, response, case)

    def schema_invalid_data_is_refused(ctx, response, case):
        if response.status_code < 300 and _valid_once_normalised(case):
            return None
        return negative_data_rejection(ctx, response, case)

    return {
        "excluded_checks": [positive_data_acceptance, negative_data_rejection],
        "additional_checks": [schema_valid_data_is_accepted, schema_invalid_data_is_refused],
    }


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_endpoint_answers_as_described(case, live_app):
    _inside_its_site(case)
    case.call_and_validate(app=live_app, headers=IDENTITY, **_checks())


@pytest.fixture(scope="module")
def moderator_cookies(live_app) -> dict[str, str]:
    """A signed-in moderator of the school yard's session cookie, and a proposal there waiting for them."""
    add_moderator(live_app, "schemathesis", "correct horse", sites=(SCHOOL,))
    client = live_app.test_client()
    assert submit(client).status_code == 201
    assert login(client, "schemathesis", "correct horse").status_code == 302
    cookie = client.get_cookie("session")
    assert cookie is not None
    check = live_app.test_client()
    check.set_cookie("session", cookie.value)
    pending = check.get("/api/proposals?status=pending")
    assert pending.status_code == 200 and pending.get_json()["features"]
    return {"session": cookie.value}


@schema.include(method="GET", path_regex="^/api/proposals").parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_proposal_lists_answer_a_moderator_as_described(case, live_app, moderator_cookies):
    case.call_and_validate(app=live_app, headers=IDENTITY, cookies=moderator_cookies, **_checks())


def test_the_moderator_cookie_reaches_the_app(live_app, moderator_cookies):
    case = schema["/api/proposals"]["GET"].Case(query={"status": "pending"})
    response = case.call(app=live_app, headers=IDENTITY, cookies=moderator_cookies)
    assert response.status_code == 200
    assert response.json()["features"]
