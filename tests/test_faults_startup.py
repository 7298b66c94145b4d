"""A broken pack at start-up: `ecomap run`, `ecomap serve` and gunicorn print the problem, exit non-zero."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gunicorn.errors import AppImportError

from geo.errors import PackError, Problem
from tests.support.gunicorn_support import ROOT, free_port, gunicorn_command, server_env
from tests.support.packs import good_layers, write_pack
from tests.support.proposals_support import SYSERT_PACK
from webmap.cli import cli
from webmap.gunicorn_config import post_fork

ECOMAP = Path(sys.executable).parent / "ecomap"
START_TIMEOUT_S = 90


def _unreadable_layer(tmp_path: Path) -> tuple[Path, str]:
    pack = write_pack(tmp_path / "pack", {**good_layers(), "park": "{not json"})
    return pack, "layers/park.geojson: unreadable JSON"


def _missing_folder(tmp_path: Path) -> tuple[Path, str]:
    return tmp_path / "no-such-pack", "the pack folder does not exist"


def _unknown_site_layer(tmp_path: Path) -> tuple[Path, str]:
    pack = Path(shutil.copytree(SYSERT_PACK, tmp_path / "pack"))
    sites = pack / "sites.toml"
    sites.write_text(sites.read_text(encoding="utf-8").replace('layer = "school-yard"', 'layer = "gone"'))
    return pack, "sites.toml: site 'school-yard-23': field 'layer': no layer 'gone' in the pack"


BROKEN = {"layer": _unreadable_layer, "folder": _missing_folder, "sites": _unknown_site_layer}


def _commands(port: int) -> dict[str, list[str]]:
    commands = {
        "ecomap run": [str(ECOMAP), "run", "--host", "127.0.0.1", "--port", str(port)],
        "gunicorn": gunicorn_command(port),
    }
    if "serve" in cli.commands:  # issue 5's production command, once it lands
        commands["ecomap serve"] = [str(ECOMAP), "serve", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    return commands


@pytest.mark.parametrize("command", list(_commands(0)))
@pytest.mark.parametrize("broken", list(BROKEN))
def test_a_broken_pack_is_a_message_and_a_non_zero_exit(command, broken, tmp_path):
    pack, problem = BROKEN[broken](tmp_path)
    env = server_env(f"sqlite:///{tmp_path / 'ecomap.sqlite3'}", ECOMAP_PACK=str(pack))
    done = subprocess.run(
        _commands(free_port())[command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert re.search(rf"^ecomap( serve)?: .*{re.escape(str(pack))}", output, re.MULTILINE), output
    assert problem in output
    assert "Traceback" not in output


def test_a_worker_reports_a_pack_broken_since_start_up_as_an_app_load_error():
    class Worker:
        def load_wsgi(self):
            raise PackError("/srv/pack", [Problem("city.toml", "", "the file is missing")])

    worker = Worker()
    post_fork(None, worker)
    with pytest.raises(AppImportError, match=r"^ecomap: city pack /srv/pack has 1 problem\(s\):\n  city"):
        worker.load_wsgi()
