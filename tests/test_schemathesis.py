"""Schemathesis against the live app over every described endpoint: no 5xx, every answer as described.

The cases come from webmap/openapi.py; each is sent to a fresh app (rate limit off, a throwaway
database) through WSGI and checked by every default check: no server error, status codes, content
types, headers and bodies as described.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import SYSERT_PACK
from tests.support.proposals_support import SCHOOL, add_moderator, login, submit
from webmap import create_app, openapi

schema = schemathesis.openapi.from_dict(openapi.description())
# A schema-valid proposal may still be refused with 422: JSON Schema cannot say "a known site" or "inside
# the site's mask".
EXCLUDED = [positive_data_acceptance]
# Schemathesis asks for gzip like requests does, but its WSGI transport does not unzip the answer.
IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    database = tmp_path_factory.mktemp("schemathesis") / "ecomap.sqlite3"
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
    openapi.init_app(app)
    return app


@schema.parametrize()
@settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_endpoint_answers_as_described(case, live_app):
    case.call_and_validate(app=live_app, headers=IDENTITY, excluded_checks=EXCLUDED)


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
@settings(max_examples=50, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_proposal_lists_answer_a_moderator_as_described(case, live_app, moderator_cookies):
    case.call_and_validate(
        app=live_app, headers=IDENTITY, cookies=moderator_cookies, excluded_checks=EXCLUDED
    )


def test_the_moderator_cookie_reaches_the_app(live_app, moderator_cookies):
    case = schema["/api/proposals"]["GET"].Case(query={"status": "pending"})
    response = case.call(app=live_app, headers=IDENTITY, cookies=moderator_cookies)
    assert response.status_code == 200
    assert response.json()["features"]
