"""Start a Threadlab server (``python -m app --port 0``) for a benchmark.

``threadlab(**env)`` yields the base URL; ``threadlab_server(**env)`` yields a
``Served`` with the server's pid too, and helpers to read its CPU time and memory
from ``/proc`` and to find the processes it started (by a marker in their environment).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")
MARK = "THREADLAB_BENCH_MARK"


@dataclass
class Served:
    url: str
    pid: int
    marker: str

    def cpu(self) -> float:
        """Seconds of CPU the server process has used (user + system)."""
        return cpu_seconds(self.pid)

    def rss(self) -> int:
        """The server's resident memory, in bytes."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def children(self) -> list[int]:
        """Live direct children of the server (its worker processes)."""
        return [pid for pid, ppid in _live() if ppid == self.pid]

    def started(self) -> list[int]:
        """Every live process the server started, at any depth, orphans included."""
        found = []
        needle = f"{MARK}={self.marker}".encode()
        for pid, _ in _live():
            if pid in (self.pid, os.getpid()):
                continue
            try:
                if needle in Path(f"/proc/{pid}/environ").read_bytes():
                    found.append(pid)
            except OSError:
                continue
        return found


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def _live() -> list[tuple[int, int]]:
    """(pid, ppid) of every live, non-zombie process."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[0] not in ("Z", "X"):
            out.append((int(entry.name), int(fields[1])))
    return out


@contextmanager
def threadlab_server(**env: str) -> Iterator[Served]:
    """The running server; stopped with Ctrl+C (SIGINT) afterwards.  Its recordings go
    to a temporary folder, removed afterwards.  Benchmarks start many runs from one
    address: the per-client rate limit is off unless ``env`` sets THREADLAB_RUN_RATE."""
    data = tempfile.TemporaryDirectory(prefix="threadlab-bench-")
    marker = uuid.uuid4().hex
    defaults = {"THREADLAB_DATA_DIR": data.name, "THREADLAB_RUN_RATE": "0", MARK: marker}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--port", "0"],
        cwd=ROOT,
        env={**os.environ, **defaults, **env},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        found = re.search(r"http://\S+", proc.stdout.readline())
        if not found:
            raise RuntimeError("the server did not start")
        yield Served(found.group(0), proc.pid, marker)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(10)
        data.cleanup()


@contextmanager
def threadlab(**env: str) -> Iterator[str]:
    """The server's base URL while it runs (see ``threadlab_server``)."""
    with threadlab_server(**env) as served:
        yield served.url


def fake_header(script: dict[str, Any]) -> dict[str, str]:
    """The header that scripts the fake worker (a server started with test_hooks)."""
    return {"X-Threadlab-Fake": json.dumps(script)}
