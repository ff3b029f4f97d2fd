"""Schemathesis against a real server's ``/openapi.json``, every check on: no 5xx, and
no answer outside the documented schema (status codes, content types, bodies, Allow).

Regressions it found: ``/openapi.json`` itself was a 500 (a ``$ref`` to a model no
route used); ``{"seed": NaN}`` was a 500 (the 422 echoed NaN, which JSON cannot hold);
405s listed only one router's methods in ``Allow``; undecodable bodies were an
undocumented 400.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.conftest import FAKE, serve

pytestmark = pytest.mark.integration

HERE = Path(__file__).parent


@pytest.mark.timeout(90)
def test_the_api_keeps_to_its_openapi_schema(tmp_path: Path) -> None:
    with serve(tmp_path, **FAKE, THREADLAB_QUEUE_SIZE="4") as server:
        command = [
            *(sys.executable, "-m", "schemathesis.cli", "--config-file"),
            *(str(HERE / "schemathesis.toml"), "run", f"{server.url}/openapi.json"),
            *("--checks", "all", "--max-examples", "5", "--seed", "1"),
            *("--generation-database", "none", "--workers", "1", "--no-shrink"),
            *("--phases", "fuzzing,stateful", "--max-time", "30"),  # coverage: +20 s
        ]
        done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=80)
        assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
        log = server.log.read_text()
        assert "Traceback" not in log, log[-3000:]
