"""Under gevent workers a request waiting on PostgreSQL leaves its worker free for every other client.

gunicorn's gevent worker monkey-patches the standard library before it loads the app, and psycopg 3
then waits for the server through gevent (``psycopg.waiting``) instead of in C; were it to wait in
C, one slow query would stall every client of its worker. One worker; the test locks the proposals
table, so that ``GET /api/proposals`` waits in PostgreSQL; meanwhile the same worker answers
``/api/layers`` and ``/healthz`` (which writes to the database through another connection), and
the waiting request is answered once the lock is released.
"""

from __future__ import annotations

import http.client
import threading
import time

from sqlalchemy import create_engine, text

from tests.support.gunicorn_support import running_server, server_env

ANSWER_TIMEOUT_S = 10  # each answer the worker owes while the lock is held
WAIT_TIMEOUT_S = 30  # for the waiting request to show up in pg_stat_activity


def get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=ANSWER_TIMEOUT_S)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_a_request_waiting_on_postgresql_does_not_hold_its_worker(postgres_url: str):
    with running_server(server_env(postgres_url), workers=1) as server:
        engine = create_engine(postgres_url)
        waiting: dict[str, object] = {}

        def list_proposals() -> None:
            try:
                waiting["status"] = get(server.port, "/api/proposals")
            except (OSError, http.client.HTTPException) as error:
                waiting["status"] = repr(error)

        try:
            with engine.connect() as locker:
                locker.execute(text("LOCK TABLE proposals IN ACCESS EXCLUSIVE MODE"))
                request = threading.Thread(target=list_proposals, daemon=True)
                request.start()
                blocked = 0
                deadline = time.monotonic() + WAIT_TIMEOUT_S
                while not blocked and time.monotonic() < deadline:
                    time.sleep(0.1)
                    blocked = locker.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                        )
                    ).scalar_one()
                assert blocked, f"GET /api/proposals never waited for the lock: {waiting}\n{server.output()}"
                others = {path: get(server.port, path) for path in ("/api/layers", "/healthz")}
                still_waiting = request.is_alive()
                locker.rollback()  # releases the lock
            request.join(timeout=ANSWER_TIMEOUT_S)
        finally:
            engine.dispose()
    assert others == {"/api/layers": 200, "/healthz": 200}
    assert still_waiting, "the proposals were listed while their table was locked"
    assert waiting == {"status": 200}
