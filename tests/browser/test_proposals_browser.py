"""Proposals in Chromium: user text shows as text everywhere, and a drawn polygon is submitted end to end."""

from __future__ import annotations

import re

import pytest
from shapely.geometry import shape

from tests.support.browser import (
    GEOMAN_MARKER,
    GEOMAN_POLYGON,
    MAP_NAME,
    POLYGON_READY_FOR,
    open_popup_at,
    screen_point,
    screenshot,
    sign_in,
)
from tests.support.proposals_support import (
    SCHOOL,
    SCHOOL_POLYGON,
    XSS,
    feature,
    moderated_app,
    set_status,
    submit,
)
from webmap.proposals.db import get_db
from webmap.proposals.service import get_sites
from webmap.proposals.store import Filters, find_proposals

pytestmark = pytest.mark.browser

MAP_READY = "() => window.L && Object.keys(window).some((key) => /^map_[0-9a-f]+$/.test(key))"
XSS_DESCRIPTION = "</script><script>alert(2)</script>"


@pytest.fixture
def app(tmp_path):
    return moderated_app(tmp_path)


@pytest.fixture
def dialogs(page):
    """Every dialog a page opens (alert, confirm, prompt): there must be none."""
    opened: list[str] = []
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))
    return opened


@pytest.fixture
def hostile(app):
    """Two proposals whose texts are markup: one approved, one pending."""
    client = app.test_client()
    approved = submit(client, feature(title=XSS, description=XSS_DESCRIPTION, author="<b>fox</b>")).json
    pending = submit(client, feature(title=XSS + " pending", description=XSS_DESCRIPTION)).json
    set_status(app, approved["id"], "approved")
    return {"approved": approved, "pending": pending}


def _map_name(page) -> str:
    return page.evaluate(MAP_NAME)


def _open_popup_at_the_proposal(page) -> str:
    centre = shape(SCHOOL_POLYGON).centroid
    return open_popup_at(page, centre.x, centre.y)


def _assert_no_markup_ran(page, dialogs) -> None:
    assert dialogs == []
    assert page.locator("main img, .leaflet-popup-content b, main b:not(.ok)").count() == 0
    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0


def test_approved_page_shows_markup_as_text_in_cards_and_popup(page, serve, app, hostile, dialogs):
    server = serve(app)
    page.goto(f"{server.url}/proposals?lang=en")
    page.wait_for_function(MAP_READY)

    card = page.locator(f"li.proposal-card#proposal-{hostile['approved']['id']}")
    assert card.locator("h3.proposal-title").inner_text() == XSS
    assert card.locator("p.proposal-description").inner_text() == XSS_DESCRIPTION
    assert card.locator("dd.proposal-author").inner_text() == "<b>fox</b>"
    popup = _open_popup_at_the_proposal(page)
    screenshot(page, "proposals-xss-popup")

    assert XSS in popup and "<b>fox</b>" in popup
    _assert_no_markup_ran(page, dialogs)


def test_moderation_queue_shows_markup_as_text(page, serve, app, hostile, dialogs):
    server = serve(app)
    sign_in(page, f"{server.url}/moderation?lang=en")
    page.wait_for_url("**/moderation*")
    page.wait_for_function(MAP_READY)

    assert page.locator("h3.proposal-title").first.inner_text() == XSS + " pending"
    assert page.locator("p.proposal-description").first.inner_text() == XSS_DESCRIPTION
    popup = _open_popup_at_the_proposal(page)
    screenshot(page, "moderation-xss-popup")

    assert XSS + " pending" in popup
    _assert_no_markup_ran(page, dialogs)


def test_city_map_popup_shows_markup_as_text(page, serve, app, hostile, dialogs):
    server = serve(app)
    page.goto(f"{server.url}/?lang=en")
    page.wait_for_function(MAP_READY)
    name = _map_name(page)
    page.evaluate(f"() => window['{name}'].setView([56.4968, 60.8352], 18, {{animate: false}})")

    popup = _open_popup_at_the_proposal(page)

    assert XSS in popup
    _assert_no_markup_ran(page, dialogs)


def test_private_link_shows_markup_as_text(page, serve, app, hostile, dialogs):
    server = serve(app)
    page.goto(hostile["pending"]["url"].replace("http://localhost", server.url))
    page.wait_for_function(MAP_READY)

    assert page.locator("dd.proposal-title").inner_text() == XSS + " pending"
    _assert_no_markup_ran(page, dialogs)


def test_a_drawn_polygon_is_submitted_end_to_end(page, page_log, serve, app, dialogs):
    server = serve(app)
    page.goto(f"{server.url}/proposals/new?site={SCHOOL}&lang=en")
    page.wait_for_function(MAP_READY)
    corners = [(60.8349, 56.49665), (60.8355, 56.49665), (60.8355, 56.4969), (60.8349, 56.4969)]
    points = [screen_point(page, lon, lat) for lon, lat in corners]

    page.click(GEOMAN_POLYGON)
    for count, (x, y) in enumerate([*points, points[0]], start=1):
        page.mouse.move(x, y)
        page.mouse.click(x, y)
        if count <= len(points):  # each corner taken before the next click
            page.wait_for_function(POLYGON_READY_FOR, arg=count)
    page.locator("#proposal-shape", has_text="Shape drawn.").wait_for()
    page.fill("#proposal-title", "Planters from tyres")
    page.select_option("#proposal-category", "planter")
    page.fill("#proposal-materials", "old tyres, paint, soil")
    page.fill("#proposal-description", "Four painted tyre planters along the path.")
    page.fill("#proposal-author", "fox23")
    page.click("#proposal-form button[type=submit]")
    link = page.locator("#proposal-link")
    link.wait_for()
    screenshot(page, "proposal-drawn-and-sent")

    with app.app_context(), get_db().read() as session:
        (stored,) = find_proposals(session, Filters(("pending",)))
        mask = get_sites()[SCHOOL].mask
    assert stored.title == "Planters from tyres" and stored.category == "planter"
    assert stored.geometry["type"] == "Polygon"
    assert len(stored.geometry["coordinates"][0]) == 5
    assert mask.contains(shape(stored.geometry))
    assert link.inner_text().endswith(stored.token)
    assert page_log.foreign_requests(server.host) == []
    assert page_log.page_errors == []
    assert dialogs == []


def test_a_point_outside_the_site_is_refused_in_plain_words_and_marked_on_the_map(page, serve, app):
    server = serve(app)
    page.goto(f"{server.url}/proposals/new?site={SCHOOL}&lang=en")
    page.wait_for_function(MAP_READY)
    page.click(GEOMAN_MARKER)
    page.mouse.click(*screen_point(page, 60.8363, 56.4968))  # some 15 m east of the school yard
    page.fill("#proposal-title", "Lamp")
    page.fill("#proposal-materials", "solar lamp")
    page.fill("#proposal-description", "A lamp by the gate.")
    page.fill("#proposal-author", "owl")
    page.click("#proposal-form button[type=submit]")

    error = page.locator("#proposal-shape-error", has_text="outside “School No. 23 yard”")
    error.wait_for()
    assert re.fullmatch(
        r"The point is \d+\xa0m outside “School No. 23 yard”\. Put it inside the dashed outline\.",
        error.inner_text(),
    )
    assert "tolerance" not in page.locator("main").inner_text()
    assert page.locator(".leaflet-marker-icon.proposals-outside").count() == 1
