"""Debian's redis-server for the rate-limit tests: a throwaway server on a free loopback port.

It runs as a subprocess in a temporary folder, with nothing saved to disk, and stops on exit; no
system service is involved. Without redis-server the tests fail in CI and skip elsewhere.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from tests.support.gunicorn_support import free_port, need_program

START_TIMEOUT_S = 15
STOP_TIMEOUT_S = 15


@contextmanager
def running_redis(port: int | None = None) -> Iterator[str]:
    """A redis-server on 127.0.0.1 (``port``, or a free one); yields its URL (database 0); stops on exit."""
    work = tempfile.mkdtemp(prefix="ecomap-redis-")
    port = port or free_port()
    command = [need_program("redis-server"), "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no"]
    log = Path(work) / "redis.log"
    process = subprocess.Popen([*command, "--dir", work, "--logfile", str(log)])
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_ping(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)
        shutil.rmtree(work, ignore_errors=True)


def _wait_ping(url: str, process: subprocess.Popen, log: Path) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                output = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise AssertionError(f"redis-server exited with {process.returncode}: {output}")
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise AssertionError(f"redis-server not answering within {START_TIMEOUT_S} s")
    finally:
        client.close()
