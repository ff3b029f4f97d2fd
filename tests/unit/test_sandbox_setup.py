"""The sandbox and the limits every worker runs under (``app/runs/sandbox.py``,
``app/runs/process.py``, ``app/worker/limits.py``), and who may run code without one
(``app/api/own_code.py``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.api.own_code import permission
from app.contract import OwnCode
from app.runs import process, sandbox
from app.settings import Settings

LIMITS = {"wall_time": 10.0, "max_events": 200_000, "max_threads": 64, "idle_time": 60.0}
needs_sandbox = pytest.mark.skipif(
    not sandbox.status().available and not os.environ.get("CI"),
    reason=f"no working sandbox here: {sandbox.status().reason}",
)


@pytest.fixture
def no_sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """bwrap is not on PATH, as on a machine without bubblewrap."""
    monkeypatch.setenv("PATH", "/nonexistent")
    sandbox.status.cache_clear()
    yield
    monkeypatch.undo()
    sandbox.status.cache_clear()


@pytest.mark.usefixtures("no_sandbox")
@pytest.mark.parametrize("own_code", [OwnCode.AUTO, OwnCode.LOCAL])
def test_without_a_sandbox_only_loopback_may_run_code(own_code: OwnCode) -> None:
    box = sandbox.status()
    assert not box.available and box.reason == "bubblewrap (bwrap) is not installed"
    settings = Settings(own_code=own_code)
    for host in ("192.168.1.20", "10.0.0.7", "172.17.0.1", "2001:db8::1", "testclient", None):
        refused = permission(host, settings)
        assert not refused.allowed and refused.reason and not refused.sandboxed, host
    for host in ("127.0.0.1", "127.0.0.53", "::1"):
        assert permission(host, settings).allowed, host
    if own_code == OwnCode.AUTO:
        assert "no working sandbox (bubblewrap (bwrap) is not installed)" in str(
            permission("192.168.1.20", settings).reason
        )


def limits_of(spec_limits: dict[str, Any], env: dict[str, str] | None = None) -> dict[str, Any]:
    """The limits a fresh interpreter has after ``limits.apply`` (never in this one)."""
    code = (
        "import json, resource, sys\n"
        "from app.worker import limits\n"
        "limits.apply(json.loads(sys.argv[1]))\n"
        "names = ['CPU', 'AS', 'FSIZE', 'NOFILE', 'CORE', 'NPROC']\n"
        "print(json.dumps({n: resource.getrlimit(getattr(resource, 'RLIMIT_' + n)) "
        "for n in names}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(spec_limits)],
        capture_output=True,
        check=True,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(process.ROOT)},
    )
    return {name: tuple(pair) for name, pair in json.loads(done.stdout).items()}


def test_the_limits_a_worker_sets_on_itself() -> None:
    mib = 1 << 20
    set_ = limits_of({**LIMITS, "wall_time": 20.0, "max_threads": 64})
    assert set_["CPU"] == (25, 30)  # the wall time's kill comes first
    assert set_["AS"] == ((1024 + 64 * 10) * mib,) * 2
    assert set_["FSIZE"] == (64 * mib,) * 2 and set_["NOFILE"] == (256, 256)
    assert set_["CORE"] == (0, 0)
    nproc = limits_of(LIMITS)["NPROC"]
    assert nproc != (128, 128)  # the uid may run more than this run: not counted
    assert limits_of(LIMITS, {"THREADLAB_SOLE_UID": "1"})["NPROC"] == (128, 128)


def test_the_worker_environment_keeps_the_servers_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "hunter2")
    monkeypatch.setenv("THREADLAB_TEST_MARK", "kept")
    env = process.worker_env()
    assert "AWS_SECRET_ACCESS_KEY" not in env and env["THREADLAB_TEST_MARK"] == "kept"
    assert env["PYTHONPATH"] == str(process.ROOT) and env["MALLOC_ARENA_MAX"] == "2"


def test_the_sandbox_shows_only_what_the_interpreter_needs(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "lib").mkdir(parents=True)
    readable = [str(venv), str(venv / "lib"), "/usr/local", str(tmp_path / "missing")]
    args = sandbox._bwrap("bwrap", readable, "/w/r", 7)
    binds = [args[i + 1] for i, arg in enumerate(args) if arg in ("--ro-bind", "--bind")]
    assert binds == [str(venv), "/w/r"]  # /usr/local is inside /usr, lib inside the venv
    made = [
        args[i + 3] for i, arg in enumerate(args) if args[i : i + 3] == ["--perms", "0755", "--dir"]
    ]
    assert made[0] == "/etc" and str(tmp_path) in made and made[-1] == "/w"
    assert "--unshare-net" in args and "--die-with-parent" in args and "--new-session" in args
    drop = args.index("--reuid=7")  # as root: a real unprivileged uid, before the program
    assert args[drop - 1].endswith("setpriv") and args[drop + 1 : drop + 7] == [
        "--regid=7",
        "--clear-groups",
        "--no-new-privs",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--",
    ]
    assert not any(arg.startswith(os.path.expanduser("~")) for arg in args if arg != "/")


async def run(source: str) -> tuple[process.WorkerProcess, list[dict[str, Any]]]:
    """``source`` in a confined worker to its ``done``: the (closed) process and the
    printed lines and messages."""
    worker = process.worker(sys.executable, "app.worker.runner")
    await worker.start()
    spec = {"source": source, "filename": "program.py", "params": {}, "mode": "free", "seed": 1}
    spec.update(policy="random", options={}, limits=LIMITS)
    assert await worker.send((json.dumps(spec) + "\n").encode())
    said: list[dict[str, Any]] = []
    while line := await worker.readline():
        item = json.loads(line)
        if item.get("kind") == "output" or "msg" in item:
            said.append(item)
        if item.get("msg") in ("done", "error"):
            break
    await worker.join(5)  # exits by itself: close() would kill it
    await worker.close()
    return worker, said


WHERE = """\
import os, threading

def main():
    print(os.getcwd(), os.listdir("."))
    go = threading.Event()
    def work():
        data = bytearray(1 << 20)  # a malloc arena's worth per thread, then wait
        go.wait(5)
    workers = [threading.Thread(target=work) for _ in range(63)]  # + main = max_threads
    for w in workers:
        w.start()
    go.set()
    for w in workers:
        w.join()
    print(len(workers), "threads")
"""


@pytest.mark.anyio
@pytest.mark.timeout(30)
@pytest.mark.parametrize("confinement", ["sandbox", "limits only"])
async def test_a_worker_gets_an_empty_directory_of_its_own_and_max_threads_still_start(
    confinement: str, request: pytest.FixtureRequest
) -> None:
    if confinement == "limits only":
        request.getfixturevalue("no_sandbox")
    elif not sandbox.status().available and not os.environ.get("CI"):
        pytest.skip(f"no working sandbox here: {sandbox.status().reason}")
    worker, said = await run(WHERE)
    assert worker.sandboxed == (confinement == "sandbox")
    texts = [item["detail"]["text"] for item in said if "detail" in item]
    where, listing = texts[0].split(" ", 1)
    assert listing == "[]" and where.startswith("/") and "threadlab-run-" in where
    assert texts[1] == "63 threads", said
    assert said[-1]["status"] == "finished"
    assert not os.path.exists(where) and worker.workdir is None  # removed after the run
    if os.geteuid() == 0:
        assert worker.uid is None  # given back


@needs_sandbox
@pytest.mark.anyio
@pytest.mark.timeout(30)
async def test_a_sandboxed_worker_killed_by_a_signal_says_so() -> None:
    worker, said = await run("import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n")
    assert worker.sandboxed and worker.returncode == -15  # not bwrap's 128 + 15
    assert [item.get("msg") for item in said] == ["ready"]
