"""The project session in Chromium, in Russian on a phone and in English on a desktop: the architect pins
two notes, the author reads them and sends a revision (a part moved, one removed), moderation shows what
changed and the cost before and after, approval, the board downloaded and read back, and three
participants fill the budget ballot whose results say what is funded; axe-core finds no violation."""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from tests.support.browser import DESKTOP, PHONE, axe_violations, screenshot, sign_in
from tests.support.proposals_support import (
    KIT_DRAFT,
    SCHOOL,
    add_moderator,
    join,
    kit_feature,
    make_app,
    make_class,
    placements,
    set_status,
    submit,
)
from webmap.proposals.db import get_db
from webmap.proposals.store import get_proposal

pytestmark = pytest.mark.browser
JOURNEYS = [pytest.param(PHONE, "ru", id="ru-phone"), pytest.param(DESKTOP, "en", id="en-desktop")]
TEXTS = {
    "ru": {
        "note": "Заметка A на карте",
        "moved": "Передвинуто",
        "removed": "Убрано",
        "funded": "Финансируется",
    },
    "en": {"note": "Note A on the map", "moved": "Moved", "removed": "Removed", "funded": "Funded"},
}
MAP_READY = """() => {
    const holder = window.L && document.querySelector('[data-proposals-layer]');
    const layer = holder && window[holder.dataset.proposalsLayer];
    return Boolean(layer && layer._map);
}"""
A3_LANDSCAPE_PT = (420 / 25.4 * 72, 297 / 25.4 * 72)


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    add_moderator(app, "architect", "correct horse", sites=(SCHOOL,))
    return app


def _fits(page, viewport) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def _revised():
    draft = [list(item) for item in KIT_DRAFT]
    draft[6][1] += 3  # the book exchange 3 m east
    del draft[3]  # one raised bed fewer
    return [tuple(item) for item in draft]


@pytest.mark.parametrize(("viewport", "lang"), JOURNEYS)
def test_feedback_revision_approval_board_and_ballot(open_context, serve, app, page_log, viewport, lang):
    server = serve(app)
    author = app.test_client()
    created = submit(author, kit_feature(app, title="Двор мечты" if lang == "ru" else "Dream yard")).json
    private_url = created["url"].replace("http://localhost", server.url) + f"?lang={lang}"
    token = created["url"].rsplit("/", 1)[1]
    pins = placements(app, [("pallet-bench", 0, 0, 0), ("pallet-bench", -20, 15, 0)])

    # The architect pins two notes from the moderation queue.
    architect = open_context(viewport, lang)
    sign_in(architect, f"{server.url}/moderation?lang={lang}", "architect")
    architect.wait_for_url("**/moderation?lang=*")
    card = architect.locator(f"#proposal-{created['id']}")
    card.locator("textarea[name=text]").fill("Note 1: move the bench into the shade")
    card.locator("input[name=lon]").fill(f"{pins[0]['lon']:.7f}")
    card.locator("input[name=lat]").fill(f"{pins[0]['lat']:.7f}")
    card.locator("button.moderation-comment").click()
    architect.wait_for_url(f"**/moderation?lang={lang}#proposal-{created['id']}")
    # the second note is pinned by a click on the map, in the middle of the pending parts
    architect.wait_for_function(MAP_READY)
    card = architect.locator(f"#proposal-{created['id']}")
    card.locator("textarea[name=text]").fill("Note 2: keep the path to the gate clear")
    architect.locator(".moderation-map").scroll_into_view_if_needed()
    map_box = architect.locator(".moderation-map .folium-map").bounding_box()
    architect.mouse.click(map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] / 2)
    assert card.locator("input[name=lon]").input_value().startswith("60.8")
    card.locator("button.moderation-comment").click()
    architect.wait_for_url(f"**/moderation?lang={lang}#proposal-{created['id']}")
    assert architect.locator(".moderation-comments li").count() == 2
    _fits(architect, viewport)
    assert axe_violations(architect) == []

    # The author reads them on the private page, with the notes pinned on the plan.
    page = open_context(viewport, lang)
    page.goto(private_url)
    assert page.locator(".proposal-comments li").count() == 2
    assert TEXTS[lang]["note"] in page.locator(".proposal-comments").inner_text()
    assert page.locator(".proposal-plan svg").is_visible()
    _fits(page, viewport)
    assert axe_violations(page) == []
    screenshot(page, f"session-feedback-{lang}")

    # The revision goes through the API (the drawing page's editing is the front end's).
    revision = author.post(
        f"/api/proposals/by-token/{token}/versions?lang={lang}", json=kit_feature(app, _revised())
    )
    assert revision.status_code == 201 and revision.json["version"] == 2
    changes = revision.json["changes"]

    architect.goto(f"{server.url}/moderation?lang={lang}")
    box = architect.locator(".moderation-changes")
    assert TEXTS[lang]["moved"] in box.inner_text() and TEXTS[lang]["removed"] in box.inner_text()
    cost = box.locator(".moderation-cost").inner_text()
    assert changes["cost_before_text"] in cost and changes["cost_after_text"] in cost
    _fits(architect, viewport)
    assert axe_violations(architect) == []
    screenshot(architect, f"session-changes-{lang}")
    architect.locator(f"#proposal-{created['id']} button.moderation-approve").click()
    architect.wait_for_url("**/moderation?lang=*")
    with app.app_context(), get_db().read() as session:
        assert get_proposal(session, created["id"]).status == "approved"

    # The board, downloaded from the private page and read back.
    page.goto(private_url)
    with page.expect_download() as download:
        page.locator(".proposal-board-link a").click()
    pdf = pypdf.PdfReader(io.BytesIO(download.value.path().read_bytes()))
    (sheet,) = pdf.pages
    assert (float(sheet.mediabox.width), float(sheet.mediabox.height)) == pytest.approx(
        A3_LANDSCAPE_PT, abs=1
    )
    text = re.sub(r"[\s\u00a0\u202f]+", " ", sheet.extract_text())
    assert re.sub(r"[\s\u00a0\u202f]+", " ", changes["cost_after_text"]) in text

    # Three participants fill the ballot: two through the API, the third in this browser.
    second = submit(author, kit_feature(app, KIT_DRAFT[:2], title="Benches")).json["id"]
    set_status(app, second, "approved")
    architect.goto(f"{server.url}/moderation?lang={lang}")
    architect.fill(f"#ballot-{SCHOOL}", "2099-01-01T12:00")
    architect.locator(".moderation-ballot-form button").click()
    architect.wait_for_url("**/moderation?lang=*#ballots")
    assert axe_violations(architect) == []
    code = make_class(app)
    for nickname, pick in (("ann", [created["id"]]), ("bob", [created["id"], second])):
        participant = app.test_client()
        join(participant, code, nickname)
        assert participant.put(f"/api/ballots/{SCHOOL}/mine", json={"proposals": pick}).status_code == 200
    voter = open_context(viewport, lang)
    voter.goto(f"{server.url}/proposals/join?lang={lang}")
    voter.fill("#code", code)
    voter.fill("#nickname", "cat")
    voter.click(".proposal-join-form button[type=submit]")
    voter.wait_for_url("**/proposals?*")
    voter.locator(".proposal-ballot-link").first.click()
    voter.check(f"#ballot-{second}")
    voter.click("button.ballot-submit")
    voter.wait_for_url("**/proposals/ballot/**")
    results = voter.locator("table.ballot-results tbody tr")
    assert results.count() == 2
    assert results.nth(0).locator("th").inner_text() == "Benches"  # 3 supporters, then 2
    assert TEXTS[lang]["funded"] in results.nth(0).inner_text()
    assert voter.locator(".ballot-saved").is_visible()
    _fits(voter, viewport)
    assert axe_violations(voter) == []
    screenshot(voter, f"session-ballot-{lang}")
    assert page_log.foreign_requests(server.host) == []
    assert page_log.console_errors == [] and page_log.page_errors == []
