"""A bounded slowloris on loopback: many sockets that hold a server, and /healthz probes meanwhile.

Three kinds of slow client: *idle* ones connect and send nothing, *dribbling* ones send a request
line and then one header line every ``DRIBBLE_S`` seconds without ever ending the header, and
*kept-alive* ones send one whole request, read the answer and stay connected without a word.
A socket the server closes is opened again, so the number held stays the same.
A separate thread probes ``GET /healthz`` on a fresh connection every ``PROBE_EVERY_S`` seconds
and records how long each answer took, or that it failed. Everything is bounded: at most
``MAX_SOCKETS`` sockets, ``MAX_HOLD_S`` seconds, each probe ``PROBE_TIMEOUT_S``.
"""

from __future__ import annotations

import http.client
import math
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

MAX_SOCKETS = 200
# What each kind of slow client sends on connecting.
OPENINGS = {
    "idle": b"",  # nothing, ever
    "dribbling": b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n",  # then a header line now and then
    "kept-alive": b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",  # one request, then quiet
}
MAX_HOLD_S = 30
PROBE_TIMEOUT_S = 5.0
PROBE_EVERY_S = 0.5
DRIBBLE_S = 2.0


@dataclass
class Probes:
    """What the /healthz probes saw during an attack."""

    latencies_s: list[float] = field(default_factory=list)  # of the probes answered 200
    failures: list[str] = field(default_factory=list)  # timeouts, cuts and other statuses

    @property
    def sent(self) -> int:
        return len(self.latencies_s) + len(self.failures)

    def percentile_s(self, fraction: float) -> float:
        """The nearest-rank percentile of every probe's latency, a failed probe counting as infinite."""
        ordered = sorted(self.latencies_s) + [math.inf] * len(self.failures)
        return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] if ordered else math.inf

    def summary(self) -> str:
        return (
            f"{len(self.latencies_s)} of {self.sent} /healthz probes answered 200; "
            f"p50 {format_s(self.percentile_s(0.5))}, p95 {format_s(self.percentile_s(0.95))}, "
            f"max {format_s(self.percentile_s(1.0))}; failures {self.failures[:3]}"
        )


def format_s(seconds: float) -> str:
    """A latency in ms, or "failed" for a probe that timed out or was cut.

    >>> format_s(0.0123), format_s(math.inf)
    ('12 ms', 'failed')
    """
    return "failed" if math.isinf(seconds) else f"{seconds * 1000:.0f} ms"


class Slowloris:
    """Hold slow connections to 127.0.0.1:``port`` until ``stop()``: ``mix`` says how many of each kind."""

    def __init__(self, port: int, mix: Mapping[str, int]):
        unknown = set(mix) - set(OPENINGS)
        if unknown or not 0 < sum(mix.values()) <= MAX_SOCKETS:
            raise ValueError(f"a mix of {sorted(OPENINGS)} with 1..{MAX_SOCKETS} sockets, not {dict(mix)}")
        self.port = port
        self.kinds = [kind for kind, count in mix.items() for _ in range(count)]  # slot -> kind
        self.reopened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._held: dict[int, socket.socket] = {}  # slot -> its socket

    def start(self) -> Slowloris:
        for slot in range(len(self.kinds)):
            self._open(slot)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=DRIBBLE_S + 5)
        for sock in self._held.values():
            sock.close()

    def _open(self, slot: int) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=PROBE_TIMEOUT_S)
        sock.setblocking(False)
        self._send(sock, OPENINGS[self.kinds[slot]])
        self._held[slot] = sock

    @staticmethod
    def _send(sock: socket.socket, data: bytes) -> bool:
        if not data:
            return True
        try:
            sock.send(data)
        except BlockingIOError:
            return True
        except OSError:
            return False
        return True

    @staticmethod
    def _closed_by_server(sock: socket.socket) -> bool:
        try:
            return sock.recv(65536) == b""  # an answer is read and dropped; the end: the server let go
        except BlockingIOError:
            return False
        except OSError:
            return True

    def _run(self) -> None:
        header = 0
        while not self._stop.wait(DRIBBLE_S):
            header += 1
            for slot, sock in list(self._held.items()):
                alive = not self._closed_by_server(sock)
                if alive and self.kinds[slot] == "dribbling":
                    alive = self._send(sock, f"X-Slow-{header}: {header}\r\n".encode())
                if not alive and not self._stop.is_set():
                    sock.close()
                    try:
                        self._open(slot)
                        self.reopened += 1
                    except OSError:
                        del self._held[slot]


def _probe(port: int, probes: Probes, lock: threading.Lock) -> None:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=PROBE_TIMEOUT_S)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        outcome = time.monotonic() - started if response.status == 200 else f"status {response.status}"
    except (OSError, http.client.HTTPException) as error:
        outcome = f"{type(error).__name__} after {time.monotonic() - started:.1f} s"
    finally:
        connection.close()
    with lock:
        if isinstance(outcome, float):
            probes.latencies_s.append(outcome)
        else:
            probes.failures.append(outcome)


def probe_healthz(port: int, hold_s: float) -> Probes:
    """Start a GET /healthz probe on 127.0.0.1:``port`` every PROBE_EVERY_S seconds for ``hold_s`` seconds.

    Each probe has its own thread and fresh connection, so a stuck probe does not delay the next.
    """
    if not 0 < hold_s <= MAX_HOLD_S:
        raise ValueError(f"hold_s must be in (0, {MAX_HOLD_S}], not {hold_s}")
    probes, lock, threads = Probes(), threading.Lock(), []
    for number in range(round(hold_s / PROBE_EVERY_S)):
        if number:
            time.sleep(PROBE_EVERY_S)
        threads.append(threading.Thread(target=_probe, args=(port, probes, lock), daemon=True))
        threads[-1].start()
    for thread in threads:
        thread.join(timeout=PROBE_TIMEOUT_S + 5)
    return probes


MIXED = {"idle": MAX_SOCKETS // 2, "dribbling": MAX_SOCKETS // 2}
KEPT_ALIVE = {"kept-alive": MAX_SOCKETS}


def attack(port: int, mix: Mapping[str, int] = MIXED, hold_s: float = 10) -> tuple[Probes, int]:
    """Hold the ``mix`` of slow connections for ``hold_s`` seconds while probing /healthz.

    Returns the probes and how many attacking sockets the server closed (and were opened again).
    """
    loris = Slowloris(port, mix).start()
    try:
        time.sleep(0.5)  # every socket is in before the first probe
        return probe_healthz(port, hold_s), loris.reopened
    finally:
        loris.stop()
