"""A worker killed with SIGKILL mid-load: the master replaces it, and no acknowledged proposal is lost."""

from __future__ import annotations

import os
import signal
import time

from tests.support.gunicorn_support import BOOT_TIMEOUT_S, Load, check_stored_once, running_server, server_env

BEFORE_S, AFTER_S = 3, 6  # load before the kill, and after the replacement appears (it boots in ~3 s)
MAX_LOAD_S = BEFORE_S + BOOT_TIMEOUT_S + AFTER_S


def test_a_killed_worker_is_replaced_and_nothing_acknowledged_is_lost(database_url):
    with running_server(server_env(database_url)) as server:
        workers = server.wait_workers(2)
        load = Load(server.port, readers=2, writers=4, max_s=MAX_LOAD_S).start()
        time.sleep(BEFORE_S)
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        deadline = killed_at + BOOT_TIMEOUT_S
        while not (server.workers() - workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        replaced_s = time.monotonic() - killed_at
        now = server.workers()
        time.sleep(AFTER_S)
        tally = load.stop()
        health = [server.get("/healthz").status for _ in range(6)]
    print(
        f"\nkill on {database_url.split(':')[0]}: workers {sorted(workers)}, killed {victim}, "
        f"now {sorted(now)} (new worker seen after {replaced_s:.1f} s); {tally.summary()}"
    )
    assert victim not in now
    assert len(now - workers) == 1, f"no replacement worker within {BOOT_TIMEOUT_S} s"
    assert tally.server_errors == []
    assert tally.unexpected == []
    assert tally.acknowledged
    assert check_stored_once(database_url, tally) == []
    assert health == [200] * 6
