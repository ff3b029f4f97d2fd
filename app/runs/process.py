"""The one handle on a worker child process; nothing else starts or kills workers.

The child is the leader of its own session and process group (``start_new_session``),
so everything it spawns — threads are in-process, but a scenario could fork — lives in
that group and dies with one ``os.killpg``.  The server's own group is never touched.

    start() ──▶ child running ──▶ readline() … b"" (EOF)
                     │
    kill(): SIGKILL the whole group (no-op once the group is gone)
    close(): kill the group, reap the child, drain stderr — always call it, even after a
             clean exit, since a child that exited may have left grandchildren behind.

Process groups are POSIX: ``unsupported_reason()`` says why Threadlab cannot supervise
runs where they are missing (Windows), so the server can refuse to start there.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path

# One stdout line is one event or message; anything longer is a broken worker.
LINE_LIMIT = 1 << 20
STDERR_TAIL = 4096
# Seconds to wait for the pipes to reach EOF once the group is dead.
PIPE_GRACE = 1.0
# The folder that holds the ``app`` package: a worker imports app.* from here.
ROOT = Path(__file__).resolve().parents[2]


def unsupported_reason() -> str | None:
    """Why runs cannot be supervised on this system, as a sentence; None if they can."""
    if hasattr(os, "killpg") and hasattr(os, "setsid"):
        return None
    return (
        "Threadlab supervises each run in its own POSIX process group, which Windows "
        "does not have: run it on Linux or macOS, or on Windows through WSL or Docker."
    )


def worker_env() -> dict[str, str]:
    """The environment of a worker child: ours, plus what makes runs reproducible."""
    env = dict(os.environ)
    env.update(PYTHONPATH=str(ROOT), PYTHONHASHSEED="0", PYTHONUNBUFFERED="1")
    return env


def worker(python: str, module: str) -> WorkerProcess:
    """A (not yet started) ``python -m module`` child with the worker environment."""
    return WorkerProcess([python, "-m", module], worker_env())


class WorkerProcess:
    """A worker child: start, send, readline, kill, join, close."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.argv = argv
        self.env = env
        self._proc: asyncio.subprocess.Process | None = None
        self._stderr = bytearray()
        self._stderr_task: asyncio.Task[None] | None = None

    @property
    def returncode(self) -> int | None:
        return self._proc.returncode if self._proc else None

    @property
    def stderr_tail(self) -> str:
        return self._stderr.decode(errors="replace").strip()

    async def start(self) -> None:
        """Spawn the child; OSError if the interpreter cannot be started."""
        self._proc = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self.env,
            start_new_session=True,
            limit=LINE_LIMIT,
        )
        self._stderr_task = asyncio.create_task(self._drain_stderr())

    async def send(self, data: bytes) -> bool:
        """Write to the child's stdin; False if it is no longer listening."""
        if self._proc is None or self._proc.stdin is None or self._proc.stdin.is_closing():
            return False
        try:
            self._proc.stdin.write(data)
            await self._proc.stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            return False
        return True

    async def readline(self) -> bytes:
        """The next stdout line (b"" at EOF); ValueError if it is over LINE_LIMIT."""
        assert self._proc is not None and self._proc.stdout is not None
        return await self._proc.stdout.readline()

    def kill(self) -> None:
        """SIGKILL the child's whole group."""
        if self._proc is None:
            return
        # The group id is the child's pid.  Once every member has exited the group is
        # gone and killpg raises ProcessLookupError (macOS may say PermissionError when
        # only zombies are left), which is the goal reached.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._proc.pid, signal.SIGKILL)

    async def join(self, timeout: float | None = None) -> int | None:
        """Wait for the child to exit; its exit code, or None if still running."""
        if self._proc is None:
            return None
        try:
            return await asyncio.wait_for(self._proc.wait(), timeout)
        except TimeoutError:
            return None

    async def close(self) -> None:
        """Kill the whole group and reap the child; safe to call more than once."""
        if self._proc is None:
            return
        self.kill()  # first, synchronously: even a cancelled close leaves no orphans
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        # Drain before wait(): on Python 3.11 wait() returns only once every pipe has
        # closed, and a stdout pipe whose reader paused on a full buffer never reaches
        # EOF unless someone reads it (a flooding worker past its wall time hung here).
        try:
            await asyncio.wait_for(self._drain_pipes(), PIPE_GRACE)
        except TimeoutError:
            # Something outside the group (a grandchild that called setsid) still holds
            # the pipes open; stop waiting for it and drop our end.
            transport = getattr(self._proc, "_transport", None)
            if transport is not None:
                transport.close()
        await self._proc.wait()

    async def _drain_pipes(self) -> None:
        assert self._proc is not None
        if self._stderr_task is not None:
            await self._stderr_task
        if self._proc.stdout is not None:
            # Read to EOF so the transport can close (no "unclosed transport" leaks).
            while await self._proc.stdout.read(LINE_LIMIT):
                pass

    async def _drain_stderr(self) -> None:
        # Always drain stderr: a child blocked on a full pipe would look hung.  Keep
        # only the tail, for the failure message.
        assert self._proc is not None and self._proc.stderr is not None
        while chunk := await self._proc.stderr.read(65536):
            self._stderr += chunk
            del self._stderr[:-STDERR_TAIL]
