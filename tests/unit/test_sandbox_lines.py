"""The worker's lines are untrusted: the program shares the worker's process and can
write forged lines to its pipe.  Each forgery fails (or leaves alone) only its own run;
the server decides the status, and what reaches a viewer is valid JSON in one SSE frame.

The supervisor is driven by a scripted stand-in for the worker process (no child)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from app.contract import Mode, Policy, Status
from app.instrument.events import encode, make
from app.runs import supervisor
from app.runs.run import Run
from app.runs.supervisor import FORGED_DONE, Outcome, Supervisor
from app.runs.worker_lines import MESSAGE_CHARS

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(10)]

LIMITS = {"wall_time": 5.0, "max_events": 100, "max_threads": 8, "idle_time": 60.0}


class Scripted:
    """A worker that writes ``lines``, then exits — or keeps running (``hangs``)."""

    stderr_tail = ""

    def __init__(self, lines: list[bytes], hangs: bool = False) -> None:
        self.argv = ["scripted-worker"]
        self.lines, self.hangs = list(lines), hangs
        self.returncode: int | None = None
        self.sent: list[bytes] = []

    async def start(self) -> None:
        pass

    async def send(self, data: bytes) -> bool:
        self.sent.append(data)
        return True

    async def readline(self) -> bytes:
        if self.lines:
            return self.lines.pop(0)
        if self.hangs:
            await asyncio.Event().wait()  # until the supervisor's deadline cancels it
        self.returncode = 0
        return b""

    async def join(self, timeout: float | None = None) -> int | None:
        return self.returncode

    async def close(self) -> None:
        pass

    def kill(self) -> None:
        pass


def event(seq: int = 1, t: float = 0.0, **fields: Any) -> bytes:
    return (
        encode({**make(seq, t, "start", thread="T1", state="Running"), **fields}) + "\n"
    ).encode()


def message(msg: str, **fields: Any) -> bytes:
    return (json.dumps({"msg": msg, **fields}) + "\n").encode()


DONE = message("done", status="finished", message=None, python="3.11.7", facts={})


def new_run(mode: Mode = Mode.FREE, policy: Policy = Policy.RANDOM) -> Run:
    return Run("race", {}, mode, 1, policy, {})


async def supervise(lines: list[bytes], run: Run | None = None, hangs: bool = False) -> Outcome:
    run = run or new_run()
    spec: Any = {"limits": LIMITS, "mode": run.mode, "policy": run.policy}
    return await Supervisor(run, Scripted(lines, hangs), spec).supervise()


async def test_a_well_behaved_worker_decides_its_status() -> None:
    run = new_run()
    lines = [message("ready", python="3.11.7"), event(), DONE]
    assert await supervise(lines, run) == Outcome(Status.FINISHED)
    assert len(run.log) == 1 and run.python == "3.11.7"


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (
            b'{"seq":1,"t":NaN,"kind":"start","thread":null,"state":null,"obj":null,"line":null,'
            b'"detail":{}}\n',
            "not JSON",
        ),
        (event(detail={"x": 1}).replace(b'"x":1', b'"x":Infinity'), "not JSON"),
        (event(t=1.0).replace(b'"t":1.0', b'"t":1e999'), "not JSON"),
        (event(seq=True), "numbers, not true or false"),
        (event(line=False), "numbers, not true or false"),
        (event(detail={"x": json.loads("[" * 40 + "]" * 40)}), "nested more than 32"),
        (b"[" * 100_000 + b"]" * 100_000 + b"\n", "not JSON"),  # past json's own depth
        (event(thread="T1").replace(b'"T1"', b'"\\ud800"'), "lone surrogate"),
        (b'{"seq":1,"t":0,"kind":"start"}\n', "missing field"),
        (event(kind="end"), "only the run manager ends a run"),
        (event(seq=2), "expected seq 1"),
        (b"\xff\xfe{}\n", "not JSON"),
        (b'"just a string"\n', "not a message"),
    ],
)
async def test_a_forged_event_fails_only_its_own_run(line: bytes, words: str) -> None:
    outcome = await supervise([message("ready", python="3.11.7"), line, DONE])
    assert outcome.status == Status.FAILED
    assert outcome.message is not None and words in outcome.message, outcome.message


async def test_a_carriage_return_between_tokens_never_reaches_a_frame() -> None:
    # JSON allows \r as whitespace; an SSE client would end the data line there.
    run = new_run()
    line = event().replace(b'"kind":', b'\r"kind":')
    assert (await supervise([line, DONE], run)).status == Status.FINISHED
    assert b"\r" not in run.log.frames[0]


async def test_a_forged_done_does_not_end_a_program_that_keeps_running(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(supervisor, "EXIT_GRACE", 0.05)
    outcome = await supervise([event(), DONE], hangs=True)
    assert outcome == Outcome(Status.FAILED, FORGED_DONE)


async def test_a_forged_done_does_not_override_a_timeout() -> None:
    limits = {**LIMITS, "wall_time": 0.1}
    run = new_run()
    process = Scripted([event()], hangs=True)
    outcome = await Supervisor(run, process, {"limits": limits}).supervise()
    assert outcome.status == Status.TIMED_OUT
    # A done that arrives as the deadline passes decides nothing either.
    process = Scripted([event(), DONE], hangs=True)
    outcome = await Supervisor(new_run(), process, {"limits": limits}).supervise()
    assert outcome.status == Status.FAILED and outcome.message == FORGED_DONE


async def test_a_forged_done_does_not_override_a_cancel() -> None:
    process = Scripted([event(), DONE], hangs=True)
    watch = Supervisor(new_run(), process, {"limits": LIMITS})
    watch.request_stop("cancel", 0.1)
    assert await watch.supervise() == Outcome(Status.CANCELLED, "The run was cancelled.")


async def test_nobody_cancelled_a_run_that_says_it_was() -> None:
    cancelled = message("done", status="cancelled", message="The run was cancelled.")
    outcome = await supervise([cancelled])
    assert outcome.status == Status.FAILED and "nobody cancelled it" in (outcome.message or "")


@pytest.mark.parametrize("status", ["timed_out", "interrupted", "queued", None, ["finished"]])
async def test_a_worker_cannot_claim_a_status_only_the_server_decides(status: Any) -> None:
    outcome = await supervise([message("done", status=status)])
    assert outcome.status == Status.FAILED and "unknown status" in (outcome.message or "")


async def test_nothing_counts_after_done() -> None:
    outcome = await supervise([DONE, DONE])
    assert outcome.status == Status.FAILED and "after its last message" in (outcome.message or "")


async def test_waiting_is_believed_only_from_a_manual_run() -> None:
    waiting = message("waiting", runnable=["T1", "T2"], step=3)
    outcome = await supervise([waiting, DONE])  # a free run: the scheduler never waits
    assert outcome.status == Status.FAILED and "bad 'waiting'" in (outcome.message or "")
    run = new_run(Mode.CONTROLLED, Policy.MANUAL)
    too_many = message("waiting", runnable=[f"T{i}" for i in range(LIMITS["max_threads"] + 1)])
    outcome = await supervise([too_many, DONE], run)
    assert outcome.status == Status.FAILED
    long_name = message("waiting", runnable=["T" * 201])
    assert (await supervise([long_name, DONE], run)).status == Status.FAILED


async def test_strings_a_worker_sends_are_bounded_and_encodable() -> None:
    run = new_run(Mode.CONTROLLED)
    done = message(
        "done",
        status="failed",
        message="x" * 100_000 + "\ud800",
        python="3" * 1000,
        facts={"schedule": ["T1"] * 100 + ["\ud800"], "steps": True},
    )
    outcome = await supervise([done], run)
    assert outcome.status == Status.FAILED
    assert outcome.message is not None and len(outcome.message) == MESSAGE_CHARS
    outcome.message.encode()  # no lone surrogate left
    assert run.python is not None and len(run.python) == 40
    assert run.schedule is None and run.steps is None  # not believed
    run = new_run()
    error = message("error", message="e\ud800" * 100_000)
    assert (await supervise([error], run)).status == Status.FAILED
    assert run.message is not None and len(run.message) == MESSAGE_CHARS
    run.message.encode()


async def test_a_flood_of_lines_or_bytes_fails_the_run() -> None:
    outcome = await supervise([b"\n"] * 1000)
    assert outcome.status == Status.FAILED and "far more than a run may" in (outcome.message or "")
    big = message("ready", python="3.11.7", padding="x" * 500_000)
    outcome = await supervise([big] * 200)  # 100 MiB, where 100 events may take ~1 MiB
    assert outcome.status == Status.FAILED and "far more than a run may" in (outcome.message or "")
