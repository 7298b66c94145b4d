"""Issue #20 (2): sign-in is limited per account as well as per address: LOGIN_LIMIT failures to one
normalised name, from any number of addresses, then 429 with Retry-After and a sentence in the reader's
language; a right password costs nothing. The password hash is checked off gevent's event loop."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.support.proposals_support import add_moderator, csrf_token, moderated_app

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
ADDRESSES = [f"203.0.113.{number}" for number in range(1, 21)]


@pytest.fixture
def app(tmp_path):
    app = moderated_app(tmp_path, RATE_LIMIT="30/minute;300/hour", LOGIN_LIMIT="5/15 minutes", PROXY_HOPS="1")
    add_moderator(app, "architect", "another horse")
    return app


def _sign_in(client, address: str, username: str = "teacher", password: str = "wrong", lang: str = "en"):
    headers = {"X-Forwarded-For": address}
    token = csrf_token(client.get(f"/login?lang={lang}", headers=headers).get_data(as_text=True))
    data = {"username": username, "password": password, "csrf_token": token}
    return client.post(f"/login?lang={lang}", data=data, headers=headers)


def test_twenty_addresses_get_five_failures_on_one_account_in_all(app):
    client = app.test_client()

    statuses = [_sign_in(client, address).status_code for address in ADDRESSES]
    right_password = _sign_in(client, "198.51.100.7", password="correct horse")
    other_account = _sign_in(client, ADDRESSES[0], "architect", "another horse")

    assert statuses == [401] * 5 + [429] * 15
    assert right_password.status_code == 429  # the account is held, whoever knocks
    assert other_account.status_code == 302  # each address made one attempt: its own limit is far


def test_the_429_says_when_to_come_back_in_the_readers_language(app):
    client = app.test_client()
    for address in ADDRESSES[:5]:
        _sign_in(client, address)

    english = _sign_in(client, ADDRESSES[5])
    russian = _sign_in(client, ADDRESSES[6], lang="ru")

    assert english.status_code == russian.status_code == 429
    assert int(english.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins to this account" in english.get_data(as_text=True)
    assert "Retry-After" in russian.headers
    assert CYRILLIC.search(russian.get_data(as_text=True))
    assert "Too many" not in russian.get_data(as_text=True)


@pytest.mark.parametrize(
    "spelling", ["TEACHER", "ｔｅａｃｈｅｒ", "  Teacher "], ids=["upper", "full-width", "spaced"]
)
def test_spellings_of_one_name_count_as_one_account(app, spelling):
    client = app.test_client()
    for address in ADDRESSES[:4]:
        assert _sign_in(client, address).status_code == 401

    assert _sign_in(client, ADDRESSES[4], spelling).status_code == 401
    assert _sign_in(client, ADDRESSES[5], "teacher").status_code == 429


def test_unknown_names_are_limited_as_well(app):
    client = app.test_client()

    statuses = [_sign_in(client, address, "nobody").status_code for address in ADDRESSES[:7]]

    assert statuses == [401] * 5 + [429] * 2


def test_right_passwords_do_not_use_up_the_account(app):
    client = app.test_client()

    statuses = [_sign_in(client, address, password="correct horse").status_code for address in ADDRESSES[:10]]

    assert statuses == [302] * 10


def test_zero_turns_the_account_limit_off(tmp_path):
    app = moderated_app(tmp_path, RATE_LIMIT="0", LOGIN_LIMIT="0", PROXY_HOPS="1")
    client = app.test_client()

    assert {_sign_in(client, address).status_code for address in ADDRESSES} == {401}


def test_a_malformed_login_limit_stops_the_app_with_its_name(tmp_path):
    with pytest.raises(ValueError, match="ECOMAP_LOGIN_LIMIT"):
        moderated_app(tmp_path, LOGIN_LIMIT="five a minute")


def test_the_hash_is_checked_on_a_pool_thread_under_gevent_and_directly_without():
    script = """
from gevent import monkey
monkey.patch_all()
import gevent
from webmap.proposals.auth import off_the_loop
get_ident = monkey.get_original("threading", "get_ident")
loop_thread = get_ident()
ticks = []
ticker = gevent.spawn(lambda: [ticks.append(gevent.sleep(0)) for _ in range(3)])
print(off_the_loop(get_ident) != loop_thread, loop_thread == get_ident())
ticker.join()
"""
    gevent_run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    plain_run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import threading; from webmap.proposals.auth import off_the_loop; "
            "print(off_the_loop(threading.get_ident) == threading.get_ident())",
        ],
        capture_output=True,
        text=True,
        check=True,
    )

    assert gevent_run.stdout.split() == ["True", "True"]
    assert plain_run.stdout.split() == ["True"]
