"""One JSON error shape for every API endpoint's errors (datasette's rule, enforced here)."""

from __future__ import annotations

import pytest

CASES = [
    ("GET", "/api/layers/nope", None, 404),
    ("GET", "/api/layers/park?date=2026-02-30", None, 400),
    ("GET", "/api/layers/park?date=20260701", None, 400),  # ISO 8601 basic format: not YYYY-MM-DD
    ("GET", "/api/layers/park?date=2026-W27", None, 400),  # an ISO week
    ("GET", "/api/tracks/nope", None, 404),
    ("GET", "/api/tracks?audience=martians", None, 400),
    ("GET", "/api/tracks?mode=swim", None, 400),
    ("GET", "/api/proposals?bbox=1,2,3", None, 400),
    ("GET", "/api/proposals?category=castle", None, 400),
    ("POST", "/api/proposals", "not json", 400),
    ("POST", "/api/proposals", {"type": "Point"}, 422),
    ("DELETE", "/api/layers", None, 405),
    ("GET", "/api/no-such-endpoint", None, 404),
    ("GET", "/api/loops?start=0,0&steps=3000", None, 422),  # a RoutingError, answered by http/errors.py
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    CASES,
    ids=[f"{method} {path}" for method, path, _body, _status in CASES],
)
def test_api_errors_share_one_shape(client, method, path, body, status):
    if isinstance(body, str):
        response = client.open(path, method=method, data=body, content_type="application/json")
    else:
        response = client.open(path, method=method, json=body)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    assert set(response.json) == {"error"}
    error = response.json["error"]
    assert set(error) - {"problems"} == {"status", "message", "field"}
    assert error["status"] == status
    assert isinstance(error["message"], str) and error["message"]
    # a proposal that breaks rules adds every problem, the first one being the error's own field
    assert ("problems" in error) == (path == "/api/proposals" and status == 422)
    for problem in error.get("problems", []):
        assert set(problem) == {"field", "message"} and problem["message"]
    if "problems" in error:
        assert error["problems"][0]["field"] == error["field"]


def test_method_not_allowed_says_which_methods_are(client):
    response = client.delete("/api/layers")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
