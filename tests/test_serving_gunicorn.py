"""``ecomap serve`` runs the app under gunicorn with several workers on a loopback port."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import AppGroup

from webmap.serve_cli import register

START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 45  # past gunicorn_config.graceful_timeout (30 s), after which the master kills its workers
# The console script's group, with ``serve`` added if webmap/cli.py does not add it yet.
RUN_CLI = (
    "from webmap import cli, serve_cli\n"
    "'serve' in cli.cli.commands or serve_cli.register(cli.cli)\n"
    "cli.main()\n"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, json.load(response)


def wait_for(url: str, server: subprocess.Popen) -> tuple[int, dict]:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and server.poll() is None:
        try:
            return get_json(url)
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"ecomap serve did not answer {url} within {START_TIMEOUT_S} s (exit code {server.poll()})")


def stop(server: subprocess.Popen) -> str:
    server.send_signal(signal.SIGTERM)
    try:
        _, stderr = server.communicate(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        server.kill()
        _, stderr = server.communicate()
        pytest.fail(f"gunicorn did not stop within {STOP_TIMEOUT_S} s")
    return stderr


@pytest.fixture
def command() -> AppGroup:
    group = AppGroup()
    register(group)
    return group


def test_serve_answers_healthz_from_two_workers(monkeypatch):
    monkeypatch.setenv("ECOMAP_TILES", "none")
    port = free_port()
    args = [sys.executable, "-c", RUN_CLI, "serve", "--workers", "2", "--connections", "50"]
    args += ["--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        status, health = wait_for(f"http://127.0.0.1:{port}/healthz", server)
    finally:
        stderr = stop(server)
    assert (status, health["status"], health["pack"]) == (200, "ok", "sysert")
    assert stderr.count("Booting worker") == 2, stderr
    assert "Using worker: gevent" in stderr
    assert "path=/healthz status=200" in stderr
    assert "Control socket" not in stderr
    assert server.returncode == 0, stderr


def test_serve_refuses_a_broken_pack_before_starting(command, good_pack: Path, monkeypatch):
    (good_pack / "city.toml").write_text("name_ru = \n", encoding="utf-8")
    monkeypatch.setenv("ECOMAP_PACK", str(good_pack))
    result = CliRunner().invoke(command, ["serve", "--bind", f"127.0.0.1:{free_port()}"])
    assert result.exit_code == 1
    assert f"ecomap: city pack {good_pack} has 1 problem(s):\n  city.toml: unreadable TOML" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("option", "value"), [("--workers", "0"), ("--connections", "0"), ("--timeout", "-1")]
)
def test_serve_rejects_bad_numbers(command, option: str, value: str):
    result = CliRunner().invoke(command, ["serve", option, value])
    assert result.exit_code == 2
    assert option in result.output


def test_serve_says_threads_no_longer_apply(command):
    result = CliRunner().invoke(command, ["serve", "--threads", "8"])
    assert result.exit_code == 2
    assert "--threads" in result.output and "--connections" in result.output, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("bind", ["0.0.0.0:8000", "[::]:8000", ":8000", "192.0.2.10:8000", "example.org:80"])
def test_behind_a_trusted_proxy_serve_refuses_a_bind_others_can_reach(command, monkeypatch, bind):
    monkeypatch.setenv("ECOMAP_PROXY_HOPS", "1")

    result = CliRunner().invoke(command, ["serve", "--bind", bind])

    assert result.exit_code == 2
    assert "--bind" in result.output and "ECOMAP_PROXY_HOPS=1" in result.output
    assert "--any-address" in result.output and "Traceback" not in result.output


def test_behind_a_trusted_proxy_serve_says_which_headers_it_trusts(monkeypatch):
    monkeypatch.setenv("ECOMAP_TILES", "none")
    monkeypatch.setenv("ECOMAP_PROXY_HOPS", "1")
    port = free_port()
    args = [sys.executable, "-c", RUN_CLI, "serve", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        status, _health = wait_for(f"http://127.0.0.1:{port}/healthz", server)
    finally:
        stderr = stop(server)
    assert status == 200
    assert "trusting X-Forwarded-For and X-Forwarded-Proto from 1 reverse proxy" in stderr


def test_any_address_lets_serve_bind_others_can_reach_and_without_proxies_it_is_not_needed(
    command, monkeypatch
):
    from webmap.serve_cli import check_bind, trust_line

    check_bind("0.0.0.0:8000", 1, any_address=True)
    check_bind("0.0.0.0:8000", 0, any_address=False)
    assert "trusting no forwarded headers" in trust_line(0)
    monkeypatch.setenv("ECOMAP_PROXY_HOPS", "one")
    result = CliRunner().invoke(command, ["serve"])
    assert result.exit_code == 2 and "ECOMAP_PROXY_HOPS must be a whole number" in result.output
