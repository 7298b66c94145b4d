"""The map pages' layers written out once per pack, language and month, and shared read-only."""

from __future__ import annotations

import datetime as dt
import json
import re

from webmap.maps.layers import layer_view
from webmap.pack_access import get_pack

DATA = re.compile(r"\.addData\((\{.*?\})\);\n")


def _drawn(html: str) -> dict[str, dict]:
    """Each embedded feature by id, as the page hands it to Leaflet."""
    features = {}
    for text in DATA.findall(html):
        for feature in json.loads(text)["features"]:
            features[feature["id"]] = feature
    return features


def test_a_seasonal_layer_is_one_per_month_and_language_the_others_one_per_language(app):
    with app.test_request_context("/?lang=ru"):
        pack = get_pack()
        rink, park = pack.layers["rink-cinema"], pack.layers["park"]
        january, late_january, july = dt.date(2026, 1, 3), dt.date(2026, 1, 29), dt.date(2026, 7, 1)
        assert layer_view(rink, january, "ru") is layer_view(rink, late_january, "ru")
        assert layer_view(rink, january, "ru") is not layer_view(rink, july, "ru")
        assert layer_view(park, january, "ru") is layer_view(park, july, "ru")
        assert layer_view(park, january, "ru") is not layer_view(park, january, "en")


def test_the_embedded_data_is_the_layers_with_their_use_and_style_of_the_day(client):
    january = _drawn(client.get("/?lang=en&date=2026-01-15").get_data(as_text=True))
    july = _drawn(client.get("/?lang=en&date=2026-07-15").get_data(as_text=True))
    for layer in client.get("/api/layers").json["layers"]:
        for feature in client.get(f"/api/layers/{layer['id']}?date=2026-01-15").json["features"]:
            drawn = january[feature["id"]]
            assert drawn["geometry"] == feature["geometry"]
            assert drawn["properties"].get("current_use") == feature["properties"].get("current_use")
            assert drawn["properties"]["_style"]["color"]
    rink = "rink-cinema-plot"
    assert january[rink]["properties"]["_tooltip"].endswith(": Skating rink")
    assert july[rink]["properties"]["_tooltip"].endswith(": Open-air cinema")
    assert january[rink]["properties"]["_style"] != july[rink]["properties"]["_style"]


def test_a_track_page_leaves_the_shared_layers_whole(client):
    before = _drawn(client.get("/?lang=ru").get_data(as_text=True))
    track_page = _drawn(client.get("/tracks/walk-10000-steps?lang=ru").get_data(as_text=True))
    after = _drawn(client.get("/?lang=ru&date=" + dt.date.today().isoformat()).get_data(as_text=True))
    assert after == before  # no feature dropped or restyled by the track page's faint copies
    faint = {"weight": 1, "fillOpacity": 0.25}
    passed = [
        feature
        for feature in track_page.values()
        if faint.items() <= feature["properties"].get("_style", {}).items()
    ]
    assert passed
    for feature in passed:  # the city map's copy keeps its own style
        assert not faint.items() <= before[feature["id"]]["properties"]["_style"].items()


def test_the_popup_and_tooltip_builders_are_written_once_per_page(client):
    html = client.get("/?lang=ru").get_data(as_text=True)
    layers = len(DATA.findall(html))
    assert html.count("var ecomapSafeText") == 1
    assert html.count(".bindPopup(ecomapSafeText.popup,") == layers
    assert html.count(".bindTooltip(ecomapSafeText.tooltip,") == layers
    assert html.index("var ecomapSafeText") < html.index(".bindPopup(")
