"""Other CPython interpreters on this machine, for tests of the ``worker_python``
setting: a free-threaded build (PEP 703) where one is found."""

from __future__ import annotations

import os
import shutil
import subprocess


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
    for python in filter(None, candidates):
        try:
            done = subprocess.run(
                [python, "-I", "-c", "import sys; print(sys._is_gil_enabled())"],
                capture_output=True,
                text=True,
                timeout=20,
                check=True,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if done.stdout.strip() == "False":
            return python
    return None
