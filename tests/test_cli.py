"""The ecomap command: check-data on good and broken packs, and a broken pack at start-up."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from tests.conftest import SYSERT_PACK
from tests.support.packs import good_layers, write_pack
from webmap.cli import cli


def test_check_data_on_the_sysert_pack_prints_a_line_per_layer():
    result = CliRunner().invoke(cli, ["check-data", str(SYSERT_PACK)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    layer_lines = [line for line in lines if not line.startswith("track ")]
    assert [line.split(":")[0] for line in layer_lines] == [
        "park",
        "forest",
        "reservoir",
        "rink-cinema",
        "school-yard",
        "learning-places",
        "paths",
    ]
    assert "reservoir: 2 feature(s), 14.68 km²" in lines
    assert "track walk-10000-steps: walk, 7.31 km, 10 stop(s)" in lines


def test_check_data_reports_every_problem_and_exits_1(tmp_path):
    layers = good_layers()
    del layers["park"][0]["properties"]["source"]
    layers["rink-cinema"][0]["geometry"]["coordinates"] = [56.495, 60.805]
    write_pack(tmp_path, layers)
    result = CliRunner().invoke(cli, ["check-data", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}/layers/park.geojson: feature 'park-1': property 'source' is missing" in result.output
    assert "layers/rink-cinema.geojson: feature 'rink-1': coordinate [56.495, 60.805]" in result.output
    assert "2 problem(s)" in result.output


def test_check_data_uses_ecomap_pack_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOMAP_PACK", str(tmp_path / "missing"))
    result = CliRunner().invoke(cli, ["check-data"])
    assert result.exit_code == 1
    assert "the pack folder does not exist" in result.output


@pytest.mark.parametrize("command", [["routes"], ["check-data", "--help"]], ids=["routes", "help"])
def test_console_script_runs(command):
    ecomap = os.path.join(os.path.dirname(sys.executable), "ecomap")
    result = subprocess.run([ecomap, *command], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    if command == ["routes"]:
        assert "/api/layers/<layer_id>" in result.stdout


def test_broken_pack_at_start_up_is_a_message_not_a_traceback(tmp_path):
    write_pack(tmp_path, {**good_layers(), "park": "{not json"})
    ecomap = os.path.join(os.path.dirname(sys.executable), "ecomap")
    env = {**os.environ, "ECOMAP_PACK": str(tmp_path)}
    result = subprocess.run(
        [ecomap, "routes"], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 1
    assert "layers/park.geojson: unreadable JSON" in result.stderr
    assert "Traceback" not in result.stderr
