"""Budget ballots: the funding rule on hand-made ballots, and participants' ballots through the API and
the page, refused with a plain 4xx in the reader's language and nothing stored."""

from __future__ import annotations

import dataclasses

import pytest

from tests.support.proposals_support import (
    KIT_DRAFT,
    RINK,
    SCHOOL,
    add_moderator,
    csrf_token,
    join,
    kit_feature,
    login,
    make_app,
    make_class,
    set_status,
    submit,
)
from webmap.proposals.ballots import Project, fund

OPEN_UNTIL = "2099-01-01T12:00:00+05:00"


def _funded(projects, budget):
    return [(item.project.id, item.funded) for item in fund(projects, budget)]


def test_most_supporters_first_and_each_that_still_fits_is_funded():
    projects = [
        Project(1, "a", 70, 5),
        Project(2, "b", 50, 4),
        Project(3, "c", 30, 3),
        Project(4, "d", 10, 1),
    ]

    assert _funded(projects, 100) == [(1, True), (2, False), (3, True), (4, False)]


def test_ties_go_to_the_cheaper_then_the_earlier_project():
    projects = [Project(3, "c", 40, 2), Project(2, "b", 40, 2), Project(1, "a", 60, 2)]

    assert _funded(projects, 80) == [(2, True), (3, True), (1, False)]


def test_a_project_larger_than_the_budget_is_never_funded_and_skipped():
    projects = [Project(1, "huge", 500, 9), Project(2, "small", 20, 1)]

    assert _funded(projects, 100) == [(1, False), (2, True)]


def test_empty_ballots_fund_nothing():
    assert _funded([Project(1, "a", 10, 0), Project(2, "b", 20, 0)], 100) == [(1, False), (2, False)]
    assert fund([], 100) == []


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    add_moderator(app, "architect", "correct horse", sites=(SCHOOL,))
    return app


def _approved(app, client, drafts) -> list[int]:
    ids = []
    for index, draft in enumerate(drafts):
        created = submit(client, kit_feature(app, draft, title=f"Project {index + 1}")).json
        set_status(app, created["id"], "approved")
        ids.append(created["id"])
    return ids


def _open(app, until: str = OPEN_UNTIL):
    moderator = app.test_client()
    login(moderator, "architect")
    return moderator.put(f"/api/ballots/{SCHOOL}", json={"closes_at": until})


def _participants(app, count: int):
    code = make_class(app)
    clients = []
    for index in range(count):
        client = app.test_client()
        assert join(client, code, f"pupil{index}").status_code == 302
        clients.append(client)
    return clients


def _budget(app, budget_rub: float) -> None:
    from webmap.proposals.service import get_sites

    with app.app_context():
        sites = get_sites()
        sites[SCHOOL] = dataclasses.replace(sites[SCHOOL], budget_rub=budget_rub)


def test_three_participants_fill_the_ballot_and_the_results_say_what_is_funded(app, client):
    ids = _approved(app, client, [KIT_DRAFT, KIT_DRAFT[:4], KIT_DRAFT[4:]])
    costs = {p["id"]: p["cost_rub"] for p in client.get(f"/api/ballots/{SCHOOL}").json["projects"]}
    _budget(app, costs[ids[0]] + costs[ids[2]])
    assert _open(app).status_code == 200
    first, second, third = _participants(app, 3)

    assert first.put(f"/api/ballots/{SCHOOL}/mine", json={"proposals": [ids[0], ids[2]]}).status_code == 200
    assert second.put(f"/api/ballots/{SCHOOL}/mine", json={"proposals": [ids[1]]}).status_code == 200
    assert third.put(f"/api/ballots/{SCHOOL}/mine", json={"proposals": [ids[2]]}).status_code == 200
    changed = second.put(f"/api/ballots/{SCHOOL}/mine", json={"proposals": [ids[1], ids[2]]})
    results = client.get(f"/api/ballots/{SCHOOL}").json

    assert changed.json["mine"] == sorted([ids[1], ids[2]])
    ranked = [(p["id"], p["supporters"], p["funded"]) for p in results["projects"]]
    # ids[1] is cheaper than ids[0] at one supporter each: it comes first, fits what is left and is funded
    assert ranked == [(ids[2], 3, True), (ids[1], 1, True), (ids[0], 1, False)]
    assert results["ballots"] == 3 and results["open"] is True and results["mine"] is None
    page = client.get(f"/proposals/ballot/{SCHOOL}?lang=en").get_data(as_text=True)
    assert "Not funded" in page and "Funded in all" in page


def test_refusals_are_clear_and_store_nothing(app, client):
    ids = _approved(app, client, [KIT_DRAFT, KIT_DRAFT[:4]])
    (pupil,) = _participants(app, 1)
    url = f"/api/ballots/{SCHOOL}/mine"

    not_open = pupil.put(url + "?lang=ru", json={"proposals": [ids[0]]})
    _open(app)
    anonymous = app.test_client().put(url + "?lang=ru", json={"proposals": [ids[0]]})
    _budget(app, 1000)
    over = pupil.put(url + "?lang=ru", json={"proposals": ids})
    _budget(app, 150_000)
    twice = pupil.put(url + "?lang=en", json={"proposals": [ids[0], ids[0]]})
    unknown = pupil.put(url + "?lang=en", json={"proposals": [ids[0], 999]})
    no_budget = pupil.put(f"/api/ballots/{RINK}/mine", json={"proposals": []})
    _open(app, "2020-01-01T00:00:00+00:00")
    closed = pupil.put(url + "?lang=en", json={"proposals": [ids[0]]})

    assert not_open.status_code == 409 and "не открыто" in not_open.json["error"]["problems"][0]["message"]
    assert anonymous.status_code == 403 and anonymous.json["error"]["field"] == "participant"
    assert anonymous.json["error"]["problems"][0]["message"].startswith("Чтобы заполнить бюллетень")
    assert over.status_code == 422 and over.json["error"]["field"] == "proposals"
    assert "больше бюджета" in over.json["error"]["problems"][0]["message"]
    assert twice.status_code == 422 and twice.json["error"]["field"] == "proposals[1]"
    assert unknown.status_code == 422 and unknown.json["error"]["field"] == "proposals[1]"
    assert no_budget.status_code == 404 and no_budget.json["error"]["field"] == "site"
    assert closed.status_code == 409 and closed.json["error"]["problems"][0]["message"].startswith(
        "The ballot is closed"
    )
    assert all(p["supporters"] == 0 for p in client.get(f"/api/ballots/{SCHOOL}").json["projects"])


def test_the_page_saves_a_ballot_and_says_an_over_budget_one_in_russian(app, client):
    ids = _approved(app, client, [KIT_DRAFT, KIT_DRAFT[:4]])
    _open(app)
    (pupil,) = _participants(app, 1)
    page = pupil.get(f"/proposals/ballot/{SCHOOL}?lang=ru").get_data(as_text=True)

    saved = pupil.post(
        f"/proposals/ballot/{SCHOOL}?lang=ru",
        data={"csrf_token": csrf_token(page), "proposals": [str(ids[1])]},
    )
    _budget(app, 1000)
    over = pupil.post(
        f"/proposals/ballot/{SCHOOL}?lang=ru",
        data={"csrf_token": csrf_token(page), "proposals": [str(i) for i in ids]},
    )

    assert saved.status_code == 302
    assert over.status_code == 422 and "больше бюджета" in over.get_data(as_text=True)
    assert client.get(f"/api/ballots/{SCHOOL}").json["projects"][0]["supporters"] == 1


def test_only_a_moderator_of_the_site_sets_the_closing_date(app, client):
    anonymous = client.put(f"/api/ballots/{SCHOOL}", json={"closes_at": OPEN_UNTIL})
    moderator = app.test_client()
    login(moderator, "architect")
    naive = moderator.put(f"/api/ballots/{SCHOOL}", json={"closes_at": "2099-01-01T12:00:00"})

    assert anonymous.status_code == 401
    assert naive.status_code == 422 and naive.json["error"]["field"] == "closes_at"
    assert _open(app).json["closes_at"] == "2099-01-01T07:00:00+00:00"


def test_the_command_opens_and_closes_a_ballot(app, client):
    from webmap.proposals.cli import proposals_group

    runner = app.test_cli_runner()

    opened = runner.invoke(proposals_group, ["ballot-close", SCHOOL, "2099-01-01T12:00+05:00"])
    state = client.get(f"/api/ballots/{SCHOOL}").json
    naive = runner.invoke(proposals_group, ["ballot-close", SCHOOL, "2099-01-01T12:00"])
    no_budget = runner.invoke(proposals_group, ["ballot-close", RINK, "2099-01-01T12:00+05:00"])

    assert opened.exit_code == 0 and "2099-01-01T07:00+00:00" in opened.output
    assert state["open"] is True and state["closes_at"] == "2099-01-01T07:00:00+00:00"
    assert naive.exit_code != 0 and "offset" in naive.output
    assert no_budget.exit_code != 0 and "no budget ballot" in no_budget.output


def test_a_moderator_opens_the_ballot_from_the_queue_in_the_local_time_zone(app, client):
    login(client, "architect")
    page = client.get("/moderation?lang=en").get_data(as_text=True)

    answer = client.post(
        f"/moderation/ballots/{SCHOOL}?lang=en",
        data={"csrf_token": csrf_token(page), "closes_at": "2099-01-01T12:00"},
    )
    again = client.get("/moderation?lang=en").get_data(as_text=True)

    assert answer.status_code == 302
    assert client.get(f"/api/ballots/{SCHOOL}").json["closes_at"] == "2099-01-01T07:00:00+00:00"  # UTC+5
    assert "open until" in again
