"""Other CPython interpreters on this machine, for tests of the ``worker_python``
setting: a free-threaded build (PEP 703) where one is found."""

from __future__ import annotations

import os
import shutil
import subprocess


def ask(python: str, code: str) -> str | None:
    """What ``python -I -c code`` prints (stripped), or None if it cannot run."""
    try:
        done = subprocess.run(
            [python, "-I", "-c", code], capture_output=True, text=True, timeout=20, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def free_threaded() -> str | None:
    """A free-threaded interpreter with its GIL off: the one named by
    ``THREADLAB_FREE_THREADED_PYTHON``, else ``python3.14t`` or ``python3.13t`` on PATH,
    else ``/opt/py313t`` (docs/performance.md says how one was built here); None if none."""
    candidates = [
        os.environ.get("THREADLAB_FREE_THREADED_PYTHON"),
        shutil.which("python3.14t"),
        shutil.which("python3.13t"),
        "/opt/py313t/bin/python3.13t",
    ]
    gil_off = "import sys; print(sys._is_gil_enabled())"
    return next((p for p in filter(None, candidates) if ask(p, gil_off) == "False"), None)
