"""The OpenAPI description: valid, served, and covering every API rule of the app."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from webmap import openapi


@pytest.fixture
def api_app(app):
    openapi.init_app(app)
    return app


def test_the_description_is_valid_openapi():
    validate(openapi.description())


def test_it_is_served_at_openapi_json(api_app):
    response = api_app.test_client().get("/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == openapi.description()


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
