"""Every rule a proposal must pass: a 4xx in the one error shape naming the field; nothing stored."""

from __future__ import annotations

import copy
import io
import json

import pytest

from tests.support.browser import serve  # noqa: F401 (fixture)
from tests.support.proposals_support import OUTSIDE_POLYGON, SCHOOL_LINE, SCHOOL_POINT, feature, make_app
from webmap.proposals.validation import MAX_BODY_BYTES, MAX_DEPTH, MAX_VERTICES, TEXT_LIMITS


def _geometry(kind: str, coordinates) -> dict:
    return feature({"type": kind, "coordinates": coordinates})


def _ring(count: int) -> list[list[float]]:
    """A closed ring of ``count`` positions on a small circle inside the school yard."""
    import math

    points = [
        [
            60.8352 + 0.0002 * math.cos(2 * math.pi * i / (count - 1)),
            56.4968 + 0.0001 * math.sin(2 * math.pi * i / (count - 1)),
        ]
        for i in range(count - 1)
    ]
    return [*points, points[0]]


BOWTIE = [
    [[60.8350, 56.4967], [60.8354, 56.4969], [60.8354, 56.4967], [60.8350, 56.4969], [60.8350, 56.4967]]
]
UNCLOSED = [[[60.8350, 56.4967], [60.8354, 56.4967], [60.8354, 56.4969], [60.8350, 56.4969]]]

RULES = [
    # (id, body, status, field, message fragment)
    ("array", [], 400, "body", "must be a JSON object (a GeoJSON Feature), got array"),
    (
        "not-feature",
        {**feature(), "type": "FeatureCollection"},
        422,
        "type",
        "'type' must be 'Feature', got 'FeatureCollection'",
    ),
    (
        "no-properties",
        {**feature(), "properties": None},
        422,
        "properties",
        "'properties' is missing; it must be an object",
    ),
    ("no-type", {**feature(), "type": None}, 422, "type", "'type' is missing; it must be 'Feature'"),
    ("unknown-property", feature(email="a@b.c"), 422, "properties.email", "unknown property 'email'"),
    ("unknown-site", feature(site="moon"), 422, "properties.site", "unknown site 'moon'"),
    (
        "no-site",
        feature(site=None),
        422,
        "properties.site",
        "'site' is missing; it must be a non-empty string",
    ),
    ("no-category", feature(category=None), 422, "properties.category", "'category' is missing"),
    (
        "unknown-category",
        feature(category="fountain"),
        422,
        "properties.category",
        "unknown category 'fountain'",
    ),
    ("empty-title", feature(title="   "), 422, "properties.title", "'title' must not be empty"),
    (
        "missing-title",
        feature(title=None),
        422,
        "properties.title",
        "'title' is missing; it must be a string",
    ),
    (
        "missing-materials",
        feature(materials=None),
        422,
        "properties.materials",
        "'materials' is missing; it must be a string",
    ),
    (
        "null-author",
        {**feature(), "properties": {**feature()["properties"], "author": None}},
        422,
        "properties.author",
        "'author' is missing; it must be a string",
    ),
    ("number-author", feature(author=23), 422, "properties.author", "'author' must be a string, got number"),
    (
        "long-title",
        feature(title="x" * (TEXT_LIMITS["title"] + 1)),
        422,
        "properties.title",
        "'title' is 121 characters long; the limit is 120",
    ),
    ("long-description", feature(description="x" * 2001), 422, "properties.description", "the limit is 2000"),
    ("long-materials", feature(materials="x" * 301), 422, "properties.materials", "the limit is 300"),
    ("long-author", feature(author="x" * 41), 422, "properties.author", "the limit is 40"),
    (
        "control-char",
        feature(title="a\x07b"),
        422,
        "properties.title",
        "'title' contains a control character U+0007",
    ),
    (
        "zero-width-space-title",
        feature(title="\u200b"),
        422,
        "properties.title",
        "'title' contains an invisible or text-direction character U+200B (ZERO WIDTH SPACE)",
    ),
    (
        "bidi-override",
        feature(title="abc\u202edef"),
        422,
        "properties.title",
        "'title' contains an invisible or text-direction character U+202E (RIGHT-TO-LEFT OVERRIDE)",
    ),
    (
        "bidi-isolate-author",
        feature(author="fox\u2066"),
        422,
        "properties.author",
        "'author' contains an invisible or text-direction character U+2066 (LEFT-TO-RIGHT ISOLATE)",
    ),
    (
        "soft-hyphen-description",
        feature(description="bench\u00adline"),
        422,
        "properties.description",
        "U+00AD (SOFT HYPHEN)",
    ),
    (
        "byte-order-mark-materials",
        feature(materials="\ufeffwood"),
        422,
        "properties.materials",
        "U+FEFF (ZERO WIDTH NO-BREAK SPACE)",
    ),
    (
        "joiners-only-title",
        feature(title="\u200d \u200c"),
        422,
        "properties.title",
        "'title' must not be empty",
    ),
    (
        "author-email",
        feature(author="kid@example.org"),
        422,
        "properties.author",
        "looks like an e-mail address or phone number",
    ),
    (
        "author-phone",
        feature(author="+7 912 345-67-89"),
        422,
        "properties.author",
        "looks like an e-mail address or phone number",
    ),
    (
        "no-geometry",
        {**feature(), "geometry": None},
        422,
        "geometry",
        "'geometry' is missing; it must be an object",
    ),
    (
        "missing-geometry",
        {key: value for key, value in feature().items() if key != "geometry"},
        422,
        "geometry",
        "'geometry' is missing; it must be an object",
    ),
    (
        "missing-geometry-type",
        feature({"coordinates": [60.8352, 56.4968]}),
        422,
        "geometry.type",
        "geometry type is missing; it must be one of Point, LineString, Polygon",
    ),
    (
        "missing-coordinates",
        feature({"type": "Polygon"}),
        422,
        "geometry.coordinates",
        "the Polygon's coordinates are missing",
    ),
    (
        "multipolygon",
        _geometry("MultiPolygon", [BOWTIE]),
        422,
        "geometry.type",
        "geometry type must be one of Point, LineString, Polygon, got 'MultiPolygon'",
    ),
    (
        "point-strings",
        _geometry("Point", ["60.8", "56.4"]),
        422,
        "geometry.coordinates",
        "coordinates must hold two numbers, got ['60.8', '56.4']",
    ),
    ("point-bool", _geometry("Point", [True, 56.4]), 422, "geometry.coordinates", "must hold two numbers"),
    (
        "point-three",
        _geometry("Point", [60.8, 56.4, 100]),
        422,
        "geometry.coordinates",
        "must be a [lon, lat] pair",
    ),
    (
        "lat-range",
        _geometry("Point", [60.8, 95.0]),
        422,
        "geometry.coordinates",
        "out of range: lon must be in [-180, 180] and lat in [-90, 90], got [60.8, 95.0]",
    ),
    (
        "lon-range",
        _geometry("LineString", [[60.8, 56.4], [200.0, 56.4]]),
        422,
        "geometry.coordinates",
        "coordinates[1] is out of range",
    ),
    (
        "line-one-point",
        _geometry("LineString", [[60.8352, 56.4968]]),
        422,
        "geometry.coordinates",
        "coordinates needs at least 2 positions, got 1",
    ),
    (
        "polygon-not-rings",
        _geometry("Polygon", [60.8, 56.4]),
        422,
        "geometry.coordinates",
        "coordinates[0] must be an array of positions, got number",
    ),
    (
        "unclosed-ring",
        _geometry("Polygon", UNCLOSED),
        422,
        "geometry.coordinates",
        "ring coordinates[0] is not closed",
    ),
    (
        "self-intersection",
        _geometry("Polygon", BOWTIE),
        422,
        "geometry",
        "the Polygon is not valid: Self-intersection",
    ),
    (
        "too-many-vertices",
        _geometry("Polygon", [_ring(MAX_VERTICES + 1)]),
        422,
        "geometry.coordinates",
        f"has 501 vertices; the limit is {MAX_VERTICES}",
    ),
    ("outside-site", feature(OUTSIDE_POLYGON), 422, "geometry", "is not wholly inside site 'school-yard-23'"),
    (
        "point-on-other-site",
        feature(SCHOOL_POINT, site="rink-cinema-plot"),
        422,
        "geometry",
        "the Point is not wholly inside site 'rink-cinema-plot' (it lies outside",
    ),
]


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def _stored(app) -> int:
    from sqlalchemy import func, select

    from webmap.proposals.db import get_db
    from webmap.proposals.models import Proposal

    with app.app_context(), get_db().read() as session:
        return session.scalar(select(func.count()).select_from(Proposal))


@pytest.mark.parametrize(
    ("body", "status", "field", "message"), [rule[1:] for rule in RULES], ids=[rule[0] for rule in RULES]
)
def test_each_rule_answers_its_message_and_stores_nothing(app, body, status, field, message):
    response = app.test_client().post("/api/proposals", json=body)

    assert response.status_code == status
    assert response.json["error"]["field"] == field
    assert message in response.json["error"]["message"]
    assert set(response.json) == {"error"}
    if status == 422:  # one broken rule: one problem, said plainly, naming the same field
        assert set(response.json["error"]) == {"status", "message", "field", "problems"}
        (problem,) = response.json["error"]["problems"]
        assert problem["field"] == field and problem["message"]
    else:
        assert set(response.json["error"]) == {"status", "message", "field"}
    assert _stored(app) == 0


def test_not_json_is_400(app):
    response = app.test_client().post("/api/proposals", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json["error"]["field"] == "body"
    assert response.json["error"]["message"].startswith("the body is not valid JSON")


def test_form_encoded_body_is_415(app):
    response = app.test_client().post("/api/proposals", data={"title": "x"})

    assert response.status_code == 415
    assert (
        "Content-Type application/json, got application/x-www-form-urlencoded"
        in response.json["error"]["message"]
    )


def test_body_over_the_limit_is_413_and_stores_nothing(app):
    body = feature(description="x" * MAX_BODY_BYTES)

    response = app.test_client().post("/api/proposals", json=body)

    assert response.status_code == 413
    assert response.json["error"] == {
        "status": 413,
        "message": f"the body is over the {MAX_BODY_BYTES} byte limit",
        "field": "body",
    }
    assert _stored(app) == 0


TOO_DEEP = f"the body nests too deeply: over {MAX_DEPTH} levels of arrays or objects"


@pytest.mark.parametrize(
    "body",
    [
        "[" * 30000,
        "[" * 30000 + "]" * 30000,
        '{"a":' * 5000 + "1" + "}" * 5000,
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
        json.dumps({**feature(), "properties": {"title": [[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]}}),
    ],
    ids=["unclosed-30000", "closed-30000", "objects-5000", "just-over-the-limit", "deep-title"],
)
def test_deeply_nested_json_is_400_and_stores_nothing(app, body):
    response = app.test_client().post("/api/proposals", data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json == {"error": {"status": 400, "message": TOO_DEEP, "field": "body"}}
    assert _stored(app) == 0


def _over_the_limit() -> dict[str, bytes]:
    valid = json.dumps(feature()).encode()
    return {
        "200-kb-string": json.dumps(feature(description="x" * 200_000)).encode(),
        "valid-json-then-100-kb-of-spaces": valid + b" " * 100_000,
        "one-byte-over": valid + b" " * (MAX_BODY_BYTES + 1 - len(valid)),
    }


def _post_chunked(app, data: bytes):
    """A chunked request as werkzeug's server hands it on: de-chunked, no Content-Length, input terminated."""
    return app.test_client().post(
        "/api/proposals",
        input_stream=io.BytesIO(data),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


TOO_BIG = {
    "error": {"status": 413, "message": f"the body is over the {MAX_BODY_BYTES} byte limit", "field": "body"}
}


@pytest.mark.parametrize("name", list(_over_the_limit()))
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_every_body_over_the_limit_is_413_chunked_or_not(app, name, chunked):
    data = _over_the_limit()[name]

    if chunked:
        response = _post_chunked(app, data)
    else:
        response = app.test_client().post("/api/proposals", data=data, content_type="application/json")

    assert response.status_code == 413
    assert response.json == TOO_BIG
    assert _stored(app) == 0


def test_a_chunked_body_at_the_limit_is_read_whole(app):
    valid = json.dumps(feature()).encode()

    response = _post_chunked(app, valid + b" " * (MAX_BODY_BYTES - len(valid)))

    assert response.status_code == 201
    assert _stored(app) == 1


def test_chunked_bodies_over_the_limit_are_413_from_a_real_server(app, serve):  # noqa: F811
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(serve(app).url)
    answers = []
    for data in (*_over_the_limit().values(), json.dumps(feature()).encode()):
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        pieces = (data[start : start + 8192] for start in range(0, len(data), 8192))
        headers = {"Content-Type": "application/json"}
        connection.request("POST", "/api/proposals", body=pieces, headers=headers, encode_chunked=True)
        response = connection.getresponse()
        answers.append((response.status, json.loads(response.read())))
        connection.close()

    assert answers[:3] == [(413, TOO_BIG)] * 3
    assert answers[3][0] == 201
    assert _stored(app) == 1


@pytest.mark.parametrize(
    "title",
    ["\U0001f469\u200d\U0001f52c lab", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "Скамейка"],
    ids=["zwj-emoji", "zwnj-persian", "cyrillic"],
)
def test_joiners_inside_text_are_kept(app, title):
    response = app.test_client().post("/api/proposals", json=feature(title=title))

    assert response.status_code == 201


@pytest.mark.parametrize("geometry", [SCHOOL_POINT, SCHOOL_LINE, None], ids=["point", "line", "polygon"])
def test_valid_shapes_are_accepted(app, geometry):
    response = app.test_client().post("/api/proposals", json=feature(geometry))

    assert response.status_code == 201
    assert _stored(app) == 1


def test_a_shape_along_the_mask_edge_is_inside_within_the_tolerance(app):
    from shapely.geometry import mapping

    from webmap.proposals.service import get_sites

    with app.app_context():
        mask = get_sites()["school-yard-23"].mask
    edge = copy.deepcopy(mapping(mask))  # the site's own outline is wholly inside it
    edge["coordinates"] = [[list(position) for position in ring] for ring in edge["coordinates"]]

    response = app.test_client().post("/api/proposals", json=feature(edge))

    assert response.status_code == 201
