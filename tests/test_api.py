"""The JSON API over layers, the health check, and the one error shape."""

from __future__ import annotations

import pytest

from tests.test_sysert_pack import REQUIRED_LAYERS


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["pack"] == "sysert"


def test_layers_lists_every_layer_with_counts_and_bounds(client):
    layers = {layer["id"]: layer for layer in client.get("/api/layers").json["layers"]}
    assert set(REQUIRED_LAYERS) <= set(layers)
    reservoir = layers["reservoir"]
    assert reservoir["features"] == 2
    assert reservoir["title"]["ru"] == "Водохранилища"
    assert reservoir["group"] == "nature"
    west, south, east, north = reservoir["bounds"]
    assert 60.6 < west < east < 60.9 and 56.4 < south < north < 56.55


@pytest.mark.parametrize("layer_id", REQUIRED_LAYERS)
def test_layer_is_an_rfc7946_feature_collection(client, layer_id):
    response = client.get(f"/api/layers/{layer_id}")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    collection = response.json
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    for feature in collection["features"]:
        assert isinstance(feature["id"], str)
        assert {"name_ru", "name_en", "source", "accuracy"} <= set(feature["properties"])


@pytest.mark.parametrize(
    ("date", "use"),
    [("2026-01-15", "rink"), ("2026-12-20", "rink"), ("2026-07-01", "cinema"), ("2026-10-01", None)],
)
def test_rink_cinema_current_use_follows_the_date(client, date, use):
    [feature] = client.get(f"/api/layers/rink-cinema?date={date}").json["features"]
    current = feature["properties"]["current_use"]
    assert (current["id"] if current else None) == use


@pytest.mark.parametrize(
    ("path", "status", "field"),
    [
        ("/api/layers/nope", 404, "layer_id"),
        ("/api/layers/rink-cinema?date=2026-13-01", 400, "date"),
        ("/api/layers/park?date=yesterday", 400, "date"),
        ("/api/nothing-here", 404, None),
    ],
    ids=["unknown-layer", "bad-month", "not-a-date", "unknown-endpoint"],
)
def test_api_errors_have_the_one_json_shape(client, path, status, field):
    response = client.get(path)
    assert response.status_code == status
    assert response.is_json
    error = response.json["error"]
    assert set(error) == {"status", "message", "field"}
    assert error["status"] == status
    assert error["field"] == field
    assert error["message"]


def test_bad_date_on_the_map_page_is_a_400_page_not_a_500(client):
    response = client.get("/?date=2026-02-30")
    assert response.status_code == 400


def test_unknown_page_is_an_html_404(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
