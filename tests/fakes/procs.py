"""Helpers for tests that check processes: talk to a real worker, is a pid still
running, wait for a condition."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def converse(
    argv: Sequence[str], spec: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """Start a worker (``argv``, in the repository), send it ``spec`` and read it to its
    ``done`` (or ``error``): (its events, its messages, its stderr).  Its stdin stays
    open until then: closing it is the manager's way of cancelling the run."""
    events: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    with tempfile.TemporaryFile() as err:  # a file: a full stderr pipe would stall it
        proc = subprocess.Popen(
            argv, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err
        )
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write((json.dumps(spec) + "\n").encode())
            proc.stdin.flush()
            for line in proc.stdout:
                obj = json.loads(line)  # every line parses
                if "msg" not in obj:
                    events.append(obj)
                    continue
                messages.append(obj)
                if obj["msg"] in ("done", "error"):
                    break
        finally:
            proc.stdin.close()
            proc.wait(timeout=10)
            proc.stdout.close()
        err.seek(0)
        return events, messages, err.read().decode(errors="replace")


def is_running(pid: int) -> bool:
    """True if ``pid`` exists and is not a zombie (a killed orphan that PID 1 never
    reaped is a zombie: gone for every purpose we care about)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    state = stat.rpartition(")")[2].split()[0]
    return state not in ("Z", "X")


def with_environ(marker: str) -> list[int]:
    """Pids of this user's live processes whose environment contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker.encode() in environ and is_running(int(entry.name)):
            found.append(int(entry.name))
    return found


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0, what: str = "") -> None:
    """Poll ``predicate`` until true; only for conditions nothing can be awaited on
    (another process's death)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(0.02)
