"""Hostile programs (``tests/hostile/``) through the real API, with the sandbox on.

Each one ends with a clear status and message, leaves the server healthy and its data
untouched, and leaves no process behind.  The server runs as these machines run it (as
root in CI), with a short wall time.  Without bubblewrap a program could reach the
server (as root it could even kill it), so these tests need the sandbox: they are
skipped where it does not work, except in CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.runs import sandbox
from app.runs.process import ROOT
from tests.fakes.procs import wait_until
from tests.integration.conftest import STARTED, Server, serve

HOSTILE = Path(__file__).resolve().parents[1] / "hostile"
WALL_TIME = 4
MAX_EVENTS = 5000

pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(60),
    pytest.mark.skipif(
        not sandbox.status().available and not os.environ.get("CI"),
        reason=f"no working sandbox here: {sandbox.status().reason}",
    ),
]


@dataclass
class Box:
    server: Server
    data: Path  # the server's data dir
    home: Path  # the server's HOME, with a private key in it
    secret: bytes

    def run(self, name: str, **values: Any) -> dict[str, Any]:
        """Run tests/hostile/``name`` (its ``NAME = …`` lines set from ``values``) to its
        end; the run as ``GET /api/runs/{id}`` shows it, with its printed lines."""
        answer = self.post(program(name, **values))
        assert answer.status_code == 201, answer.text
        run = answer.json()
        STARTED.append((self.server, run))
        state = self.server.wait_ended(run["id"])
        frames = self.server.events(run["id"])
        state["printed"] = [f.json["detail"]["text"] for f in frames if '"output"' in f.data]
        return state

    def post(self, source: str) -> Any:
        return self.server.http.post("/api/runs", json={"source": source, "mode": "free"})

    def assert_unharmed(self) -> None:
        """The server answers, its data and home are as they were, no process is left."""
        assert self.server.proc.poll() is None, "the server died"
        assert self.server.http.get("/healthz").status_code == 200
        assert (self.home / ".ssh" / "id_rsa").read_bytes() == self.secret
        assert sorted(p.name for p in self.home.rglob("*")) == [".ssh", "id_rsa"]
        assert {p.name for p in self.data.iterdir()} <= {
            "recordings.sqlite3",
            "recordings.sqlite3-wal",
            "recordings.sqlite3-shm",
        }
        wait_until(lambda: not self.server.processes(), timeout=5, what="every worker to die")


def program(name: str, **values: Any) -> str:
    source = (HOSTILE / f"{name}.py").read_text()
    for constant, value in values.items():
        line = f"{constant} = {value!r}"
        source, found = re.subn(rf"^{constant} = .*$", line, source, count=1, flags=re.M)
        assert found, f"{name}.py has no {constant}"
    return source


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Box]:
    tmp = tmp_path_factory.mktemp("sandbox")
    home = tmp / "home"
    (home / ".ssh").mkdir(parents=True)
    secret = f"-----BEGIN PRIVATE KEY----- {uuid.uuid4()}".encode()
    (home / ".ssh" / "id_rsa").write_bytes(secret)
    env = {
        "HOME": str(home),
        "THREADLAB_WALL_TIME": str(WALL_TIME),
        "THREADLAB_MAX_EVENTS": str(MAX_EVENTS),
        "THREADLAB_OWN_CODE": "auto",
    }
    with serve(tmp, **env) as server:
        yield Box(server, tmp / "data", home, secret)


def test_the_sandbox_works_here() -> None:
    """In CI a missing or refused bwrap fails here first, with bwrap's reason."""
    assert sandbox.status().available, sandbox.status().reason


def test_reading_secrets_finds_nothing(box: Box) -> None:
    secrets = [
        str(box.home / ".ssh" / "id_rsa"),
        str(box.data / "recordings.sqlite3"),
        str(ROOT / "pyproject.toml"),
        "/root/.ssh/id_rsa",
        "/etc/shadow",
    ]
    state = box.run("read_secrets", SECRETS=secrets)
    assert state["status"] == "finished", state["message"]
    assert state["printed"] == [f"blocked {p}: FileNotFoundError" for p in secrets]
    box.assert_unharmed()


def test_writing_outside_the_working_directory_changes_nothing(box: Box) -> None:
    name = f"threadlab-was-here-{uuid.uuid4().hex}"
    targets = [str(ROOT / "app"), str(box.data), str(box.home), "/tmp", "/etc", "/"]
    source = program("write_outside", TARGETS=targets).replace("threadlab-was-here", name)
    answer = box.post(source)
    assert answer.status_code == 201, answer.text
    STARTED.append((box.server, answer.json()))
    state = box.server.wait_ended(answer.json()["id"])
    assert state["status"] == "finished", state["message"]
    for folder in targets:
        assert not (Path(folder) / name).exists(), folder
    box.assert_unharmed()


def test_no_socket_reaches_the_server_or_another_host(box: Box) -> None:
    port = int(box.server.url.rsplit(":", 1)[1])
    state = box.run("network", PORT=port)
    assert state["status"] == "finished", state["message"]
    assert len(state["printed"]) == 3
    assert all(line.startswith("blocked") for line in state["printed"]), state["printed"]
    box.assert_unharmed()


def test_killing_its_parent_harms_nobody(box: Box) -> None:
    state = box.run("kill_parent")
    # As an unprivileged uid it may not signal bwrap (root); in a user namespace it may,
    # but the namespace's init ignores it.
    assert state["status"] in ("failed", "finished"), state
    if state["status"] == "failed":
        assert "PermissionError" in state["message"]
    box.assert_unharmed()


def test_a_fork_bomb_is_stopped_by_its_memory_or_its_wall_time(box: Box) -> None:
    state = box.run("fork_bomb")
    # Its copies' resident memory, summed, usually passes the run's budget first (the
    # supervisor watches the tree); on a slow machine the wall time comes first.
    if state["status"] == "failed":
        assert "stopped at its memory limit" in state["message"], state
    else:
        assert state["status"] == "timed_out", state
        assert f"wall-time limit of {WALL_TIME} s" in state["message"]
    box.assert_unharmed()


def test_a_thread_bomb_runs_out_of_threads(box: Box) -> None:
    state = box.run("thread_bomb")
    assert state["status"] == "failed"
    assert "can't start new thread" in state["message"]
    box.assert_unharmed()


def test_ten_gigabytes_is_a_memory_error(box: Box) -> None:
    state = box.run("allocate")
    assert state["status"] == "failed"
    assert "MemoryError" in state["message"]
    box.assert_unharmed()


def test_printing_for_ever_stops_at_the_event_limit(box: Box) -> None:
    state = box.run("print_forever")
    assert state["status"] == "failed"
    assert f"after {MAX_EVENTS:,} events (the event limit)" in state["message"]
    box.assert_unharmed()


def test_eight_spinning_threads_are_stopped_at_the_wall_time(box: Box) -> None:
    state = box.run("spin")
    assert state["status"] == "timed_out"
    assert f"wall-time limit of {WALL_TIME} s" in state["message"]
    box.assert_unharmed()


def test_writing_to_address_zero_kills_only_the_worker(box: Box) -> None:
    state = box.run("null_write")
    assert state["status"] == "failed"
    assert "killed by SIGSEGV" in state["message"]
    box.assert_unharmed()


def test_recursing_without_a_limit_fails_the_run(box: Box) -> None:
    state = box.run("deep_recursion")
    # Traced calls are slow: the wall time may come before the memory runs out.
    if state["status"] == "failed":
        assert re.search(r"RecursionError|MemoryError|SIGSEGV", state["message"]), state
    else:
        assert state["status"] == "timed_out", state
    box.assert_unharmed()


def test_forged_lines_fail_only_the_forging_run(box: Box) -> None:
    # Another run meanwhile, under the event limit.
    beside = box.server.start("race", params={"iterations": 100}, mode="controlled", seed=1)
    state = box.run("forge_lines")
    assert state["status"] == "failed"
    assert "all good" not in state["message"] and state["python"] != "9.9"
    assert box.server.wait_ended(beside["id"])["status"] == "finished"
    box.assert_unharmed()


def test_a_deeply_nested_expression_is_refused_by_a_worker(box: Box) -> None:
    source = program("nested_expression") + "x = 1" + "+1" * 32_000 + "\n"
    assert len(source.encode()) <= 64 * 1024
    answer = box.post(source)
    assert answer.status_code == 422, answer.text
    assert "nested too deeply" in answer.json()["detail"]
    box.assert_unharmed()
