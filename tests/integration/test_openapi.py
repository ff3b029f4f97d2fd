"""Schemathesis against a real server's ``/openapi.json``, every check on: no 5xx, and
no answer outside the documented schema (status codes, content types, bodies, Allow).

Every phase runs (examples, coverage, fuzzing, stateful); the stateful phase follows
the links from a created run to every operation on it.  Regressions it found:
``/openapi.json`` itself was a 500 (a ``$ref`` to a model no route used);
``{"seed": NaN}`` was a 500 (the 422 echoed NaN, which JSON cannot hold); 405s listed
only one router's methods in ``Allow``; undecodable bodies were an undocumented 400;
options with mode "free", a 'url' that is no path and a Last-Event-ID that is no number
were schema-valid but refused; ``"seed": false`` was taken as 0.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.conftest import FAKE, serve

pytestmark = pytest.mark.integration

HERE = Path(__file__).parent


# (seed, examples): the first wave's quick run, and the seed and size that once found
# four schema-valid requests the server refused and a stateful phase that reached no
# operation on a run.
RUNS = [(1, 5), (424242, 150)]


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("seed", "examples"), RUNS)
def test_the_api_keeps_to_its_openapi_schema(tmp_path: Path, seed: int, examples: int) -> None:
    with serve(tmp_path, **FAKE, THREADLAB_QUEUE_SIZE="4", THREADLAB_RUN_RATE="0") as server:
        command = [
            *(sys.executable, "-m", "schemathesis.cli", "--config-file"),
            *(str(HERE / "schemathesis.toml"), "run", f"{server.url}/openapi.json"),
            *("--checks", "all", "--max-examples", str(examples), "--seed", str(seed)),
            *("--generation-database", "none", "--workers", "1", "--no-shrink"),
        ]
        done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=280)
        assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
        assert "Stateful" in done.stdout
        log = server.log.read_text()
        assert "Traceback" not in log, log[-3000:]
