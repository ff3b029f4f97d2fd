"""The browser's JavaScript, checked from the one pytest command.

* ``node --test tests/js/`` — the reducer, stream, player and helpers (Node's own runner),
  with the run contract the server embeds in every page (``browser_contract()``,
  written to a file named in ``THREADLAB_CONTRACT``: the tests use no copy of their own).
* ``static/js/model/events.js`` mirrors ``app/instrument/events.py``: the constants must match.
* ``tsc`` type-checks the JSDoc of ``static/js`` with the TypeScript pinned in
  ``package.json`` (``npm ci`` installs it in ``node_modules``).

Without Node.js or TypeScript these are skipped on a developer's machine, but fail in
CI (CI=true).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app.api import demo
from app.contract import browser_contract
from app.instrument import events

ROOT = Path(__file__).resolve().parents[2]


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("Node.js is not installed, and CI must run the JavaScript tests.")
        pytest.skip("Node.js is not installed")
    return node


def test_node_tests_pass(tmp_path: Path) -> None:
    contract = tmp_path / "contract.json"
    contract.write_text(json.dumps(browser_contract()), encoding="utf-8")
    result = subprocess.run(
        [_node(), "--test", "tests/js/"],
        cwd=ROOT,
        env={**os.environ, "THREADLAB_CONTRACT": str(contract)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_events_js_mirrors_events_py() -> None:
    script = (
        "const m = await import('./static/js/model/events.js');"
        "console.log(JSON.stringify({FIELDS: m.FIELDS, STATES: m.STATES, KINDS: m.KINDS,"
        " LIFECYCLE_KINDS: m.LIFECYCLE_KINDS, RESOURCE_KINDS: m.RESOURCE_KINDS,"
        " RUN_KINDS: m.RUN_KINDS, RESOURCE_TYPES: m.RESOURCE_TYPES,"
        " TRANSITIONS: m.TRANSITIONS, PROCESS_SEPARATOR: m.PROCESS_SEPARATOR}));"
    )
    result = subprocess.run(
        [_node(), "--input-type=module", "-e", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    js = json.loads(result.stdout)
    for name in (
        "FIELDS",
        "STATES",
        "KINDS",
        "LIFECYCLE_KINDS",
        "RESOURCE_KINDS",
        "RUN_KINDS",
        "RESOURCE_TYPES",
    ):
        assert js[name] == list(getattr(events, name)), name
    assert js["PROCESS_SEPARATOR"] == events.PROCESS_SEPARATOR
    python_transitions = {f"{a or ''}>{b}" for a, b in events.TRANSITIONS}
    assert set(js["TRANSITIONS"]) == python_transitions


def _tsc() -> str:
    """The pinned TypeScript (``npm ci``), else one on the PATH."""
    pinned = ROOT / "node_modules" / ".bin" / "tsc"
    tsc = str(pinned) if pinned.exists() else shutil.which("tsc")
    if tsc is None:
        if os.environ.get("CI"):
            pytest.fail("TypeScript is not installed (npm ci), and CI must type-check the JSDoc.")
        pytest.skip("TypeScript is not installed: npm ci")
    return tsc


def test_jsdoc_types_check() -> None:
    _node()  # tsc runs on Node.js
    result = subprocess.run(
        [_tsc(), "-p", "tests/js/tsconfig.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout[-6000:]


def test_demolink_js_uses_the_servers_keys() -> None:
    """``static/js/model/demolink.js`` writes the demo links ``app/api/demo.py`` reads."""
    script = (
        "const m = await import('./static/js/model/demolink.js');"
        "console.log(JSON.stringify(m.DEMO_KEYS));"
    )
    result = subprocess.run(
        [_node(), "--input-type=module", "-e", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == list(demo.DEMO_KEYS)
