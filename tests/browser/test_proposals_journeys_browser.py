"""Proposals and moderation in Chromium, in Russian on a phone and in English on a desktop: the
approved proposals as cards with a large vote button, a vote, a moderator zooming to a shape,
approving and undoing; nothing wider than the screen and axe-core finding no violation."""

from __future__ import annotations

import pytest

from tests.support.browser import DESKTOP, PHONE, axe_violations, screenshot
from tests.support.proposals_support import (
    RINK,
    RINK_POINT,
    SCHOOL_LINE,
    feature,
    make_class,
    moderated_app,
    set_status,
    submit,
)
from webmap.proposals.db import get_db
from webmap.proposals.store import get_proposal, vote_counts

pytestmark = pytest.mark.browser
JOURNEYS = [pytest.param(PHONE, "ru", id="ru-phone"), pytest.param(DESKTOP, "en", id="en-desktop")]
TEXTS = {
    "ru": {"vote": "Голосовать", "voted": "Вы проголосовали", "approved": "одобрено", "back": "в очереди"},
    "en": {"vote": "Vote", "voted": "You voted", "approved": "approved", "back": "is back in the queue"},
}
LONG_WORD = "Скамейка" * 12  # one unbroken word far wider than a phone
MAP_READY = """() => {
    const holder = window.L && document.querySelector('[data-proposals-layer]');
    return Boolean(holder && window[holder.dataset.proposalsLayer]);
}"""
SHAPE_BOX = """(id) => {
    const holder = document.querySelector('[data-proposals-layer]');
    let box = null;
    window[holder.dataset.proposalsLayer].eachLayer((shape) => {
        if (String(shape.feature.id) === String(id)) {
            const r = shape.getElement().getBoundingClientRect();
            box = {width: r.width, height: r.height, top: r.top, bottom: r.bottom, left: r.left,
                   right: r.right, stroke: shape.getElement().getAttribute('stroke')};
        }
    });
    return box;
}"""
ZOOMED_IN = f"""(id) => {{  // the shape at least 100 px each way,
    const box = ({SHAPE_BOX})(id);
    // and wholly in the window: a phone scrolls (smoothly, Bootstrap's reboot) up to the map
    return !document.querySelector('.leaflet-zoom-anim') && box && box.width >= 100 && box.height >= 100
        && box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth;
}}"""


@pytest.fixture
def app(tmp_path):
    return moderated_app(tmp_path)


@pytest.fixture
def approved(app):
    """Two approved proposals on the school yard (one titled with a word wider than a phone) and one
    on the rink."""
    client = app.test_client()
    ids = [
        submit(client, feature(title=LONG_WORD, description="Вдоль забора,\nв тени.")).json["id"],
        submit(client, feature(SCHOOL_LINE, category="paving", title="Path")).json["id"],
        submit(client, feature(RINK_POINT, site=RINK, category="lighting", title="Lamp")).json["id"],
    ]
    for proposal_id in ids:
        set_status(app, proposal_id, "approved")
    return ids


@pytest.fixture
def pending(app):
    """Two pending proposals: the school yard polygon (some 25 m across) and a point on the rink."""
    client = app.test_client()
    school = submit(client, feature(title="Planters")).json["id"]
    rink = submit(client, feature(RINK_POINT, site=RINK, title="Rink bench")).json["id"]
    return {"school": school, "rink": rink}


def _status(app, proposal_id: int) -> str:
    with app.app_context(), get_db().read() as session:
        return get_proposal(session, proposal_id).status


def _assert_fits(page, viewport) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize(("viewport", "lang"), JOURNEYS)
def test_a_student_sees_cards_and_votes(open_context, serve, app, approved, page_log, viewport, lang):
    server = serve(app)
    code = make_class(app)
    page = open_context(viewport, lang)
    page.goto(f"{server.url}/proposals/join?lang={lang}")
    assert axe_violations(page) == []
    _assert_fits(page, viewport)
    page.fill("#code", code)
    page.fill("#nickname", f"fox-{lang}")
    page.click(".proposal-join-form button[type=submit]")
    page.wait_for_url("**/proposals?*")
    page.wait_for_function(MAP_READY)

    cards = page.locator("li.proposal-card")
    assert cards.count() == 3 and page.locator("main table").count() == 0
    _assert_fits(page, viewport)
    assert axe_violations(page) == []
    card = page.locator(f"#proposal-{approved[0]}")
    button = card.locator("button.proposal-vote-button")
    button.scroll_into_view_if_needed()
    box, card_box = button.bounding_box(), card.bounding_box()
    assert button.is_visible() and button.inner_text() == TEXTS[lang]["vote"]
    assert card.locator("button.proposal-focus").is_visible()  # the script found the card's shape
    assert box["height"] >= 44 and box["width"] >= 44
    assert box["width"] >= card_box["width"] - 40  # the card's whole width, less its padding
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    screenshot(page, f"proposals-cards-{lang}")

    button.click()
    page.wait_for_url(f"**/proposals?lang={lang}#proposal-{approved[0]}")

    card = page.locator(f"#proposal-{approved[0]}")
    assert card.locator(".proposal-votes").inner_text() == "1"
    assert card.locator(".proposal-voted").inner_text() == TEXTS[lang]["voted"]
    assert page.locator(f"#proposal-{approved[1]} button.proposal-vote-button").is_visible()
    with app.app_context(), get_db().read() as session:
        assert vote_counts(session, approved) == {approved[0]: 1, approved[1]: 0, approved[2]: 0}
    assert page_log.foreign_requests(server.host) == []
    assert page_log.console_errors == [] and page_log.page_errors == []


@pytest.mark.parametrize(("viewport", "lang"), JOURNEYS)
def test_a_moderator_zooms_to_a_shape_approves_and_undoes(
    open_context, serve, app, pending, page_log, viewport, lang
):
    server = serve(app)
    page = open_context(viewport, lang)
    page.goto(f"{server.url}/moderation?lang={lang}")
    page.wait_for_url("**/login?**")
    assert axe_violations(page) == []
    _assert_fits(page, viewport)
    page.fill("#username", "teacher")
    page.fill("#password", "correct horse")
    page.click(".login-form button[type=submit]")
    page.wait_for_url("**/moderation?lang=*")
    page.wait_for_function(MAP_READY)
    school = pending["school"]

    _assert_fits(page, viewport)
    assert axe_violations(page) == []
    before = page.evaluate(SHAPE_BOX, school)
    assert before["width"] < 100  # the map opens on both pending shapes, a site apart
    card = page.locator(f"#proposal-{school}")
    card.locator("button.proposal-focus").click()
    page.wait_for_function(ZOOMED_IN, arg=school)

    after = page.evaluate(SHAPE_BOX, school)
    assert after["stroke"] == "#ffd600"  # highlighted
    assert after["top"] >= 0 and after["bottom"] <= viewport["height"]  # in view, on a phone too
    assert after["left"] >= 0 and after["right"] <= viewport["width"]
    screenshot(page, f"moderation-focus-{lang}")

    card.locator("button.moderation-approve").click()
    page.wait_for_url("**/moderation?lang=*")
    flash = page.locator(".moderation-flash-undo")
    assert TEXTS[lang]["approved"] in flash.inner_text() and _status(app, school) == "approved"
    assert page.locator(f"#proposal-{school}").count() == 0
    assert page.locator(f"#decided-{school}").count() == 1
    assert axe_violations(page) == []
    screenshot(page, f"moderation-undo-{lang}")

    flash.locator("button.moderation-undo").click()
    page.wait_for_url(f"**/moderation?lang={lang}#proposal-{school}")

    assert _status(app, school) == "pending"
    assert TEXTS[lang]["back"] in page.locator(".moderation-flash").inner_text()
    assert page.locator(f"#proposal-{school} button.proposal-focus").is_visible()
    assert page.locator(f"#decided-{school}").count() == 0
    _assert_fits(page, viewport)
    assert axe_violations(page) == []
    assert page_log.foreign_requests(server.host) == []
    assert page_log.console_errors == [] and page_log.page_errors == []


@pytest.mark.parametrize(("viewport", "lang"), JOURNEYS)
def test_the_private_link_and_the_sites_fit_the_screen(open_context, serve, app, viewport, lang):
    server = serve(app)
    created = submit(app.test_client(), feature(title=LONG_WORD, materials=LONG_WORD)).json
    set_status(app, created["id"], "rejected", LONG_WORD)
    page = open_context(viewport, lang)
    for url in (created["url"].replace("http://localhost", server.url), f"{server.url}/proposals/new"):
        page.goto(f"{url}?lang={lang}")
        page.wait_for_load_state("load")
        _assert_fits(page, viewport)
        assert axe_violations(page) == [], url
