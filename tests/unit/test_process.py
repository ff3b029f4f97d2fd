"""WorkerProcess: the one handle on a child; killing it kills its whole group.  And
where that works: only where the system has POSIX process groups."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from app.runs import process
from app.runs.process import WorkerProcess, unsupported_reason
from tests.fakes.procs import is_running, wait_until

pytestmark = pytest.mark.anyio

SPAWNS_A_STUBBORN_GRANDCHILD = """
import signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"])
print(child.pid, flush=True)
time.sleep(60)
"""


def python(code: str) -> WorkerProcess:
    return WorkerProcess([sys.executable, "-c", code], {})


async def test_close_kills_the_child_and_its_grandchildren() -> None:
    proc = python(SPAWNS_A_STUBBORN_GRANDCHILD)
    await proc.start()
    grandchild = int(await proc.readline())
    assert proc.returncode is None and is_running(grandchild)  # alive
    await proc.close()
    assert proc.returncode == -9
    wait_until(lambda: not is_running(grandchild), what="the grandchild to die")


async def test_lines_in_and_out() -> None:
    proc = python("import sys\nfor line in sys.stdin: print(line.strip().upper(), flush=True)")
    await proc.start()
    assert await proc.send(b"hello\n")
    assert await proc.readline() == b"HELLO\n"
    await proc.close()


async def test_stderr_tail_and_exit_code_of_a_crash() -> None:
    proc = python("import sys; sys.stderr.write('x' * 10000 + 'the end'); sys.exit(3)")
    await proc.start()
    assert await proc.readline() == b""  # EOF
    assert await proc.join(5) == 3
    await proc.close()
    assert proc.stderr_tail.endswith("the end") and len(proc.stderr_tail) == 4096


async def test_send_to_a_dead_child_and_closing_twice_are_harmless() -> None:
    proc = python("pass")
    await proc.start()
    assert await proc.join(5) == 0
    await proc.close()
    await proc.close()
    assert not await proc.send(b"anyone?\n")
    proc.kill()  # the group is gone: no error


async def test_join_with_a_timeout_on_a_live_child() -> None:
    proc = python("import time; time.sleep(60)")
    await proc.start()
    assert await proc.join(0.05) is None
    await proc.close()


async def test_a_missing_interpreter_is_an_oserror() -> None:
    proc = WorkerProcess(["/nonexistent/python"], {})
    with pytest.raises(OSError):
        await proc.start()
    await proc.close()


async def test_close_a_child_whose_output_nobody_read() -> None:
    """Regression: on Python 3.11 wait() needs every pipe closed; a stdout reader paused
    on a full buffer never saw EOF, so closing a flooding worker hung forever."""
    proc = python("import sys, time\nsys.stdout.buffer.write(b'x\\n' * 25_000_000)\ntime.sleep(60)")
    await proc.start()
    assert await proc.readline() == b"x\n"  # output is flowing; nobody reads the rest
    reader = proc._proc.stdout  # type: ignore[union-attr]
    for _ in range(500):  # until the reader pauses on its full buffer (nothing to await)
        if reader._paused:  # type: ignore[union-attr]
            break
        await asyncio.sleep(0.01)
    assert reader._paused  # type: ignore[union-attr]
    await asyncio.wait_for(proc.close(), 5)
    assert proc.returncode == -9


def test_process_groups_are_supported_here() -> None:
    assert unsupported_reason() is None


@pytest.mark.parametrize("missing", ["killpg", "setsid"])
def test_without_process_groups_the_reason_says_where_to_run(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    """Windows has neither os.killpg nor os.setsid: say so before any run fails."""
    monkeypatch.delattr(process.os, missing)
    assert not hasattr(os, missing)
    reason = unsupported_reason()
    assert reason is not None and "POSIX process group" in reason
    assert "Windows" in reason and "WSL or Docker" in reason
