"""Start a Threadlab server (``python -m app --port 0``) for a benchmark."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def threadlab(**env: str) -> Iterator[str]:
    """The server's base URL while it runs; stopped with Ctrl+C (SIGINT) afterwards.
    Its recordings go to a temporary folder, removed afterwards."""
    data = tempfile.TemporaryDirectory(prefix="threadlab-bench-")
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--port", "0"],
        cwd=ROOT,
        env={**os.environ, "THREADLAB_DATA_DIR": data.name, **env},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        found = re.search(r"http://\S+", proc.stdout.readline())
        if not found:
            raise RuntimeError("the server did not start")
        yield found.group(0)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(10)
        data.cleanup()
