"""Every bad input is a 4xx, never a 5xx: digits of other scripts, lone surrogates, control characters.

The property tests walk every route of ``app.url_map`` and every query argument that the OpenAPI
description or a page names, and feed them arbitrary Unicode (surrogates, control characters,
huge numbers, superscripts, Arabic-Indic digits).
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.proposals_support import (
    SCHOOL,
    add_moderator,
    dispose,
    feature,
    login,
    make_app,
    set_status,
    submit,
)

# Query arguments that pages read but the OpenAPI description (which covers the API) does not list.
PAGE_ARGUMENTS = ("lang", "date", "tracks", "next", "site", "audience", "mode", "season", "v")
START = "56.4964,60.8134"
# Valid arguments for the routes that need some before they look at the others.
BASE_ARGUMENTS = {
    "/api/loops": {"start": START, "steps": "3000"},
    "/api/loops.gpx": {"start": START, "steps": "3000"},
    "/api/route": {"from": START, "to": "56.5000,60.8200"},
}
AWKWARD = [
    "²",
    "¹",
    "٣٠٠٠",
    "３０００",
    "1_000",
    " 3000",
    "9" * 400,
    "-9" * 50,
    "1e999",
    "nan",
    "inf",
    "-0",
    "\x00",
    "\r\n",
    "\x7f",
    "\x85",
    "\u202e",
    "\u200b",
    "\ud800",
    "\udfff",
    "\ufffd",
    "56.5,\u0666\u0660.8",
    "%",
    "%ZZ",
    "../../etc/passwd",
    "<script>alert(1)</script>",
]
EXAMPLES_PER_ROUTE = 20
EXAMPLES_PER_ARGUMENT = 8
MAX_EXAMPLES_PER_ROUTE = 40
# Characters that str.isdigit() takes for digits but int() refuses (², ¹, ①, ...), and some that int()
# reads although they are not ASCII (Arabic-Indic, full-width, mathematical digits).
DIGIT_LIKE = [chr(code) for code in range(0x110000) if chr(code).isdigit() and not chr(code).isdecimal()]
DIGIT_LIKE += ["\u0663", "\u06f3", "\uff13", "\U0001d7d8", "\u0967"]
PLACEHOLDER = re.compile(r"<(?:[^:>]+:)?([^>]+)>")  # a rule's <converter:name>
PER_ROUTE = settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, database=None)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
any_text = st.one_of(
    st.sampled_from(AWKWARD),
    st.text(st.sampled_from(DIGIT_LIKE), min_size=1, max_size=6),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=30),
    st.integers(-(10**40), 10**40).map(str),
    st.floats().map(repr),
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """An app with a moderator and an approved proposal; its private link; URLs of every route."""
    app = make_app(tmp_path_factory.mktemp("unicode"))
    add_moderator(app)
    client = app.test_client()
    created = submit(client).get_json()
    set_status(app, created["id"], "approved")
    token = created["url"].rsplit("/", 1)[1]
    samples = {
        "layer_id": "park",
        "track_id": "walk-10000-steps",
        "token": token,
        "proposal_id": created["id"],
        "filename": "vendor/manifest.json",
        "part_id": "pallet-bench",
        "site_id": SCHOOL,
        "participant_id": 99999,  # none: the route answers without removing anyone
    }
    routes = []
    for rule in app.url_map.iter_rules():
        missing = set(rule.arguments) - set(samples)
        assert not missing, f"no sample value for {rule.rule}'s {missing}: add one above"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = rule.build({name: samples[name] for name in rule.arguments}, append_unknown=False)[1]
            routes.append((method, path, rule))
    spec = client.get("/openapi.json").get_json()
    documented = {
        path: {
            parameter["name"]
            for operation in operations.values()
            for parameter in operation.get("parameters", ())
            if parameter["in"] == "query"
        }
        for path, operations in spec["paths"].items()
    }
    yield {"app": app, "routes": routes, "documented": documented}
    dispose(app)


def query(arguments: dict[str, str]) -> str:
    """A query string carrying any text, surrogates included (as the bytes a client could send)."""
    return "&".join(
        f"{quote(name.encode('utf-8', 'surrogatepass'))}={quote(value.encode('utf-8', 'surrogatepass'))}"
        for name, value in arguments.items()
    )


def assert_handled(response, path: str) -> None:
    """A 4xx is fine (in the JSON shape under /api/), a 5xx never."""
    response.close()  # static files are streamed from an open file
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if path.startswith("/api/") and response.status_code >= 400:
        error = response.get_json()["error"]
        assert error["status"] == response.status_code and error["message"]


def argument_names(site, rule) -> list[str]:
    """The query arguments the OpenAPI description lists for ``rule``, or those pages read."""
    template = PLACEHOLDER.sub(r"{\1}", rule.rule)
    return sorted(site["documented"].get(template) or PAGE_ARGUMENTS)


def test_every_route_and_argument_is_covered(site):
    """The walk below reaches every route the app has and every argument the OpenAPI lists."""
    assert len(site["routes"]) >= 25
    walked = {name for _method, _path, rule in site["routes"] for name in argument_names(site, rule)}
    documented = set().union(*site["documented"].values())
    assert documented <= walked
    assert {"steps", "index", "start", "bbox", "mass_kg", "date", "lang", "next"} <= walked


@pytest.mark.parametrize(
    ("path", "arguments", "status", "field"),
    [
        ("/api/loops", {"start": START, "steps": "²"}, 400, "steps"),
        ("/api/loops", {"start": START, "steps": "٣٠٠٠"}, 400, "steps"),
        ("/api/loops", {"start": START, "steps": "３０００"}, 400, "steps"),
        ("/api/loops", {"start": "٥٦.٤٩,60.81", "steps": "3000"}, 400, "start"),
        ("/api/loops.gpx", {"start": START, "steps": "3000", "index": "¹"}, 404, "index"),
        ("/api/loops.gpx", {"start": START, "steps": "3000", "index": "٠"}, 404, "index"),
        ("/api/loops.gpx", {"start": START, "steps": "¹⁰⁰⁰⁰"}, 400, "steps"),
        ("/api/tracks", {"mass_kg": "٧٠"}, 400, "mass_kg"),
        ("/api/tracks", {"mass_kg": "1e2"}, 400, "mass_kg"),
        ("/api/proposals", {"bbox": "٦٠,56,61,57"}, 400, "bbox"),
        ("/api/route", {"from": START, "to": "56.5,６0.8"}, 400, "to"),
    ],
)
def test_digits_of_other_scripts_are_refused(site, path, arguments, status, field):
    response = site["app"].test_client().get(f"{path}?{query(arguments)}")
    assert response.status_code == status
    assert response.get_json()["error"]["field"] == field


@pytest.mark.parametrize("path", ["/moderation/١/approve", "/proposals/²/vote", "/proposals/٣/vote"])
def test_path_numbers_are_ascii(site, path):
    assert site["app"].test_client().post(path).status_code == 404


@pytest.mark.parametrize("name", ["title", "materials", "description", "author", "site", "category"])
def test_a_lone_surrogate_is_refused_naming_the_field(site, name):
    body = json.dumps(feature(**{name: "bench \ud800"}))  # json.dumps writes it as the escape \ud800
    assert "\\ud800" in body
    response = site["app"].test_client().post("/api/proposals", data=body, content_type="application/json")
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == f"properties.{name}"


def test_a_lone_surrogate_in_a_key_is_refused(site):
    body = json.dumps({**feature(), "\udc80": 1})
    response = site["app"].test_client().post("/api/proposals", data=body, content_type="application/json")
    assert response.status_code == 422
    assert "U+DC80" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("/api/layers/park", "date", "2026-07-01\r\n"),
        ("/api/tracks", "lang", "ru\x00"),
        ("/api/proposals", "site\x1b", "school-yard-23"),
        ("/", "date", "\x85"),
        ("/login", "next", "/moderation\r\nSet-Cookie: x=1"),
    ],
)
def test_control_characters_in_a_query_are_a_400_naming_the_argument(site, path, name, value):
    response = site["app"].test_client().get(f"{path}?{query({name: value})}")
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.get_json()["error"]["field"] == name
    else:
        assert response.mimetype == "text/html"
        assert "control character" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Request-ID", "abc\x01def"),
        ("X-Request-ID", "abc\tdef"),
        ("Accept-Language", "ru\x00, en;q=²"),
        ("Accept-Language", "\x7f"),
        ("Accept", "text/html\x01"),
        ("Cookie", "session=\x01\x02"),
        ("If-None-Match", '"\x00"'),
    ],
)
@pytest.mark.parametrize("path", ["/", "/api/layers", "/login", "/proposals"])
def test_control_characters_in_headers_are_ignored(site, path, header, value):
    response = site["app"].test_client().get(path, headers={header: value})
    assert response.status_code == 200
    assert value not in response.headers.get("X-Request-ID", "")


def test_no_query_argument_makes_a_5xx(site):
    """Every route, each with EXAMPLES_PER_ARGUMENT examples per argument of arbitrary text in one of them."""
    for method, path, rule in site["routes"]:
        fuzz_query(site["app"], method, path, argument_names(site, rule))


def fuzz_query(app, method: str, path: str, names: list[str]) -> None:
    examples = min(MAX_EXAMPLES_PER_ROUTE, max(EXAMPLES_PER_ROUTE, EXAMPLES_PER_ARGUMENT * len(names)))

    @settings(PER_ROUTE, max_examples=examples)
    @given(name=st.sampled_from(names), value=any_text)
    def check(name, value):
        arguments = {**BASE_ARGUMENTS.get(path, {}), name: value}
        assert_handled(app.test_client().open(f"{path}?{query(arguments)}", method=method), path)

    check()


def test_no_path_argument_makes_a_5xx(site):
    """Every route with a path argument, that argument replaced by arbitrary text."""
    for method, _path, rule in site["routes"]:
        if rule.arguments:
            fuzz_path(site["app"], method, rule.rule)


def fuzz_path(app, method: str, template: str) -> None:
    @PER_ROUTE
    @given(value=any_text)
    def check(value):
        path = PLACEHOLDER.sub(quote(value.encode("utf-8", "surrogatepass"), safe=""), template)
        assert_handled(app.test_client().open(path, method=method), path)

    check()


@SETTINGS
@given(data=st.data(), value=st.one_of(any_text, st.integers(-(10**40), 10**40), st.none()))
def test_no_proposal_text_makes_a_5xx(site, data, value):
    name = data.draw(st.sampled_from(["site", "category", "title", "materials", "description", "author"]))
    body = json.dumps(feature(**{name: value if value is not None else ""}))
    client = site["app"].test_client()
    response = client.post("/api/proposals", data=body, content_type="application/json")
    assert_handled(response, "/api/proposals")


@SETTINGS
@given(
    header=st.sampled_from(["X-Request-ID", "Accept-Language", "Accept", "If-None-Match", "Cookie"]),
    value=st.text(st.characters(min_codepoint=0, max_codepoint=255, exclude_characters="\r\n"), max_size=40),
    path=st.sampled_from(["/", "/api/layers", "/api/tracks", "/tracks", "/login", "/proposals", "/healthz"]),
)
def test_no_header_makes_a_5xx(site, header, value, path):
    response = site["app"].test_client().get(path, headers={header: value})
    assert_handled(response, path)


def test_signed_in_moderators_get_no_5xx_either(site):
    """The moderators' own arguments, under a session: statuses, sites and bbox with odd text."""
    client = site["app"].test_client()
    login(client)
    for value in AWKWARD:
        for name in ("status", "site", "bbox", "category"):
            for path in ("/api/proposals", "/api/proposals.csv", "/moderation"):
                assert_handled(client.get(f"{path}?{query({name: value})}"), path)
