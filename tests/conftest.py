"""Fixtures shared by the tests: packs on disk, the app and its test client."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.packs import write_pack
from webmap import create_app

pytest_plugins = ["tests.support.browser", "tests.support.postgres"]

SYSERT_PACK = Path(__file__).resolve().parent.parent / "data" / "sysert"


@pytest.fixture
def good_pack(tmp_path: Path) -> Path:
    return write_pack(tmp_path / "pack")


@pytest.fixture(autouse=True)
def _database_outside_the_source_tree(tmp_path_factory, monkeypatch):
    """Apps that tests create keep nothing in instance/: a throwaway database, a fixed key."""
    database = tmp_path_factory.mktemp("db") / "ecomap.sqlite3"
    monkeypatch.setenv("ECOMAP_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("ECOMAP_SECRET_KEY", "test-only-secret")


@pytest.fixture
def app():
    return create_app({"TESTING": True, "PACK": str(SYSERT_PACK), "TILES": "none"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def run_ecomap(app):
    """Run an ``ecomap`` command (webmap.cli) against the test app: ``run_ecomap("export-gpx", ...)``."""
    from webmap.cli import cli

    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(cli, list(args))
