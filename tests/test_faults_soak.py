"""A bounded soak under gunicorn with 2 workers: readers and writers at once, no 5xx, nothing lost."""

from __future__ import annotations

import time

from tests.support.gunicorn_support import Load, check_stored_once, running_server, server_env

SOAK_S = 12  # the load's length; every thread also stops after 2,000 requests
READERS, WRITERS = 3, 3


def test_soak_has_no_server_errors_and_stores_every_acknowledged_proposal_once(database_url):
    with running_server(server_env(database_url)) as server:
        load = Load(server.port, READERS, WRITERS, max_s=SOAK_S).start()
        time.sleep(SOAK_S)
        tally = load.stop()
    print(f"\nsoak on {database_url.split(':')[0]}, {SOAK_S} s: {tally.summary()}")
    assert tally.server_errors == []
    assert tally.unexpected == []
    assert not tally.cut, "no worker died, so no connection may be cut"
    assert tally.acknowledged, "no proposal was acknowledged"
    assert check_stored_once(database_url, tally) == []
