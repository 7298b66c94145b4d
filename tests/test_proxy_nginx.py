"""The shipped nginx recipe (deploy/nginx/ecomap.conf) in front of gunicorn, with ECOMAP_PROXY_HOPS=1.

Clients come from different loopback addresses (127.0.0.2, 127.0.0.3): the app must see the
address nginx saw, not nginx's own and not one a client wrote into X-Forwarded-For itself.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import request

from tests.support.gunicorn_support import Server, running_server, server_env
from tests.support.nginx_support import Nginx, running_nginx
from tests.support.proposals_support import feature, make_app
from webmap.http.proxy import proxy_hops

LIMIT = 2


@pytest.fixture(scope="module")
def proxied(tmp_path_factory) -> Iterator[tuple[Server, Nginx]]:
    database = Path(tmp_path_factory.mktemp("proxy")) / "ecomap.sqlite3"
    env = server_env(f"sqlite:///{database}", ECOMAP_PROXY_HOPS="1", ECOMAP_RATE_LIMIT=f"{LIMIT}/minute")
    with running_server(env) as server, running_nginx(server.port) as nginx:
        yield server, nginx


def send(port: int, method: str, path: str, source: str = "127.0.0.1", body: bytes | None = None, **headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def submit(port: int, source: str, title: str, **headers) -> int:
    body = json.dumps(feature(title=title)).encode()
    return send(
        port, "POST", "/api/proposals", source, body, **{"Content-Type": "application/json", **headers}
    )[0]


def test_limits_count_the_address_nginx_saw(proxied):
    _server, nginx = proxied
    first = [submit(nginx.port, "127.0.0.2", f"From .2 number {n}") for n in range(LIMIT + 1)]
    # another client, claiming to be the first: its own address counts, with its own limit
    other = submit(nginx.port, "127.0.0.3", "From .3", **{"X-Forwarded-For": "127.0.0.2"})
    assert first == [201] * LIMIT + [429]
    assert other == 201


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_the_apps_compressed_answers_pass_as_they_are(proxied, encoding: str):
    server, nginx = proxied
    direct = send(server.port, "GET", "/api/layers", **{"Accept-Encoding": encoding})
    through = send(nginx.port, "GET", "/api/layers", **{"Accept-Encoding": encoding})
    assert (through[0], through[1].get("content-encoding")) == (200, encoding)
    assert through[2] == direct[2]


def test_a_body_over_the_apps_limit_gets_the_apps_json_error(proxied):
    _server, nginx = proxied
    body = b"x" * (1024 * 1024 + 1)
    status, headers, answer = send(
        nginx.port, "POST", "/api/proposals", body=body, **{"Content-Type": "application/json"}
    )
    assert (status, headers["content-type"]) == (413, "application/json")
    assert json.loads(answer)["error"]["status"] == 413


@pytest.mark.parametrize(("hops", "expected"), [("0", "127.0.0.1"), ("1", "198.51.100.7")])
def test_proxy_hops_decides_whom_the_app_believes(tmp_path: Path, hops: str, expected: str):
    app = make_app(tmp_path, PROXY_HOPS=hops)
    app.add_url_rule("/_whoami", "whoami", lambda: request.remote_addr)
    answer = app.test_client().get(
        "/_whoami", environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"X-Forwarded-For": "198.51.100.7"}
    )
    assert answer.get_data(as_text=True) == expected


@pytest.mark.parametrize("value", ["-1", "one", "²", " "])
def test_proxy_hops_must_be_a_whole_number(value: str):
    with pytest.raises(ValueError, match="ECOMAP_PROXY_HOPS must be a whole number"):
        proxy_hops(value)
