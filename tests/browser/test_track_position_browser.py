"""Live position on a track's page (Russian phone): asked only on a tap, the walker placed on the route as
``context.set_geolocation`` moves along it: distance walked and left, the next stop, a warning more than
50 m off the route; nothing is sent anywhere."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import PHONE
from webmap.tracks import views as tracks

pytestmark = pytest.mark.browser


@pytest.fixture
def app(app):
    if "tracks" not in app.blueprints:
        tracks.init_app(app)
    return app


def _walked_m(text: str) -> float:
    """The metres walked in "Пройдено 1,2 км, осталось …" or "Пройдено 350 м, …"."""
    match = re.search(r"Пройдено ([\d\xa0]+(?:,\d+)?)\xa0(к?м)", text)
    assert match, text
    number = float(match.group(1).replace("\xa0", "").replace(",", "."))
    return number * 1000 if match.group(2) == "км" else number


def test_the_walker_is_placed_on_the_route_as_they_walk(browser, live_server):
    start = {"latitude": 0.0, "longitude": 0.0}
    context = browser.new_context(viewport=PHONE, locale="ru-RU", geolocation=start)
    page = context.new_page()
    requests: list[str] = []
    page.goto(f"{live_server.url}/tracks/walk-10000-steps?lang=ru")
    page.wait_for_selector("path.ecomap-track-line")
    route = page.evaluate("JSON.parse(document.getElementById('track-route').textContent)")
    coords = route["coords"]
    status = page.locator("#track-position-status")
    expect(status).to_be_empty()  # nothing asked before the tap
    context.grant_permissions(["geolocation"])
    page.on("request", lambda request: requests.append(request.url))
    context.set_geolocation({"latitude": coords[0][0], "longitude": coords[0][1]})
    page.get_by_role("button", name="Следить за моим положением на маршруте").click()
    expect(status).to_contain_text("Пройдено 0 м")
    expect(status).to_contain_text("Следующая остановка: 2.")
    walked = []
    for lat, lon in coords[len(coords) // 4 :: len(coords) // 4][:3]:
        previous = status.text_content()
        context.set_geolocation({"latitude": lat, "longitude": lon})
        page.wait_for_function(
            """(previous) => {
                const text = document.getElementById('track-position-status').textContent;
                return text !== previous && text.startsWith('Пройдено');
            }""",
            arg=previous,
        )
        walked.append(status.text_content())
    metres = [_walked_m(text) for text in walked]
    assert metres == sorted(metres) and metres[0] > 0, walked  # further along at each step
    assert "от маршрута" not in " ".join(walked)
    lat, lon = coords[len(coords) // 2]
    context.set_geolocation({"latitude": lat + 0.002, "longitude": lon})  # about 220 m north
    expect(status).to_contain_text(re.compile(r"Вы в \d+\xa0м от маршрута"))
    expect(page.locator(".track-position-marker")).to_have_count(1)
    assert requests == []  # the position never leaves the phone
    page.get_by_role("button", name="Не следить за моим положением").click()
    expect(status).to_be_empty()
    context.close()
