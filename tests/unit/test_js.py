"""The browser's JavaScript, checked from the one pytest command.

* ``node --test tests/js/`` — the reducer, stream, player and helpers (Node's own runner).
* ``static/js/events.js`` mirrors ``app/instrument/events.py``: the constants must match.
* ``tsc`` type-checks the JSDoc of ``static/js`` when TypeScript is installed (optional).

Without Node.js these are skipped on a developer's machine, but fail in CI (CI=true).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app.api import pages
from app.instrument import events

ROOT = Path(__file__).resolve().parents[2]


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("Node.js is not installed, and CI must run the JavaScript tests.")
        pytest.skip("Node.js is not installed")
    return node


def test_node_tests_pass() -> None:
    result = subprocess.run(
        [_node(), "--test", "tests/js/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_events_js_mirrors_events_py() -> None:
    script = (
        "const m = await import('./static/js/events.js');"
        "console.log(JSON.stringify({FIELDS: m.FIELDS, STATES: m.STATES, KINDS: m.KINDS,"
        " LIFECYCLE_KINDS: m.LIFECYCLE_KINDS, RESOURCE_KINDS: m.RESOURCE_KINDS,"
        " RUN_KINDS: m.RUN_KINDS, RESOURCE_TYPES: m.RESOURCE_TYPES,"
        " TRANSITIONS: m.TRANSITIONS}));"
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
    python_transitions = {f"{a or ''}>{b}" for a, b in events.TRANSITIONS}
    assert set(js["TRANSITIONS"]) == python_transitions


def test_jsdoc_types_check() -> None:
    tsc = shutil.which("tsc") or str(ROOT / "node_modules" / ".bin" / "tsc")
    if not Path(tsc).exists():
        pytest.skip("TypeScript is not installed (npm install typescript) — optional")
    result = subprocess.run(
        [tsc, "-p", "tests/js/tsconfig.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout[-6000:]


def test_demolink_js_uses_the_servers_keys() -> None:
    """``static/js/demolink.js`` writes the demo links ``app/api/pages.py`` reads."""
    script = (
        "const m = await import('./static/js/demolink.js');"
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
    assert json.loads(result.stdout) == list(pages.DEMO_KEYS)
