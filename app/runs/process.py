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

Every worker (``worker()``) is confined: it gets a private, empty working directory
(removed after it), an environment without the server's secrets, and, where it works,
the sandbox (``sandbox.py``); when the server is root, a uid of its own from
``RUN_UIDS``, so RLIMIT_NPROC counts only that worker's processes and no run can signal
another's.  The limits themselves the worker sets (``app/worker/limits.py``);
``tree_memory`` reads what its whole process tree holds, for the supervisor's budget.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import shutil
import signal
import subprocess
import tempfile
from collections import deque
from pathlib import Path
from typing import Any

from app.runs import sandbox
from app.worker.limits import SOLE_UID

# One stdout line is one event or message; anything longer is a broken worker.
LINE_LIMIT = 1 << 20
STDERR_TAIL = 4096
# Seconds to wait for the pipes to reach EOF once the group is dead.
PIPE_GRACE = 1.0
# The folder that holds the ``app`` package: a worker imports app.* from here.
ROOT = Path(__file__).resolve().parents[2]
# What of the server's environment a worker gets (besides THREADLAB_*: tests find their
# processes by a marker there); the rest may hold secrets.
KEPT_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ")
# The uids workers run as when the server is root: unused by distributions and systemd
# (its table leaves 1879048192…2147352575 free).  Taken in turn, the oldest freed first.
RUN_UIDS = range(2_000_000_000, 2_000_001_000)
_free_uids = deque(RUN_UIDS)
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def unsupported_reason() -> str | None:
    """Why runs cannot be supervised on this system, as a sentence; None if they can."""
    if hasattr(os, "killpg") and hasattr(os, "setsid"):
        return None
    return (
        "Threadlab supervises each run in its own POSIX process group, which Windows "
        "does not have: run it on Linux or macOS, or on Windows through WSL or Docker."
    )


def worker_env() -> dict[str, str]:
    """The environment of a worker child: little of ours, plus what makes runs
    reproducible; two malloc arenas keep its address space (RLIMIT_AS) predictable."""
    env = {k: v for k, v in os.environ.items() if k in KEPT_ENV or k.startswith("THREADLAB_")}
    env.setdefault("PATH", "/usr/bin:/bin")
    env.update(PYTHONPATH=str(ROOT), PYTHONHASHSEED="0", PYTHONUNBUFFERED="1")
    env.update(MALLOC_ARENA_MAX="2")
    return env


def worker(python: str, module: str) -> WorkerProcess:
    """A (not yet started) ``python -m module`` child with the worker environment,
    confined (see the module's docstring)."""
    return WorkerProcess([python, "-m", module], worker_env(), confined=True)


class WorkerProcess:
    """A worker child: start, send, readline, kill, join, close."""

    def __init__(self, argv: list[str], env: dict[str, str], confined: bool = False) -> None:
        self.argv = argv
        self.env = env
        self.confined = confined
        self.workdir: Path | None = None  # a confined child's working directory
        self.uid: int | None = None  # the uid of its own a confined child runs as
        self.sandboxed = False  # it runs in bwrap
        self._proc: asyncio.subprocess.Process | None = None
        self._stderr = bytearray()
        self._stderr_task: asyncio.Task[None] | None = None

    @property
    def returncode(self) -> int | None:
        code = self._proc.returncode if self._proc else None
        if self.sandboxed and code is not None and code > 128:
            return 128 - code  # bwrap's 128 + N: its worker was killed by signal N
        return code

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def stderr_tail(self) -> str:
        return self._stderr.decode(errors="replace").strip()

    async def start(self) -> None:
        """Spawn the child; OSError if the interpreter cannot be started."""
        argv, options = self.argv, dict[str, Any]()
        try:
            if self.confined:
                argv, options = await self._confine()
            self._proc = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=self.env,
                cwd=self.workdir,
                start_new_session=True,
                limit=LINE_LIMIT,
                **options,
            )
        except BaseException:
            await self._release()  # nobody calls close() on a child that never started
            raise
        self._stderr_task = asyncio.create_task(self._drain_stderr())

    async def _confine(self) -> tuple[list[str], dict[str, Any]]:
        """A private working directory, a uid of its own (as root), the sandbox: the
        argv to start and the subprocess options it needs."""
        self.workdir = Path(tempfile.mkdtemp(prefix="threadlab-run-"))
        self.env = {**self.env, "HOME": str(self.workdir)}
        if os.geteuid() == 0:
            self.uid = _free_uids.popleft()
            os.chown(self.workdir, self.uid, self.uid)
        box = await asyncio.to_thread(sandbox.status)
        python, *rest = self.argv
        if box.available:
            binary, folders = await asyncio.to_thread(sandbox.interpreter, python)
            self.sandboxed = True
            self.env[SOLE_UID] = "1"  # a uid of its own, or a user namespace of its own
            # ROOT's packages the worker imports: app, and in a checkout tests (the fake
            # worker and the test scenarios of test_hooks); the rest of ROOT stays out.
            readable = [*folders, str(ROOT / "app"), str(ROOT / "tests")]
            argv = sandbox.command([binary, *rest], readable, str(self.workdir), self.uid, self.env)
            # The environment goes in through bwrap's arguments: bwrap itself gets none.
            self.env = {"PATH": self.env["PATH"]}
            return argv, {}
        if self.uid is not None and await asyncio.to_thread(_usable, python):
            self.env[SOLE_UID] = "1"
            return self.argv, {"user": self.uid, "group": self.uid, "extra_groups": []}
        if self.uid is not None:  # root, no sandbox, an interpreter only root may read
            _free_uids.append(self.uid)
            self.uid = None
        return self.argv, {}

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
            await asyncio.wait_for(self._proc.wait(), timeout)
        except TimeoutError:
            return None
        return self.returncode

    async def close(self) -> None:
        """Kill the whole group and reap the child; safe to call more than once."""
        if self._proc is None:
            return
        self.kill()  # first, synchronously: even a cancelled close leaves no orphans
        try:
            if self.uid is not None and not self.sandboxed:
                # No PID namespace: a grandchild that called setsid() left the group,
                # but kill(-1) as the run's own uid reaches every process it has.
                await _kill_all_of(self.uid, self.argv[0])
            if self._proc.stdin is not None:
                self._proc.stdin.close()
            # Drain before wait(): on Python 3.11 wait() returns only once every pipe has
            # closed, and a stdout pipe whose reader paused on a full buffer never reaches
            # EOF unless someone reads it (a flooding worker past its wall time hung here).
            try:
                await asyncio.wait_for(self._drain_pipes(), PIPE_GRACE)
            except TimeoutError:
                # Something outside the group (a grandchild that called setsid) still
                # holds the pipes open; stop waiting for it and drop our end.
                transport = getattr(self._proc, "_transport", None)
                if transport is not None:
                    transport.close()
            await self._proc.wait()
        finally:
            await self._release()

    async def _release(self) -> None:
        """Give back what ``_confine`` took (once its processes are dead): the uid, and
        the working directory."""
        uid, workdir, self.uid, self.workdir = self.uid, self.workdir, None, None
        if uid is not None:
            _free_uids.append(uid)
        if workdir is not None:
            await asyncio.to_thread(_remove, workdir)

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


def tree_memory(root: int) -> tuple[int, int]:
    """The resident memory, in bytes, of process ``root`` and of every process below it
    or in its group, and how many they are: one pass over /proc (Linux; (0, 0)
    elsewhere).  By parent links, not /proc/…/children (a kernel option, often off);
    through the sandbox's PID namespace too (its processes are below bwrap).  A page
    two processes share counts twice: an upper bound, never an under-count."""
    parents: dict[int, list[int]] = {}
    pages: dict[int, int] = {}
    todo = [root]
    try:
        names = os.listdir("/proc")
    except OSError:
        return 0, 0
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                line = stat.read()
        except OSError:  # ended meanwhile
            continue
        # After "(comm)": state, ppid, pgrp, …, rss (pages) is the 22nd.
        fields = line[line.rfind(b")") + 2 :].split()
        pid = int(name)
        parents.setdefault(int(fields[1]), []).append(pid)
        pages[pid] = int(fields[21])
        if int(fields[2]) == root:  # in its group, even if orphaned
            todo.append(pid)
    tree: set[int] = set()
    while todo:
        pid = todo.pop()
        if pid not in tree and pid in pages:
            tree.add(pid)
            todo.extend(parents.get(pid, ()))
    return sum(pages[pid] for pid in tree) * PAGE_SIZE, len(tree)


@functools.lru_cache(maxsize=8)
def _usable(python: str) -> bool:
    """Can an unprivileged uid run ``python`` and import the worker (no folder on the
    way is 0700)?  Asked as nobody: the run uids own nothing either."""
    check = [python, "-c", "import app.worker.limits"]
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    uid = sandbox.PROBE_UID
    try:
        done = subprocess.run(
            check, env=env, cwd="/", user=uid, group=uid, extra_groups=[], capture_output=True
        )
    except OSError:
        return False
    return done.returncode == 0


async def _kill_all_of(uid: int, python: str) -> None:
    kill = "import os, signal; os.kill(-1, signal.SIGKILL)"
    with contextlib.suppress(OSError):
        child = await asyncio.create_subprocess_exec(
            python, "-I", "-c", kill, user=uid, group=uid, extra_groups=[], cwd="/"
        )
        await child.wait()


def _remove(path: Path) -> None:
    """Remove a working directory, whatever a program did to its permissions (root
    needs no help; no chmod through a symlink)."""
    if os.geteuid() != 0:
        for top, folders, _ in os.walk(path):
            for name in folders:
                inner = os.path.join(top, name)
                if not os.path.islink(inner):
                    with contextlib.suppress(OSError):
                        os.chmod(inner, 0o700)
    shutil.rmtree(path, ignore_errors=True)
