"""The proposals API: sites, submitting, the private link, listing with filters, CSV, rate limits."""

from __future__ import annotations

import csv
import io

import pytest

from tests.support.proposals_support import (
    RINK,
    RINK_POINT,
    SCHOOL,
    SCHOOL_LINE,
    SCHOOL_POINT,
    add_moderator,
    feature,
    login,
    make_app,
    set_status,
    submit,
)


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def test_sites_are_a_feature_collection_keyed_by_site_id(client):
    response = client.get("/api/sites?lang=en")

    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    features = {item["id"]: item for item in response.json["features"]}
    assert set(features) == {SCHOOL, RINK}
    assert features[SCHOOL]["properties"]["title"] == "School No. 23 yard"
    assert features[SCHOOL]["properties"]["layer"] == "school-yard"
    assert features[SCHOOL]["geometry"]["type"] == "Polygon"


def test_submit_answers_201_pending_with_a_private_link(client):
    response = submit(client)

    assert response.status_code == 201
    assert response.json["status"] == "pending"
    assert isinstance(response.json["id"], int)
    assert response.headers["Location"] == response.json["url"]
    page = client.get(response.json["url"].removeprefix("http://localhost"))
    assert page.status_code == 200
    assert "Bench from pallets" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_private_link_shows_the_rejection_reason(app, client):
    created = submit(client).json
    set_status(app, created["id"], "rejected", "Too close to the gate")

    page = client.get(created["url"].removeprefix("http://localhost") + "?lang=en").get_data(as_text=True)

    assert "Rejected" in page and "Too close to the gate" in page


def test_unknown_private_link_is_404(client):
    assert client.get("/proposals/p/nothing-here").status_code == 404


def test_texts_are_stored_trimmed_and_normalised(app, client):
    created = submit(client, feature(title="  Cafe\u0301 bench  ")).json
    set_status(app, created["id"], "approved")

    listed = client.get("/api/proposals").json["features"]

    assert listed[0]["properties"]["title"] == "Café bench"


def test_only_approved_proposals_are_public(app, client):
    ids = [submit(client).json["id"] for _ in range(3)]
    set_status(app, ids[0], "approved")
    set_status(app, ids[1], "rejected", "no")

    listed = client.get("/api/proposals")

    assert listed.status_code == 200
    assert listed.mimetype == "application/geo+json"
    assert [item["id"] for item in listed.json["features"]] == [ids[0]]
    assert "reason" not in listed.json["features"][0]["properties"]


def _approved(app, client, *bodies) -> list[int]:
    ids = [submit(client, body).json["id"] for body in bodies]
    for proposal_id in ids:
        set_status(app, proposal_id, "approved")
    return ids


def test_filters_by_site_category_and_bbox(app, client):
    school_bench, school_lamp, rink_sign = _approved(
        app,
        client,
        feature(SCHOOL_POINT),
        feature(SCHOOL_LINE, category="lighting"),
        feature(RINK_POINT, site=RINK, category="sign"),
    )

    def ids(query: str) -> list[int]:
        return [item["id"] for item in client.get(f"/api/proposals?{query}").json["features"]]

    assert ids(f"site={SCHOOL}") == [school_bench, school_lamp]
    assert ids("category=sign") == [rink_sign]
    assert ids(f"site={SCHOOL}&category=lighting") == [school_lamp]
    assert ids("bbox=60.8351,56.4967,60.8353,56.4969") == [school_bench, school_lamp]
    assert ids("bbox=60.8355,56.4967,60.8360,56.4969") == [school_lamp]
    assert ids("bbox=60.82,56.50,60.84,56.51") == [rink_sign]
    assert ids("bbox=10,10,11,11") == []


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("site=moon", "site", "unknown site 'moon'"),
        ("category=fountain", "category", "unknown category 'fountain'"),
        ("bbox=1,2,3", "bbox", "'bbox' must be west,south,east,north"),
        ("bbox=a,b,c,d", "bbox", "got 'a,b,c,d'"),
        ("bbox=61,56,60,57", "bbox", "west <= east"),
        ("bbox=60,-91,61,57", "bbox", "got '60,-91,61,57'"),
        ("status=secret", "status", "unknown status 'secret'"),
    ],
    ids=["site", "category", "bbox-three", "bbox-text", "bbox-reversed", "bbox-range", "status"],
)
def test_bad_filters_are_400_naming_the_argument(client, query, field, message):
    response = client.get(f"/api/proposals?{query}")

    assert response.status_code == 400
    assert response.json["error"]["field"] == field
    assert message in response.json["error"]["message"]


def test_csv_lists_the_same_proposals_with_formulas_neutralised(app, client):
    (proposal_id,) = _approved(app, client, feature(SCHOOL_POINT, title='=HYPERLINK("x")'))

    response = client.get("/api/proposals.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["id"] == str(proposal_id)
    assert rows[0]["title"] == '\'=HYPERLINK("x")'
    assert (float(rows[0]["lon"]), float(rows[0]["lat"])) == (60.8352, 56.4968)


@pytest.mark.parametrize("query", ["", f"?site={RINK}", "?category=sign"], ids=["all", "one-site", "none"])
def test_csv_starts_with_a_utf8_bom_for_excel(app, client, query):
    _approved(app, client, feature(RINK_POINT, site=RINK, title="Скамейка у катка", author="лиса"))

    response = client.get(f"/api/proposals.csv{query}")

    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith(b"\xef\xbb\xbfid,site,")
    text = response.data.decode("utf-8-sig")
    assert not text.startswith("\ufeff") and text.count("\ufeff") == 0
    if query != "?category=sign":
        assert "Скамейка у катка" in text and "лиса" in text


def test_csv_takes_the_same_filters(app, client):
    _approved(app, client, feature(SCHOOL_POINT), feature(RINK_POINT, site=RINK))

    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/api/proposals.csv?site={RINK}").data.decode("utf-8-sig")))
    )

    assert [row["site"] for row in rows] == [RINK]


def test_status_filter_needs_a_moderator(app, client):
    submit(client)

    anonymous = client.get("/api/proposals?status=pending")
    add_moderator(app)
    login(client)
    moderator = client.get("/api/proposals?status=pending")

    assert anonymous.status_code == 401
    assert anonymous.json["error"]["field"] == "status"
    assert "features" not in anonymous.json
    assert moderator.status_code == 200
    assert [item["properties"]["status"] for item in moderator.json["features"]] == ["pending"]


def test_site_moderator_sees_only_their_sites_and_403_for_another(app, client):
    submit(client)
    submit(client, feature(RINK_POINT, site=RINK))
    add_moderator(app, "rink-keeper", "long enough", sites=[RINK])
    login(client, "rink-keeper", "long enough")

    mine = client.get("/api/proposals?status=pending")
    other = client.get(f"/api/proposals?status=pending&site={SCHOOL}")

    assert [item["properties"]["site"] for item in mine.json["features"]] == [RINK]
    assert other.status_code == 403
    assert "does not moderate site 'school-yard-23'" in other.json["error"]["message"]


def test_submissions_are_rate_limited_per_client(tmp_path):
    client = make_app(tmp_path, RATE_LIMIT="3/minute").test_client()

    statuses = [submit(client).status_code for _ in range(4)]
    other_client = client.post("/api/proposals", json=feature(), environ_base={"REMOTE_ADDR": "10.0.0.2"})

    assert statuses == [201, 201, 201, 429]
    assert other_client.status_code == 201


def test_rate_limit_answers_in_the_error_shape(tmp_path):
    client = make_app(tmp_path, RATE_LIMIT="1/minute").test_client()
    submit(client)

    response = submit(client)

    assert response.status_code == 429
    assert set(response.json["error"]) == {"status", "message", "field"}


def _rate_limited_request(client, scope: str):
    from tests.support.proposals_support import csrf_token

    if scope == "submit":
        return submit(client)
    if scope == "vote":
        token = csrf_token(client.get("/login?lang=en").get_data(as_text=True))
        return client.post("/proposals/1/vote?lang=en", data={"csrf_token": token})
    token = csrf_token(client.get("/login?lang=en").get_data(as_text=True))
    return client.post("/login?lang=en", data={"username": "x", "password": "wrong", "csrf_token": token})


@pytest.mark.parametrize(
    ("scope", "what"),
    [("submit", "proposal submissions"), ("vote", "votes"), ("login", "sign-in attempts")],
)
@pytest.mark.parametrize("as_json", [True, False], ids=["json", "html"])
def test_rate_limit_says_which_limit_for_what_and_when_to_retry(tmp_path, scope, what, as_json):
    app = make_app(tmp_path, RATE_LIMIT="2/minute")
    client = app.test_client()
    if scope == "vote":
        (proposal_id,) = _approved(app, client, feature())
        assert proposal_id == 1
    headers = {"Accept": "application/json"} if as_json else {"Accept": "text/html"}
    for _ in range(2):
        assert _rate_limited_request(client, scope).status_code != 429

    client.environ_base["HTTP_ACCEPT"] = headers["Accept"]
    response = _rate_limited_request(client, scope)

    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    if as_json or scope == "submit":
        assert response.json["error"]["status"] == 429
        assert set(response.json["error"]) == {"status", "message", "field"}
        message = response.json["error"]["message"]
        assert message == (
            f"too many {what} from this address: the limit is 2 per 1 minute; "
            f"try again in {response.headers['Retry-After']} s"
        )
    else:
        page = response.get_data(as_text=True)
        assert (
            f"Too many {what} from this address: the limit is 2 per 1 minute. "
            f"Try again in {response.headers['Retry-After']} s."
        ) in page


def test_rate_limit_zero_turns_it_off(tmp_path):
    client = make_app(tmp_path, RATE_LIMIT="0").test_client()

    assert {submit(client).status_code for _ in range(30)} == {201}


def test_a_malformed_rate_limit_fails_at_start(tmp_path):
    with pytest.raises(ValueError):
        make_app(tmp_path, RATE_LIMIT="ten a minute")
