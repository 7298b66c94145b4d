"""Domain errors: one module of them per layer, and one place (webmap/http/errors.py) that answers them."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path
from types import SimpleNamespace

import pytest

from geo.errors import PackError, Problem
from routes.errors import RoutingError
from webmap.errors import PrintUnavailable
from webmap.http.errors import DOMAIN_ERRORS, domain_answer
from webmap.proposals.errors import (
    AlreadyDecided,
    BallotRefused,
    BoardUnavailable,
    InvalidComment,
    InvalidProposal,
    JoinRefused,
    NotDecided,
    NotPending,
)

ROOT = Path(__file__).resolve().parent.parent
ERROR_MODULES = (
    "geo.errors",
    "routes.errors",
    "webmap.errors",
    "webmap.http.errors",
    "webmap.proposals.errors",
)


# The domain errors a request can meet: a route or loop that cannot be made, a sign that cannot be printed,
# and the proposals' rules
# (InvalidName is the moderator commands' own, said by them).
DOMAIN = {
    RoutingError,
    InvalidProposal,
    AlreadyDecided,
    NotDecided,
    JoinRefused,
    NotPending,
    InvalidComment,
    BoardUnavailable,
    BallotRefused,
    PrintUnavailable,
}


def _modules() -> list[str]:
    names = []
    for package in ("geo", "routes", "webmap"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            names.append(".".join(parts))
    return names


MODULES = _modules()


def test_exception_classes_live_only_in_their_layer_s_errors_module():
    elsewhere = []
    for name in MODULES:
        module = importlib.import_module(name)
        for _cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == name and issubclass(cls, BaseException) and name not in ERROR_MODULES:
                elsewhere.append(f"{name}.{cls.__qualname__}")
    assert elsewhere == []


def _handlers_that_answer_by_hand(tree: ast.AST) -> list[int]:
    """Lines of ``except <domain error>:`` blocks that raise ApiError or call abort themselves."""
    domain = {kind.__name__ for kind in DOMAIN}
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ExceptHandler) or node.type is None:
            continue
        caught = {n.id if isinstance(n, ast.Name) else getattr(n, "attr", "") for n in ast.walk(node.type)}
        if not caught & domain:
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call):
                called = (
                    inner.func.id if isinstance(inner.func, ast.Name) else getattr(inner.func, "attr", "")
                )
                if called in ("ApiError", "abort"):
                    lines.append(node.lineno)
    return sorted(set(lines))


def test_no_module_turns_a_domain_error_into_an_http_answer_by_hand():
    by_hand = {
        name: lines
        for name in MODULES
        if name.startswith("webmap")
        for path in [ROOT / (name.replace(".", "/") + ".py"), ROOT / name.replace(".", "/") / "__init__.py"]
        if path.exists()
        for lines in [_handlers_that_answer_by_hand(ast.parse(path.read_text(encoding="utf-8")))]
        if lines
    }
    assert by_hand == {}


def test_the_checker_sees_an_answer_by_hand():
    source = "try:\n    f()\nexcept RoutingError as error:\n    raise ApiError(422, str(error))\n"
    assert _handlers_that_answer_by_hand(ast.parse(source)) == [3]


DECIDED = SimpleNamespace(id=7, status="approved", moderated_by="anna", moderated_at=None)
# (error, status, whether the message is the feature's own words rather than the English)
ERRORS = {
    "far": (
        RoutingError("'start' is 812 m away", "start", "far", distance_m=812.0, limit_m=500.0),
        422,
        True,
    ),
    "no loop": (
        RoutingError("no loop", "steps", "no_loop", steps=9000, tolerance=0.05, audience="adults"),
        422,
        True,
    ),
    "no network": (RoutingError("pack x has no walking network", None, "no_network"), 404, True),
    "refused proposal": (
        InvalidProposal("properties.title", "'title' is empty", code="empty", name="title"),
        422,
        False,
    ),
    "not a proposal": (InvalidProposal("body", "the body must be an object", status=400), 400, False),
    "decided": (AlreadyDecided(DECIDED), 409, False),
    "not decided": (NotDecided(7), 409, False),
    "unknown code": (JoinRefused("code", "no class has this code"), 400, False),
    "class full": (JoinRefused("full", "class '5A' is full"), 409, False),
    "not pending": (NotPending(7, "approved", "revised"), 409, False),
    "bad comment": (InvalidComment("text", "'text' must not be empty", "empty"), 422, False),
    "no chromium": (BoardUnavailable("the board could not be printed"), 503, False),
    "no printing": (PrintUnavailable("the sign could not be printed"), 503, False),
    "over budget": (
        BallotRefused("over_budget", "over", "proposals", total_rub=2, budget_rub=1, over_rub=1),
        422,
        False,
    ),
    "ballot closed": (
        BallotRefused("closed", "closed", "site", closes_at="2026-12-20T13:00:00+00:00"),
        409,
        False,
    ),
}


@pytest.fixture
def raising_app(app):
    """The test app with two routes that raise the domain error named in the path: API and page."""

    def raise_it(name: str):
        raise ERRORS[name][0]

    app.add_url_rule("/api/test-raise/<name>", "api_raise", raise_it)
    app.add_url_rule("/test-raise/<name>", "page_raise", raise_it)
    return app


@pytest.mark.parametrize("name", list(ERRORS))
def test_a_domain_error_gets_its_status_field_and_words_in_the_json_shape(raising_app, name):
    error, status, translated = ERRORS[name]
    response = raising_app.test_client().get(f"/api/test-raise/{name}")
    assert response.status_code == status == _status_of(raising_app, error)
    body = response.get_json()["error"]
    assert (body["status"], body["field"]) == (status, getattr(error, "field", None))
    assert (body["message"] != str(error)) == translated, body["message"]
    # a proposal or a comment that breaks rules (422), and any refused ballot, list the problems in the
    # reader's words
    listed = isinstance(error, BallotRefused) or (
        isinstance(error, InvalidProposal | InvalidComment) and status == 422
    )
    assert ("problems" in body) == listed


def test_every_routing_reason_has_words():
    from webmap.loops.messages import _SAY

    assert set(_SAY) == set(RoutingError.REASONS)


def test_routing_words_are_the_reader_s_language(raising_app):
    client = raising_app.test_client()
    russian = client.get("/api/test-raise/far").get_json()["error"]["message"]
    english = client.get("/api/test-raise/far?lang=en").get_json()["error"]["message"]
    assert "812 м" in russian.replace("\xa0", " ") and "500 м" in russian.replace("\xa0", " ")
    assert "812 m" in english.replace("\xa0", " ") and "500 m" in english.replace("\xa0", " ")


@pytest.mark.parametrize("name", ["far", "decided", "class full"])
def test_outside_the_api_a_domain_error_is_an_error_page(raising_app, name):
    _error, status, _translated = ERRORS[name]
    response = raising_app.test_client().get(f"/test-raise/{name}")
    assert response.status_code == status
    assert response.mimetype == "text/html"


def _status_of(app, error: Exception) -> int:
    status_of, _words = app.extensions[DOMAIN_ERRORS][type(error)]
    return status_of(error)


def test_every_domain_error_is_registered_by_its_feature(app):
    assert set(app.extensions[DOMAIN_ERRORS]) == DOMAIN


def test_an_error_no_feature_registered_is_not_a_domain_error(app):
    with app.test_request_context("/api/x"), pytest.raises(TypeError, match="PackError is not a registered"):
        domain_answer(PackError("pack", [Problem("city.toml", "", "missing")]))
