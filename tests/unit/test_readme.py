"""The README stays true: its two commands, what CI runs, and the scenario list."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.scenarios import registry

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
INSTALL = "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/threadlab"
TEST = ".venv/bin/pip install -e '.[test]' && .venv/bin/pytest"


def test_the_two_commands() -> None:
    assert INSTALL in README and TEST in README


def test_ci_runs_the_readme_test_command() -> None:
    assert TEST in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("scenario", [s.id for s in registry.scenarios()])
def test_every_scenario_is_listed(scenario: str) -> None:
    assert f"| `{scenario}` |" in README, f"add '{scenario}' to the README's scenario table"
