"""The consistency checker (``history.check``) on hand-made bad logs and on real ones, and
the wait-for cycle description of a deadlock (``waitfor.describe``)."""

from __future__ import annotations

from typing import Any

import pytest

from app.analysis import conclude
from app.analysis.history import check, replay
from app.analysis.waitfor import describe, find_cycle
from app.contract import Status
from app.instrument.events import Event, make
from app.worker.program import load_source
from tests.unit.conftest import traced_run


class Log:
    """A hand-made log: seq and t filled in, every thread created/started/running."""

    def __init__(self, *threads: str) -> None:
        self.events: list[Event] = []
        for name in threads:
            self.add("create", name, "New")
            self.add("start", name, "Runnable")
            self.add("run", name, "Running")

    def add(
        self,
        kind: str,
        thread: str | None,
        state: str | None = "Running",
        obj: str | None = None,
        **detail: Any,
    ) -> Log:
        seq = len(self.events) + 1
        self.events.append(make(seq, seq / 100, kind, thread, state, obj, 1, detail))
        return self

    def declare(self, obj: str, type_: str, value: Any = None) -> Log:
        detail: dict[str, Any] = {"type": type_}
        if value is not None:
            detail["value"] = value
        return self.add("declare", "T1", "Running", obj, **detail)


def problems(log: Log) -> list[str]:
    return check(log.events)


def test_a_good_log_has_no_problem() -> None:
    log = Log("T1", "T2").declare("L", "Lock").declare("S", "Semaphore", 2)
    log.add("acquire", "T1", obj="L").add("release", "T1", obj="L")
    log.add("acquire", "T2", obj="L").add("release", "T2", obj="L")
    log.add("acquire", "T1", obj="S", value=1).add("acquire", "T2", obj="S", value=0)
    log.add("release", "T1", obj="S", value=1).add("release", "T2", obj="S", value=2)
    log.add("block", "T1", "Blocked", "L", reason="acquire", timeout=None)
    log.add("wake", "T1", "Runnable", "L").add("run", "T1", "Running")
    log.add("exit", "T1", "Dead").add("exit", "T2", "Dead")
    assert problems(log) == []


def test_two_owners_of_a_lock() -> None:
    log = Log("T1", "T2").declare("L", "Lock")
    log.add("acquire", "T1", obj="L").add("acquire", "T2", obj="L")
    assert problems(log) == ["seq 9: T2 acquired L while T1 holds it"]


def test_a_lock_acquired_twice_by_its_owner() -> None:
    log = Log("T1").declare("L", "Lock")
    log.add("acquire", "T1", obj="L").add("acquire", "T1", obj="L")
    assert problems(log) == ["seq 6: T1 acquired L again while holding it"]


def test_two_owners_of_an_rlock_and_a_wrong_depth() -> None:
    log = Log("T1", "T2").declare("R", "RLock")
    log.add("acquire", "T1", obj="R", depth=1).add("acquire", "T1", obj="R", depth=2)
    log.add("acquire", "T2", obj="R", depth=1)
    assert problems(log) == ["seq 10: T2 acquired R while T1 holds it"]
    log = Log("T1").declare("R", "RLock")
    log.add("acquire", "T1", obj="R", depth=1).add("acquire", "T1", obj="R", depth=3)
    assert problems(log) == ["seq 6: T1 acquired R at depth 3"]
    # Condition.wait gives an RLock up entirely and takes it back at its old depth.
    log = Log("T1").declare("R", "RLock")
    log.add("acquire", "T1", obj="R", depth=1).add("acquire", "T1", obj="R", depth=2)
    log.add("release", "T1", obj="R", depth=0, released=2)
    log.add("acquire", "T1", obj="R", depth=2)
    assert problems(log) == []


def test_releases_of_what_is_not_held() -> None:
    log = Log("T1", "T2").declare("L", "Lock").declare("R", "RLock")
    log.add("release", "T1", obj="L")
    log.add("acquire", "T1", obj="R", depth=1).add("release", "T2", obj="R", depth=0)
    found = problems(log)
    assert found[0] == "seq 9: T1 released L, which nobody holds"
    assert found[1] == "seq 11: T2 released R it does not hold"


def test_a_lock_released_by_another_thread_is_legal() -> None:
    log = Log("T1", "T2").declare("L", "Lock")
    log.add("acquire", "T1", obj="L").add("release", "T2", obj="L")
    log.add("acquire", "T2", obj="L")
    assert problems(log) == []


def test_semaphore_over_holding() -> None:
    # Values that admit it: the permit count goes negative.
    log = Log("T1", "T2").declare("S", "Semaphore", 1)
    log.add("acquire", "T1", obj="S", value=0).add("acquire", "T2", obj="S", value=-1)
    assert "seq 9: T2 acquired S with no permit left" in problems(log)
    # Values that lie: both say 0 left; replay counts the permits itself.
    log = Log("T1", "T2").declare("S", "Semaphore", 1)
    log.add("acquire", "T1", obj="S", value=0).add("acquire", "T2", obj="S", value=0)
    assert problems(log)[0] == "seq 9: T2 acquired S with no permit left"
    # Without values at all.
    log = Log("T1", "T2").declare("S", "BoundedSemaphore", 1)
    log.add("acquire", "T1", obj="S").add("acquire", "T2", obj="S")
    assert problems(log) == ["seq 9: T2 acquired S with no permit left"]


def test_semaphore_releases() -> None:
    log = Log("T1").declare("B", "BoundedSemaphore", 1)
    log.add("release", "T1", obj="B", value=2)
    assert problems(log) == ["seq 5: B released above its value 1"]
    log = Log("T1").declare("S", "Semaphore", 0)
    log.add("release", "T1", obj="S", value=1).add("acquire", "T1", obj="S", value=0)
    assert problems(log) == []  # a Semaphore(0) used as a signal
    log = Log("T1").declare("S", "Semaphore", 1)
    log.add("release", "T1", obj="S", value=1)
    assert problems(log) == ["seq 5: S released to 1 from 1"]


def test_leaving_dead() -> None:
    log = Log("T1").add("exit", "T1", "Dead").add("run", "T1", "Running")
    assert problems(log) == ["seq 5: T1 went from Dead to Running"]


@pytest.mark.parametrize(
    ("states", "bad"),
    [
        (["New", "Running"], "New to Running"),  # never started
        (["New", "Runnable", "Blocked"], "Runnable to Blocked"),  # blocked without running
        (["New", "Runnable", "Running", "Blocked", "Running"], "Blocked to Running"),
        (["Runnable"], "None to Runnable"),  # never created
    ],
)
def test_illegal_transitions(states: list[str], bad: str) -> None:
    log = Log()
    for state in states:
        log.add("run", "T1", state)
    assert problems(log) == [f"seq {len(states)}: T1 went from {bad}"]


def test_every_legal_transition_passes() -> None:
    log = Log("T1").add("preempt", "T1", "Runnable").add("run", "T1", "Running")
    log.add("block", "T1", "Blocked", reason="sleep").add("exit", "T1", "Dead")
    log.add("create", "T2", "New").add("exit", "T2", "Dead")  # never started
    log.add("create", "T3", "New").add("start", "T3", "Runnable").add("exit", "T3", "Dead")
    assert problems(log) == []


def test_only_a_running_thread_acts_on_a_resource() -> None:
    log = Log("T1").declare("L", "Lock")
    log.add("block", "T1", "Blocked", "L", reason="acquire", timeout=None)
    log.add("acquire", "T1", "Blocked", "L")  # the hook never woke it
    log.add("wake", "T1", "Runnable", "L").add("release", "T1", "Runnable", "L")
    assert problems(log) == [
        "seq 6: T1 did acquire while Blocked",
        "seq 8: T1 did release while Runnable",
    ]


def test_seq_gaps_and_repeats() -> None:
    log = Log("T1")
    log.events[1]["seq"] = 3
    log.events[2]["seq"] = 3
    assert problems(log) == ["seq 3: seq 3 follows 1", "seq 3: seq 3 follows 3"]
    log = Log("T1")
    log.events[0]["seq"] = 0
    assert problems(log)[0] == "seq 0: seq 0 follows 0"


def test_t_going_back() -> None:
    log = Log("T1")
    log.events[2]["t"] = 0.005
    assert problems(log) == ["seq 3: t went back from 0.02 to 0.005"]


def test_a_read_not_matching_the_last_write() -> None:
    log = Log("T1", "T2").declare("x", "Shared", 0)
    log.add("read", "T1", obj="x", value=0).add("write", "T2", obj="x", value=5)
    log.add("read", "T1", obj="x", value=0)
    assert problems(log) == ["seq 10: T1 read x=0 but the last write was 5"]


def test_replay_state() -> None:
    log = Log("T1", "T2").declare("L", "Lock").declare("S", "Semaphore", 3)
    log.add("acquire", "T1", obj="L").add("acquire", "T2", obj="S", value=2)
    log.add("exit", "T2", "Dead", error="ValueError: x")
    history = replay(log.events)
    assert history.holders_of("L") == ["T1"] and history.holders_of("S") == ["T2"]
    assert history.resources["S"].permits == 2
    assert history.threads["T2"].state == "Dead"
    assert history.errors == {"T2": "ValueError: x"}
    assert history.last_seq == len(log.events)


# --- real logs ------------------------------------------------------------------------


EVERY_PRIMITIVE = """
import queue
import threading

L = threading.Lock()
R = threading.RLock()
C = threading.Condition()
S = threading.BoundedSemaphore(2)
Q = queue.Queue(2)
total = 0


def worker():
    global total
    for i in range(30):
        with S, L:
            total += 1
        with R, R:
            Q.put(i)
        with C:
            C.notify_all()
            C.wait(0.001)


def consumer():
    for _ in range(90):
        Q.get()


def main():
    threads = [threading.Thread(target=worker, name=f"W{n}") for n in range(3)]
    threads.append(threading.Thread(target=consumer, name="consumer"))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
"""


def test_a_real_log_of_every_primitive_is_consistent() -> None:
    program = load_source(EVERY_PRIMITIVE, "/threadlab-test/every_primitive.py")
    with traced_run() as run:
        program()
    events = run.events()
    assert check(events) == []
    history = replay(events)
    assert history.resources["total"].value == 90
    assert history.max_holders["L"] == 1 and history.max_holders["S"] <= 2
    names = ["W0", "W1", "W2", "consumer"]
    assert {history.threads[name].state for name in names} == {"Dead"}


# --- the deadlock description --------------------------------------------------------


def test_describe_the_wait_for_cycle_of_a_deadlock() -> None:
    log = Log("T1", "T2").declare("A", "Lock").declare("B", "Lock")
    log.add("acquire", "T1", obj="A").add("acquire", "T2", obj="B")
    log.add("block", "T1", "Blocked", "B", reason="acquire", timeout=None)
    log.add("block", "T2", "Blocked", "A", reason="acquire", timeout=None)
    history = replay(log.events)
    assert check(log.events) == []
    assert find_cycle(history) == ["T1", "T2"]
    detail = describe(history)
    assert detail["threads"] == ["T1", "T2"]
    assert detail["cycle"] == [
        {"thread": "T1", "holds": ["A"], "waits_for": "B", "reason": "acquire"},
        {"thread": "T2", "holds": ["B"], "waits_for": "A", "reason": "acquire"},
    ]
    assert detail["text"] == (
        "T1 holds A and waits for B; T2 holds B and waits for A. "
        "Each waits for the next: none can go on."
    )


def test_describe_a_join_cycle_and_a_stall_without_cycle() -> None:
    log = Log("MainThread", "T1").declare("L", "Lock")
    log.add("acquire", "MainThread", obj="L")
    log.add("block", "MainThread", "Blocked", "T1", reason="join", timeout=None)
    log.add("block", "T1", "Blocked", "L", reason="acquire", timeout=None)
    detail = describe(replay(log.events))
    assert detail["threads"] == ["MainThread", "T1"]
    assert detail["text"] == (
        "MainThread holds L and waits to join T1; T1 waits for L. "
        "Each waits for the next: none can go on."
    )
    log = Log("T1").declare("E", "Event")
    log.add("block", "T1", "Blocked", "E", reason="wait", timeout=None)
    detail = describe(replay(log.events))
    assert detail["threads"] == ["T1"]
    assert detail["text"] == "T1 waits for E. Nothing left running can wake them."
    assert describe(replay(Log("T1").events))["text"] == "No thread is blocked."


def test_a_deadlock_without_a_verdict_of_its_own_is_summed_up_in_one_sentence() -> None:
    log = Log("T1", "T2").declare("A", "Lock").declare("B", "Lock")
    log.add("acquire", "T1", obj="A").add("acquire", "T2", obj="B")
    log.add("block", "T1", "Blocked", "B", reason="acquire", timeout=None)
    log.add("block", "T2", "Blocked", "A", reason="acquire", timeout=None)
    verdict = conclude("no-such-scenario", {}, log.events, Status.DEADLOCKED).verdict
    assert verdict["summary"] == "Deadlock: T1 holds A and waits for B; T2 holds B and waits for A."
    assert verdict["facts"]["details"] == ["Each waits for the next: none can go on."]
    assert verdict["facts"]["cycle"] == ["T1", "T2"]
