"""The OpenAPI description: valid, served, and covering every API rule of the app."""

from __future__ import annotations

import re
import unicodedata

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from webmap import openapi
from webmap.http.params import LAT_RANGE, LON_RANGE, decimal, is_whole_number
from webmap.loops import views as loops
from webmap.proposals.validation import TEXT_LIMITS, InvalidProposal, check_text
from webmap.tracks.views import MASS_RANGE_KG


@pytest.fixture
def api_app(app):
    openapi.init_app(app)
    return app


def test_the_description_is_valid_openapi():
    validate(openapi.description())


def test_it_is_served_at_openapi_json_with_the_pack_s_ids(api_app):
    response = api_app.test_client().get("/openapi.json")
    assert response.status_code == 200
    with api_app.app_context():
        values = openapi.pack_values()
    served = response.get_json()
    assert served == openapi.description(values)
    validate(served)
    track = served["paths"]["/api/tracks/{track_id}"]["get"]["parameters"][0]
    assert track["schema"]["enum"] == list(values.tracks) and "walk-10000-steps" in values.tracks
    site = served["components"]["schemas"]["ProposalDraft"]["properties"]["properties"]["properties"]["site"]
    assert site == {"enum": list(values.sites)}


def test_every_query_argument_has_a_rule(api_app):
    """No parameter is bare text: each has an enum or a pattern (at least: no control characters)."""
    with api_app.app_context():
        paths = openapi.description(openapi.pack_values())["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                assert "enum" in schema or "pattern" in schema or "anyOf" in schema, (path, method, parameter)


def _matches(argument: str, text: str) -> bool:
    schema = openapi.argument_schemas(None)[argument]
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


TEXTS = openapi.description()["components"]["schemas"]["ProposalDraft"]["properties"]["properties"][
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
    return rule.startswith(openapi.DESCRIBED_PREFIXES) or rule in openapi.DESCRIBED_RULES


def test_every_api_rule_is_described_with_its_methods(api_app):
    paths = openapi.description()["paths"]
    rules = [rule for rule in api_app.url_map.iter_rules() if _described(rule.rule)]
    assert {rule.rule for rule in rules} >= {"/api/proposals", "/tracks/<track_id>.gpx", "/healthz"}
    for rule in rules:
        path = re.sub(r"<(?:[a-z]+:)?(\w+)>", r"{\1}", rule.rule)
        assert path in paths, f"{rule.rule} ({rule.endpoint}) is not in webmap/openapi.py"
        methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        assert {method.lower() for method in methods} <= set(paths[path]), rule.rule


def test_every_described_path_is_served(api_app):
    rules = {re.sub(r"<(?:[a-z]+:)?(\w+)>", r"{\1}", rule.rule) for rule in api_app.url_map.iter_rules()}
    assert set(openapi.description()["paths"]) <= rules


@pytest.mark.parametrize("path", list(openapi.description()["paths"]))
def test_every_4xx_answer_is_the_error_shape(path):
    for operation in openapi.description()["paths"][path].values():
        for status, response in operation["responses"].items():
            if status.startswith("4") or (status == "503" and path.startswith("/api/")):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (path, status)
