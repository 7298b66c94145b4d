"""Where signing in returns to: only a path of this site, whatever spelling ``?next=`` arrives in."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from tests.support.proposals_support import add_moderator, csrf_token, dispose, make_app
from webmap.http.params import CONTROL
from webmap.proposals.auth import DEFAULT_NEXT, safe_next

# ``?next=`` values as they travel in the query string (percent-encoded where a URL must be).
OFF_SITE = [
    "//evil.example",
    "///evil.example",
    "////evil.example/",
    "/\\evil.example",
    "/%5Cevil.example",
    "/%5C/evil.example",
    "%5C%5Cevil.example",
    "%5C/evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "///\\evil.example",
    "/%09/evil.example",
    "/%0A/evil.example",
    "/%0D/evil.example",
    "%09/%09/evil.example",
    "%09//evil.example",
    "%20//evil.example",
    "%00//evil.example",
    "/%20/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "%2F%2Fevil.example",
    "//%65vil.example",
    "/%252F/evil.example",
    "/%25252F/evil.example",
    "/%255C/evil.example",
    "https://evil.example",
    "HTTPS://evil.example/x",
    "https:evil.example",
    "https:/evil.example",
    "http:%2F%2Fevil.example",
    "ftp://evil.example",
    "evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java%09script:alert(1)",
    "java%0Ascript:alert(1)",
    "data:text/html,%3Cscript%3Ealert(1)%3C/script%3E",
    "/%0D%0ASet-Cookie:%20stolen=1",
    "/%0d%0aLocation:%20//evil.example",
    "%0D%0A//evil.example",
    "/%E2%80%A8/evil.example",  # U+2028 LINE SEPARATOR
    "/%C2%A0/evil.example",  # U+00A0 NO-BREAK SPACE
    "/%E2%80%8B/evil.example",  # U+200B ZERO WIDTH SPACE
    "/%E3%80%80/evil.example",  # U+3000 IDEOGRAPHIC SPACE
    "/%EF%BC%8F/evil.example",  # U+FF0F FULLWIDTH SOLIDUS, NFKC "/"
    "/%25EF%25BC%258Fevil.example",  # the same, encoded twice
    "%EF%BC%8F%EF%BC%8Fevil.example",
    "/%EF%BC%BCevil.example",  # U+FF3C FULLWIDTH REVERSE SOLIDUS, NFKC "\"
    "",
]
ON_SITE = {
    "/moderation?site=school-yard-23": "/moderation?site=school-yard-23",
    "/moderation%3Fsite%3Drink-cinema-plot": "/moderation?site=rink-cinema-plot",
    "/proposals": "/proposals",
    "/tracks/walk-10000-steps": "/tracks/walk-10000-steps",
}


@pytest.fixture(scope="module")
def signing_app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("redirects"))
    add_moderator(app)
    yield app
    dispose(app)


def sign_in(app, next_query: str):
    """Sign in with ``?next=`` given as it would travel in the URL; the answer to the POST."""
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    form = {"username": "teacher", "password": "correct horse", "csrf_token": token}
    return client.post(f"/login?next={next_query}", data=form)


@pytest.mark.parametrize("next_query", OFF_SITE, ids=lambda value: repr(value))
def test_off_site_targets_go_to_the_queue(signing_app, next_query):
    """Signing in sends off-site targets to the queue; a control character is refused before that."""
    response = sign_in(signing_app, next_query)
    if CONTROL.search(unquote(next_query)):
        assert response.status_code == 400
    else:
        assert response.status_code == 302
        assert response.headers["Location"] == DEFAULT_NEXT


@pytest.mark.parametrize("next_query", OFF_SITE, ids=lambda value: repr(value))
def test_safe_next_refuses_off_site_targets(next_query):
    """The same spellings as the app receives them (decoded once), control characters included."""
    assert safe_next(unquote(next_query)) == DEFAULT_NEXT


@pytest.mark.parametrize(("next_query", "location"), ON_SITE.items())
def test_paths_of_this_site_are_kept(signing_app, next_query, location):
    response = sign_in(signing_app, next_query)
    assert response.status_code == 302
    assert response.headers["Location"] == location


@pytest.mark.parametrize("next_query", ["%0D%0A", "/%0D%0AX:%20y", "%0A", "%0D", "/%00"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_line_breaks_in_next_are_a_400_page(signing_app, method, next_query):
    response = signing_app.test_client().open(f"/login?next={next_query}", method=method)
    assert response.status_code == 400
    assert "next" in response.get_data(as_text=True)


def test_the_queue_sends_strangers_to_sign_in_and_back(signing_app):
    client = signing_app.test_client()
    bounced = client.get("/moderation?site=school-yard-23")
    assert bounced.status_code == 302
    login_page = bounced.headers["Location"]
    token = csrf_token(client.get(login_page).get_data(as_text=True))
    form = {"username": "teacher", "password": "correct horse", "csrf_token": token}
    assert client.post(login_page, data=form).headers["Location"] == "/moderation?site=school-yard-23"
