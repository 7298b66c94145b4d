"""The OpenAPI description: valid, served, covering every API rule of the app, merged from the parts."""

from __future__ import annotations

import re
import unicodedata

import jsonschema
import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from webmap.http import openapi
from webmap.http.params import LAT_RANGE, LON_RANGE, decimal, is_whole_number
from webmap.loops import api_description as loops_description
from webmap.loops import views as loops
from webmap.pack_access import get_catalog
from webmap.proposals import api_description as proposals_description
from webmap.proposals.errors import InvalidProposal
from webmap.proposals.service import get_sites
from webmap.proposals.validation import TEXT_LIMITS, check_text
from webmap.tracks import api_description as tracks_description
from webmap.tracks.views import MASS_RANGE_KG

# Every path the description covers; the app has no other API rule.
DESCRIBED_PREFIXES = ("/api/",)
DESCRIBED_RULES = ("/tracks/<track_id>.gpx", "/healthz", "/openapi.json")


def _description(app, live: bool = False) -> dict:
    with app.app_context():
        return openapi.description(live)


def test_the_description_is_valid_openapi(app):
    validate(_description(app))
    validate(_description(app, live=True))


def test_it_is_served_at_openapi_json_with_the_pack_s_ids(app):
    response = app.test_client().get("/openapi.json")
    assert response.status_code == 200
    with app.app_context():
        tracks, sites = list(get_catalog().tracks), list(get_sites())
    served = response.get_json()
    assert served == _description(app, live=True)
    validate(served)
    track = served["paths"]["/api/tracks/{track_id}"]["get"]["parameters"][0]
    assert track["schema"]["enum"] == tracks and "walk-10000-steps" in tracks
    site = served["components"]["schemas"]["ProposalDraft"]["properties"]["properties"]["properties"]["site"]
    assert site == {"enum": sites} and sites


def test_every_query_argument_has_a_rule(app):
    """No parameter is bare text: each has an enum or a pattern (at least: no control characters)."""
    paths = _description(app, live=True)["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                assert "enum" in schema or "pattern" in schema or "anyOf" in schema, (path, method, parameter)


def test_a_feature_s_part_is_described_only_once_registered():
    bare = Flask("bare")
    openapi.init_app(bare)
    assert set(bare.test_client().get("/openapi.json").get_json()["paths"]) == {"/openapi.json"}
    openapi.add_api_part(bare, "tracks", tracks_description.describe)
    paths = _description(bare)["paths"]
    assert set(paths) == {"/openapi.json", *tracks_description.describe(False).paths}
    assert "/api/proposals" not in paths and "/api/tracks" in paths
    validate(_description(bare))


def test_an_app_without_the_proposals_part_describes_no_proposals(app):
    del app.extensions[openapi.API_PARTS]["proposals"]
    served = app.test_client().get("/openapi.json").get_json()
    assert not [path for path in served["paths"] if "proposals" in path or path == "/api/sites"]
    assert "ProposalDraft" not in served["components"]["schemas"] and "/api/tracks" in served["paths"]


def test_two_parts_that_give_an_argument_differently_are_refused():
    bare = Flask("bare")
    anything = openapi.ApiPart({}, queries={"audience": openapi.FREE_TEXT})
    openapi.add_api_part(bare, "first", lambda live: anything)
    openapi.add_api_part(bare, "second", lambda live: anything)
    assert _description(bare)["paths"]  # alike: one schema
    audiences = openapi.ApiPart({}, queries={"audience": openapi.choice(("adults", "seniors"))})
    openapi.add_api_part(bare, "third", lambda live: audiences)
    with pytest.raises(ValueError, match=r"the first and third parts .* queries 'audience'"):
        _description(bare)


def test_a_query_argument_no_part_gives_a_schema_is_an_error():
    bare = Flask("bare")
    parameters = [openapi.query("nothing", "Described by no part")]
    part = openapi.ApiPart({"/x": {"get": {"parameters": parameters, "responses": {}}}})
    openapi.add_api_part(bare, "x", lambda live: part)
    with pytest.raises(KeyError, match="nothing"):
        _description(bare)


QUERIES = {
    **tracks_description.describe(False).queries,
    **loops_description.describe(False).queries,
}


def _matches(argument: str, text: str) -> bool:
    schema = QUERIES[argument]
    return jsonschema.Draft202012Validator(schema).is_valid(text)


def _app_takes_decimal(text: str, low: float, high: float) -> bool:
    try:
        return low <= decimal(text) <= high
    except ValueError:
        return False


NUMERIC = st.text(alphabet="0123456789.,+-e ", max_size=24) | st.from_regex(
    r"\A[+-]?0?[0-9]{1,3}(\.[0-9]{0,3})?\Z"
)


@settings(max_examples=400, derandomize=True)
@given(NUMERIC)
def test_mass_pattern_is_what_the_app_takes(text):
    assert _matches("mass_kg", text) == (text == "" or _app_takes_decimal(text, *MASS_RANGE_KG))


@settings(max_examples=400, derandomize=True)
@given(NUMERIC)
def test_steps_pattern_is_what_the_app_takes(text):
    low, high = loops.STEPS_RANGE
    assert _matches("steps", text) == (is_whole_number(text) and low <= int(text) <= high)


@settings(max_examples=400, derandomize=True)
@given(NUMERIC, NUMERIC)
def test_point_pattern_is_what_the_app_takes(lat, lon):
    takes = (
        "," not in lat + lon and _app_takes_decimal(lat, *LAT_RANGE) and _app_takes_decimal(lon, *LON_RANGE)
    )
    assert _matches("start", f"{lat},{lon}") == takes


TEXTS = proposals_description.describe(False).schemas["ProposalDraft"]["properties"]["properties"][
    "properties"
]


def _app_takes_text(name: str, text: str) -> str | None:
    try:
        return check_text(name, text)
    except InvalidProposal:
        return None


@settings(max_examples=400, derandomize=True)
@given(
    st.sampled_from(list(TEXT_LIMITS)), st.text(max_size=50) | st.text(" \t\n\u200d\u200bab\x85", max_size=8)
)
def test_text_schema_is_what_check_text_takes_once_trimmed(name, text):
    """The schema describes a text as the app stores it (NFC, trimmed); the app takes a text exactly when
    that form of it fits the schema."""
    validator = jsonschema.Draft202012Validator(TEXTS[name])
    assert (_app_takes_text(name, text) is not None) == validator.is_valid(
        unicodedata.normalize("NFC", text).strip()
    )


def _described(rule: str) -> bool:
    return rule.startswith(DESCRIBED_PREFIXES) or rule in DESCRIBED_RULES


def test_every_api_rule_is_described_with_its_methods(app):
    paths = _description(app)["paths"]
    rules = [rule for rule in app.url_map.iter_rules() if _described(rule.rule)]
    assert {rule.rule for rule in rules} >= {"/api/proposals", "/tracks/<track_id>.gpx", "/healthz"}
    for rule in rules:
        path = re.sub(r"<(?:[a-z]+:)?(\w+)>", r"{\1}", rule.rule)
        assert path in paths, f"{rule.rule} ({rule.endpoint}) is in no feature's api_description.py"
        methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        assert {method.lower() for method in methods} <= set(paths[path]), rule.rule


def test_every_described_path_is_served(app):
    rules = {re.sub(r"<(?:[a-z]+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()}
    assert set(_description(app)["paths"]) <= rules


def test_every_4xx_answer_is_the_error_shape(app):
    paths = _description(app)["paths"]
    assert len(paths) > 10
    for path, operations in paths.items():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                if status.startswith("4") or (status == "503" and path.startswith("/api/")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (path, status)
