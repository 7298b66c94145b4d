"""The README keeps its promises: the two commands first, every setting documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from webmap.settings import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    opening = README.splitlines()[:6]
    assert any(line.startswith("make run ") for line in opening)
    assert any(line.startswith("make test ") for line in opening)


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda setting: setting.env)
def test_readme_lists_every_setting(setting):
    assert f"| `{setting.env}` |" in README


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "\nmake test\n" in ci
