"""A proposal built from the kit, after it is sent, in Chromium: its bill of materials in moderation
(Russian phone, English desktop), then once approved on the /proposals cards and in the city map's
popup, so that officials see what each project costs; axe-core finds no violation on the way."""

from __future__ import annotations

import pytest

from tests.support.browser import (
    DESKTOP,
    MAP_NAME,
    PHONE,
    axe_violations,
    open_popup_at,
    screenshot,
    sign_in,
)
from tests.support.proposals_support import feature, moderated_app, submit
from tests.test_kit_api import at, part

pytestmark = pytest.mark.browser
JOURNEYS = [pytest.param(PHONE, "ru", id="ru-phone"), pytest.param(DESKTOP, "en", id="en-desktop")]
TEXTS = {
    "ru": {"bill": "Ведомость материалов", "cost": "Стоимость", "pallet": "Поддон EUR", "work": "работы"},
    "en": {"bill": "Bill of materials", "cost": "Cost", "pallet": "EUR pallet", "work": "of work"},
}
STAGE = at(0)  # a pallet stage, large enough to click on the city map
MAP_READY = "() => Boolean(window.L && Object.keys(window).find((key) => /^map_[0-9a-f]+$/.test(key)))"


@pytest.fixture
def app(tmp_path):
    return moderated_app(tmp_path)


@pytest.fixture
def sent(app):
    """A pending proposal of a pallet stage and a bench beside a freehand path (so that its geometry is a
    GeometryCollection of a line and polygons), for the school yard's moderator."""
    body = feature(title="Сцена и скамейка")
    body["geometry"] = {"type": "LineString", "coordinates": [list(at(-4)), list(at(-4, 6))]}
    body["properties"].update(
        parts=[part("pallet-stage", STAGE), part("pallet-bench", at(6))], season="summer"
    )
    created = submit(app.test_client(), body)
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def _open_popup_at(page, lon: float, lat: float) -> str:
    """Zoom the city map onto a point and return the text of the popup a click there opens."""
    page.wait_for_function(MAP_READY)
    name = page.evaluate(MAP_NAME)
    page.evaluate(f"() => window['{name}'].setView([{lat}, {lon}], 20, {{animate: false}})")
    return open_popup_at(page, lon, lat)


@pytest.mark.parametrize(("viewport", "lang"), JOURNEYS)
def test_the_bill_follows_the_proposal_to_moderation_the_cards_and_the_city_map(
    open_context, serve, app, sent, page_log, viewport, lang
):
    server = serve(app)
    words = TEXTS[lang]
    page = open_context(viewport, lang)
    sign_in(page, f"{server.url}/moderation?lang={lang}")
    page.wait_for_url("**/moderation?lang=*")

    card = page.locator(f"#proposal-{sent['id']}")
    bill = card.locator(".proposal-bill")
    assert words["bill"] in bill.inner_text() and words["pallet"] in bill.inner_text()
    total = bill.locator(".proposal-bill-total").inner_text()
    assert total.replace("\xa0", " ").rstrip().endswith("₽" if lang == "ru" else "RUB")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert axe_violations(page) == []
    screenshot(page, f"kit-bill-moderation-{lang}")

    card.locator("button.moderation-approve").click()
    page.wait_for_url("**/moderation?lang=*")
    page.goto(f"{server.url}/proposals?lang={lang}")

    summary = page.locator(f"#proposal-{sent['id']} .proposal-bill-details summary")
    assert words["cost"] in summary.inner_text() and total in summary.inner_text()
    summary.click()
    assert page.locator(f"#proposal-{sent['id']} .proposal-bill-table").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert axe_violations(page) == []
    screenshot(page, f"kit-bill-cards-{lang}")

    page.goto(f"{server.url}/?lang={lang}")
    popup = _open_popup_at(page, *STAGE)
    screenshot(page, f"kit-bill-citymap-{lang}")

    assert "Сцена и скамейка" in popup
    assert words["cost"] in popup and total in popup and words["work"] in popup
    assert page_log.foreign_requests(server.host) == []
    assert page_log.console_errors == [] and page_log.page_errors == []
