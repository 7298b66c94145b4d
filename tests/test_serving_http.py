"""Compression, ETags with 304 answers, long-cached versioned static files, request logs and ids."""

from __future__ import annotations

import gzip
import logging
import re

import brotli
import pytest
from flask import url_for
from flask.testing import FlaskClient

from webmap.http.caching import IMMUTABLE_MAX_AGE_S, UNVERSIONED_MAX_AGE_S, static_version

TRACK = "accessible-dam-centre"
DECODERS = {"gzip": gzip.decompress, "br": brotli.decompress}
COMPRESSED = {
    "city map": "/",
    "layers": "/api/layers",
    "layer geojson": "/api/layers/reservoir",
    "tracks": "/api/tracks",
    "track geojson": f"/api/tracks/{TRACK}",
    "gpx": f"/tracks/{TRACK}.gpx",
    "tracks page": "/tracks",
    "vendored js": "/static/vendor/leaflet/dist/leaflet.js",
    "vendored css": "/static/vendor/leaflet/dist/leaflet.css",
}
ETAGGED = [
    "/api/layers",
    "/api/layers/reservoir",
    "/api/tracks",
    f"/api/tracks/{TRACK}",
    f"/tracks/{TRACK}.gpx",
]


class BufferedClient(FlaskClient):
    """A test client that reads every answer whole and closes it (static answers hold open files)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = BufferedClient
    return app.test_client()


def without_ids(body: bytes) -> bytes:
    """The body without folium's random element ids, which differ from one rendering to the next."""
    return re.sub(rb"[0-9a-f]{32}", b"", body)


@pytest.mark.parametrize("encoding", DECODERS)
@pytest.mark.parametrize("path", COMPRESSED.values(), ids=COMPRESSED.keys())
def test_text_answers_are_compressed_as_the_client_accepts(client, path: str, encoding: str):
    plain = client.get(path)
    packed = client.get(path, headers={"Accept-Encoding": encoding})
    assert packed.status_code == plain.status_code == 200
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
    assert without_ids(DECODERS[encoding](packed.get_data())) == without_ids(plain.get_data())
    assert len(packed.get_data()) < len(plain.get_data())


def test_brotli_is_preferred_when_both_are_accepted(client):
    response = client.get("/api/layers", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.headers["Content-Encoding"] == "br"


@pytest.mark.parametrize("path", ETAGGED)
@pytest.mark.parametrize("encoding", ["identity", "gzip", "br"])
def test_etag_answers_304_per_encoding(client, path: str, encoding: str):
    first = client.get(path, headers={"Accept-Encoding": encoding})
    etag = first.headers["ETag"]
    assert not etag.startswith("W/")
    assert etag.endswith(f':{encoding}"') == (encoding != "identity")
    again = client.get(path, headers={"Accept-Encoding": encoding, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag


@pytest.mark.parametrize("path", ETAGGED)
def test_each_encoding_has_its_own_etag(client, path: str):
    etags = {client.get(path, headers={"Accept-Encoding": encoding}).headers["ETag"] for encoding in DECODERS}
    etags.add(client.get(path).headers["ETag"])
    assert len(etags) == 3
    stale = client.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": '"other"'})
    assert stale.status_code == 200


def test_layer_etag_changes_with_the_date(client):
    winter = client.get("/api/layers/reservoir?date=2026-01-15").headers["ETag"]
    summer = client.get("/api/layers/reservoir?date=2026-07-10")
    assert client.get(
        "/api/layers/reservoir?date=2026-07-10", headers={"If-None-Match": winter}
    ).status_code == (304 if summer.headers["ETag"] == winter else 200)
    assert summer.headers["Cache-Control"] == "no-cache"


def test_pages_link_static_files_with_their_content_version(app, client):
    page = client.get("/").get_data(as_text=True)
    links = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert links
    for link in links:
        path, _, version = link.partition("?v=")
        with app.test_request_context():
            assert version == static_version(path.removeprefix("/static/")), link


def test_url_for_static_adds_the_version(app):
    with app.test_request_context():
        url = url_for("static", filename="ecomap.css")
        assert url == f"/static/ecomap.css?v={static_version('ecomap.css')}"
        assert url_for("static", filename="no-such-file.css") == "/static/no-such-file.css"


@pytest.mark.parametrize(
    ("query", "cache_control"),
    [
        ("?v={version}", f"public, max-age={IMMUTABLE_MAX_AGE_S}, immutable"),
        ("", f"public, max-age={UNVERSIONED_MAX_AGE_S}"),
        ("?v=0000stale000", f"public, max-age={UNVERSIONED_MAX_AGE_S}"),
    ],
    ids=["versioned", "unversioned", "old-version"],
)
def test_static_cache_control(app, client, query: str, cache_control: str):
    with app.test_request_context():
        version = static_version("ecomap.css")
    response = client.get("/static/ecomap.css" + query.format(version=version))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == cache_control
    revalidated = client.get(response.request.full_path, headers={"If-None-Match": response.headers["ETag"]})
    assert revalidated.status_code == 304
    assert revalidated.headers["Cache-Control"] == cache_control


def test_a_byte_range_is_not_compressed(client):
    response = client.get(
        "/static/vendor/leaflet/dist/leaflet.js", headers={"Range": "bytes=0-99", "Accept-Encoding": "gzip"}
    )
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers and len(response.get_data()) == 100


def test_one_log_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="webmap.requests"):
        response = client.get("/api/layers/no-such-layer", headers={"X-Request-ID": "abc-123"})
    lines = [record.getMessage() for record in caplog.records if record.name == "webmap.requests"]
    assert len(lines) == 1
    fields = dict(field.split("=") for field in lines[0].split())
    assert fields.pop("duration_ms").replace(".", "").isdigit()
    assert fields == {
        "method": "GET",
        "path": "/api/layers/no-such-layer",
        "status": "404",
        "request_id": "abc-123",
    }
    assert response.headers["X-Request-ID"] == "abc-123"


@pytest.mark.parametrize(
    "given", ["", "x" * 200, "two words", "line\nbreak", "<script>", "-leading-dash"], ids=repr
)
def test_a_malformed_request_id_is_replaced(client, given: str):
    response = client.get("/healthz", headers={"X-Request-ID": given} if "\n" not in given else {})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_private_link_tokens_stay_out_of_the_log(client, caplog):
    with caplog.at_level(logging.INFO, logger="webmap.requests"):
        client.get("/proposals/p/very-secret-token")
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "very-secret-token" not in logged and "path=/proposals/p/..." in logged


@pytest.fixture
def failing_app(app):
    @app.get("/api/boom")
    def boom():
        raise RuntimeError("boom")

    @app.get("/boom")
    def boom_page():
        raise RuntimeError("boom")

    return app


@pytest.mark.parametrize("path", ["/api/boom", "/boom"])
def test_unhandled_error_names_its_request_id(failing_app, caplog, path: str):
    with caplog.at_level(logging.INFO):
        response = failing_app.test_client().get(path, headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "req-42"
    assert "req-42" in response.get_data(as_text=True)
    if path.startswith("/api/"):
        assert response.json["error"]["message"] == "internal error; it has been logged as request req-42"
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 1 and "request_id=req-42" in errors[0].getMessage() and errors[0].exc_info
    assert any("status=500" in record.getMessage() for record in caplog.records)
