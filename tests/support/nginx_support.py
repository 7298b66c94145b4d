"""Debian's nginx in front of a test server, run from deploy/nginx/ecomap.conf as it is shipped.

The site file is copied with only its two addresses changed (the listening port and the
upstream gunicorn's), and included from a small main configuration whose pid file, logs and
temporary folders are in a temporary folder. nginx runs in the foreground as a subprocess
(``daemon off``), not as a system service. Without nginx the tests fail in CI and skip elsewhere.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.gunicorn_support import ROOT, free_port, need_program

SITE = ROOT / "deploy" / "nginx" / "ecomap.conf"
LISTEN = "listen 80;"
UPSTREAM = "server 127.0.0.1:8000;"
START_TIMEOUT_S = 15
STOP_TIMEOUT_S = 15
MAIN = """\
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 2048; }}
http {{
    access_log off;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/ecomap.conf;
}}
"""


def site_config(listen_port: int, upstream_port: int) -> str:
    """deploy/nginx/ecomap.conf listening on ``listen_port`` and passing on to ``upstream_port``."""
    text = SITE.read_text(encoding="utf-8")
    for line in (LISTEN, UPSTREAM):
        assert text.count(line) == 1, f"{SITE} should have {line!r} once"
    return text.replace(LISTEN, f"listen 127.0.0.1:{listen_port};").replace(
        UPSTREAM, f"server 127.0.0.1:{upstream_port};"
    )


@dataclass
class Nginx:
    port: int
    work: Path

    def error_log(self) -> str:
        path = self.work / "error.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def _wait_listening(port: int, process: subprocess.Popen, work: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"nginx exited with {process.returncode}: {Nginx(port, work).error_log()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nginx not listening within {START_TIMEOUT_S} s: {Nginx(port, work).error_log()}")


@contextmanager
def running_nginx(upstream_port: int) -> Iterator[Nginx]:
    """nginx with the shipped site file in front of 127.0.0.1:``upstream_port``; stopped on exit."""
    binary = need_program("nginx", "/usr/sbin/nginx")
    work = Path(tempfile.mkdtemp(prefix="ecomap-nginx-"))
    work.chmod(0o755)  # nginx's workers run as another user when we are root
    port = free_port()
    (work / "ecomap.conf").write_text(site_config(port, upstream_port), encoding="utf-8")
    (work / "nginx.conf").write_text(MAIN.format(work=work), encoding="utf-8")
    command = [binary, "-p", str(work), "-e", str(work / "error.log"), "-c", str(work / "nginx.conf")]
    process = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.STDOUT)
    try:
        _wait_listening(port, process, work)
        yield Nginx(port, work)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)
        shutil.rmtree(work, ignore_errors=True)
