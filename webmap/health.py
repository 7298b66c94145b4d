"""Health probes: each feature's check of what it depends on (the proposals' database), for /healthz."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

PROBES = "ecomap.health_probes"
Probe = Callable[[], bool]


def add_health_probe(app: Flask, name: str, probe: Probe) -> None:
    """Let a feature say whether ``name`` (such as "database") works now: /healthz asks it every time."""
    app.extensions.setdefault(PROBES, {})[name] = probe


def probe_all() -> dict[str, bool]:
    """Every registered probe's answer now, by name."""
    return {name: probe() for name, probe in current_app.extensions.get(PROBES, {}).items()}
