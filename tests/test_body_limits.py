"""Every endpoint that takes a body refuses one over the limit: 413 as JSON for the API, as a page for forms.

The app-wide limit is Flask's MAX_CONTENT_LENGTH (create_app sets 1 MiB); the tests set it themselves so
they show the behaviour whatever the factory's default. The proposals API has its own, lower limit.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.support.proposals_support import add_moderator, csrf_token, dispose, feature, login, make_app
from webmap.proposals.validation import MAX_BODY_BYTES

LIMIT_BYTES = 1024 * 1024
FORMS = ["/login", "/proposals/1/vote", "/moderation/1/approve", "/moderation/1/reject"]


@pytest.fixture
def app(tmp_path: Path):
    app = make_app(tmp_path, MAX_CONTENT_LENGTH=LIMIT_BYTES)
    add_moderator(app, sites=("school-yard-23",))
    yield app
    dispose(app)


@pytest.fixture
def signed_in(app):
    client = app.test_client()
    assert login(client).status_code == 302
    return client


def form_body(size_bytes: int, token: str) -> bytes:
    """A form of 100 kB fields, each under Flask's per-field and part-count limits: only the total counts."""
    field_bytes = 100_000
    fields = [f"pad{index}=".encode() + b"x" * field_bytes for index in range(size_bytes // field_bytes + 1)]
    return f"csrf_token={token}&reason=r&".encode() + b"&".join(fields)


def assert_page_413(response) -> None:
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "413" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", FORMS)
def test_an_oversized_form_is_413_page(signed_in, path: str):
    token = csrf_token(signed_in.get("/login").get_data(as_text=True))
    response = signed_in.post(
        path, data=form_body(LIMIT_BYTES + 1, token), content_type="application/x-www-form-urlencoded"
    )
    assert_page_413(response)


def multipart_body(size_bytes: int, boundary: str = "ecomap-boundary") -> bytes:
    """A multipart form of 100 kB fields."""
    field_bytes = 100_000
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="pad{index}"\r\n\r\n'.encode()
        + b"x" * field_bytes
        + b"\r\n"
        for index in range(size_bytes // field_bytes + 1)
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


@pytest.mark.parametrize("path", FORMS)
def test_an_oversized_multipart_form_is_413_page(signed_in, path: str):
    response = signed_in.post(
        path,
        data=multipart_body(LIMIT_BYTES + 1),
        content_type="multipart/form-data; boundary=ecomap-boundary",
    )
    assert_page_413(response)


class CountingStream(io.BytesIO):
    """A request body that counts the bytes the app reads from it."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk


@pytest.mark.parametrize("path", FORMS)
def test_an_oversized_chunked_form_is_read_only_up_to_the_limit(signed_in, path: str):
    """No Content-Length: the server says the stream ends by itself (gunicorn sets wsgi.input_terminated).

    Werkzeug stops reading such a form at MAX_CONTENT_LENGTH without an error, so the form is
    refused for what the cut leaves (400: no CSRF token) or as too big (413), never read further.
    """
    stream = CountingStream(form_body(4 * LIMIT_BYTES, "x"))
    response = signed_in.post(
        path,
        input_stream=stream,
        content_type="application/x-www-form-urlencoded",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code in (400, 413)
    assert response.mimetype == "text/html"
    assert stream.read_bytes <= LIMIT_BYTES + 64 * 1024


def test_an_anonymous_oversized_moderation_post_is_refused_unread(app):
    response = app.test_client().post(
        "/moderation/1/approve",
        data=form_body(LIMIT_BYTES + 1, "x"),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (401, 413)


def test_a_form_within_the_limit_is_read(signed_in):
    token = csrf_token(signed_in.get("/login").get_data(as_text=True))
    response = signed_in.post(
        "/moderation/1/reject",
        data={"csrf_token": token, "reason": "x" * 5000},
    )
    assert response.status_code not in (413, 500)


@pytest.mark.parametrize(
    "size_bytes",
    [MAX_BODY_BYTES + 1, LIMIT_BYTES + 1, 4 * LIMIT_BYTES],
    ids=["over-the-api-limit", "over-the-app-limit", "far-over"],
)
@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "chunked"])
def test_an_oversized_proposal_is_413_json(app, size_bytes: int, chunked: bool):
    body = b'{"type": "Feature", "pad": "' + b"x" * size_bytes + b'"}'
    extra = (
        {
            "input_stream": io.BytesIO(body),
            "headers": {"Transfer-Encoding": "chunked"},
            "environ_overrides": {"wsgi.input_terminated": True},
        }
        if chunked
        else {"data": body}
    )
    response = app.test_client().post("/api/proposals", content_type="application/json", **extra)
    assert response.status_code == 413
    assert response.get_json() == {
        "error": {
            "status": 413,
            "message": f"the body is over the {MAX_BODY_BYTES} byte limit",
            "field": "body",
        }
    }


def test_a_proposal_within_the_limit_is_stored(app):
    response = app.test_client().post("/api/proposals", json=feature())
    assert response.status_code == 201


@pytest.mark.parametrize("path", ["/api/layers", "/api/proposals", "/healthz"])
def test_a_body_on_a_get_is_never_read(app, path: str):
    response = app.test_client().get(path, data=b"x" * (LIMIT_BYTES + 1))
    assert response.status_code == 200
