"""The verdict of a user's own program (scenario id ``OWN_CODE``): plain threading
programs run in controlled mode, judged from their logs alone — failures with their
lines, lost updates, data races (lockset) on runs that lost nothing, lock-order
inversions on runs that did not deadlock, a deadlock's cycle, and nothing at all for a
clean program."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.analysis import conclude
from app.analysis.failures import program_frame
from app.analysis.goals import reached
from app.analysis.history import check
from app.contract import OWN_CODE, Goal, Status
from app.instrument.events import Event
from app.worker.program import load_source
from app.worker.trial import TrialResult, run_controlled

RACY = """\
import threading

counter = 0


def work():
    global counter
    for _ in range(1000):
        counter += 1


def main():
    threads = [threading.Thread(target=work, name=f"T{i + 1}") for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(counter)
    assert counter == 2000
"""

LOCKED = RACY.replace("counter = 0\n", "counter = 0\nlock = threading.Lock()\n").replace(
    "        counter += 1", "        with lock:\n            counter += 1"
)

HALF_LOCKED = """\
import threading

total = 0
lock = threading.Lock()


def careful():
    global total
    with lock:
        total += 1


def careless():
    global total
    total += 1


def main():
    a = threading.Thread(target=careful, name="A")
    b = threading.Thread(target=careless, name="B")
    a.start()
    b.start()
    a.join()
    b.join()
"""

INVERSION = """\
import threading

a = threading.Lock()
b = threading.Lock()


def forward():
    with a:
        with b:
            pass


def backward():
    with b:
        with a:
            pass


def main():
    t1 = threading.Thread(target=forward, name="T1")
    t2 = threading.Thread(target=backward, name="T2")
    t1.start()
    t2.start()
    t1.join()
    t2.join()
"""

# Each thread holds its first lock before either takes its second: always a deadlock.
DEADLOCK = """\
import threading

a = threading.Lock()
b = threading.Lock()
both = threading.Barrier(2)


def forward():
    with a:
        both.wait()
        with b:
            pass


def backward():
    with b:
        both.wait()
        with a:
            pass


def main():
    t1 = threading.Thread(target=forward, name="T1")
    t2 = threading.Thread(target=backward, name="T2")
    t1.start()
    t2.start()
    t1.join()
    t2.join()
"""

CRASH = """\
import threading

never = threading.Event()


def lookup(table):
    return table["missing"]


def work():
    lookup({})


def main():
    threading.Thread(target=never.wait, name="D", daemon=True).start()
    worker = threading.Thread(target=work, name="W")
    worker.start()
    worker.join()
    print("main goes on")
"""

# A producer, a consumer, a queue, an event, and a lock around the shared count: the
# data is handed over, never raced for.
CLEAN = """\
import threading
import queue

jobs = queue.Queue()
results = []
count = 0
lock = threading.Lock()
finished = threading.Event()


def producer():
    for i in range(5):
        jobs.put(i)
    jobs.put(None)


def consumer():
    global count
    while True:
        item = jobs.get()
        if item is None:
            break
        results.append(item * 2)
        with lock:
            count += 1
    finished.set()


def main():
    threads = [
        threading.Thread(target=producer, name="P"),
        threading.Thread(target=consumer, name="C"),
    ]
    for t in threads:
        t.start()
    finished.wait()
    with lock:
        print(count, sum(results))
    for t in threads:
        t.join()
"""


def line_of(source: str, text: str) -> int:
    """The number of the one line of ``source`` that contains ``text``."""
    found = [n for n, line in enumerate(source.splitlines(), 1) if text in line]
    assert len(found) == 1, (text, found)
    return found[0]


def run(source: str, seed: int = 1, policy: str = "random", **options: Any) -> TrialResult:
    result = run_controlled(load_source(source, "<pasted>"), {}, seed, policy, options)
    assert check(result.events) == []
    return result


def run_sequentially(source: str) -> TrialResult:
    """A run where each thread runs until it ends or blocks (PCT of depth 1): nothing is
    lost, nothing deadlocks unless it must."""
    return run(source, 1, "pct", depth=1)


def judge(result: TrialResult) -> dict[str, Any]:
    verdict = conclude(OWN_CODE, {}, result.events, result.status).verdict
    json.dumps(verdict)  # JSON-able, whatever the run did
    return verdict


def printed(events: list[Event]) -> list[str]:
    return [e["detail"]["text"] for e in events if e["kind"] == "output"]


@pytest.mark.timeout(60)
def test_a_race_is_named_though_the_run_lost_nothing() -> None:
    result = run_sequentially(RACY)
    assert result.status == Status.FINISHED, result.message
    assert printed(result.events) == ["2000"]
    verdict = judge(result)
    facts = verdict["facts"]
    assert facts["lost"] == 0 and facts["errors"] == {} and facts["failures"] == []
    (race,) = facts["races"]
    assert race["variable"] == "counter" and race["writers"] == ["T1", "T2"]
    assert verdict["summary"] == (
        "counter is written by T1 and T2 with no lock held in common: a data race, "
        "though this run lost nothing."
    )
    assert facts["ok"] is False
    assert not reached(Goal.ANY_FAILURE, result.status, verdict)  # a risk, not a failure


@pytest.mark.timeout(60)
@pytest.mark.parametrize("seed", [1, 2])
def test_lost_updates_are_counted_exactly(seed: int) -> None:
    result = run(RACY, seed)
    (final,) = printed(result.events)
    verdict = judge(result)
    facts = verdict["facts"]
    assert facts["lost"] == 2000 - int(final) > 0
    (lost,) = facts["lost_updates"]
    assert lost["variable"] == "counter" and lost["lost"] == facts["lost"]
    example = lost["example"]
    assert {example["thread"], example["overwritten"]} == {"T1", "T2"}
    # The failed assert is the summary; the lost updates that made it fail come right under.
    assert verdict["summary"].startswith("assert counter == 2000 failed on line ")
    assert facts["details"][0].startswith(f"{facts['lost']:,} updates of counter lost: ")
    assert reached(Goal.LOST_UPDATE, result.status, verdict)
    assert facts["races"][0]["variable"] == "counter"


@pytest.mark.timeout(60)
def test_a_failed_assert_is_named_with_its_line() -> None:
    result = run(RACY, 1)
    assert result.status == Status.FAILED
    assert result.message == "The program raised AssertionError: "
    (final,) = printed(result.events)
    verdict = judge(result)
    facts = verdict["facts"]
    line = line_of(RACY, "assert counter")
    assert verdict["summary"].startswith(
        f"assert counter == 2000 failed on line {line} (counter was {final})."
    )
    assert facts["errors"] == {"MainThread": "AssertionError"}
    assert facts["failures"] == [
        {
            "thread": "MainThread",
            "error": "AssertionError",
            "line": line,
            "code": "assert counter == 2000",
            "values": {"counter": int(final)},
        }
    ]
    assert facts["fates"]["MainThread"] == {"fate": "died", "error": "AssertionError", "line": line}
    assert reached(Goal.ANY_FAILURE, result.status, verdict)


@pytest.mark.timeout(60)
def test_an_exception_in_a_thread_is_named_with_its_line() -> None:
    result = run(CRASH)
    assert result.status == Status.FINISHED
    verdict = judge(result)
    facts = verdict["facts"]
    line = line_of(CRASH, 'table["missing"]')  # the innermost line of the program
    assert verdict["summary"] == f"W died of KeyError: 'missing' on line {line}."
    assert facts["errors"] == {"W": "KeyError: 'missing'"}
    (failure,) = facts["failures"]
    assert failure["line"] == line and failure["code"] == 'return table["missing"]'
    assert facts["fates"] == {
        "MainThread": {"fate": "completed"},
        "D": {"fate": "cut_off", "daemon": True},  # a daemon thread ended at exit
        "W": {"fate": "died", "error": "KeyError: 'missing'", "line": line},
    }
    assert reached(Goal.ANY_FAILURE, result.status, verdict)


@pytest.mark.timeout(60)
def test_the_locked_counter_has_no_race() -> None:
    for seed in (1, 2):
        result = run(LOCKED, seed)
        assert result.status == Status.FINISHED, result.message
        facts = judge(result)["facts"]
        assert facts["races"] == [] and facts["unguarded_reads"] == []
        assert facts["lost"] == 0 and facts["ok"] is True
        (held, *_) = facts["held_longest"]
        assert held["lock"] == "lock" and held["holder"] in ("T1", "T2")


@pytest.mark.timeout(60)
def test_a_race_names_the_locks_each_side_held() -> None:
    result = run_sequentially(HALF_LOCKED)
    verdict = judge(result)
    (race,) = verdict["facts"]["races"]
    assert race["variable"] == "total" and race["writers"] == ["A", "B"]
    held = {side["thread"]: side["held"] for side in race["example"]}
    assert held == {"A": ["lock"], "B": []}
    assert verdict["summary"] == (
        "total is written by A and B with no lock held in common: a data race "
        "(A held lock, B held none), though this run lost nothing."
    )


@pytest.mark.timeout(60)
def test_an_inversion_is_named_though_the_run_did_not_deadlock() -> None:
    result = run_sequentially(INVERSION)
    assert result.status == Status.FINISHED, result.message
    verdict = judge(result)
    facts = verdict["facts"]
    (inversion,) = facts["inversions"]
    assert inversion["threads"] == ["T1", "T2"] and inversion["locks"] == ["a", "b"]
    lines = INVERSION.splitlines()
    a_then_b = lines.index("        with b:") + 1  # forward's inner lock
    b_then_a = lines.index("        with a:") + 1  # backward's inner lock
    assert verdict["summary"] == (
        f"T1 takes a then b on line {a_then_b}, T2 takes b then a on line {b_then_a}: a "
        "possible deadlock, though this run did not deadlock."
    )
    assert not reached(Goal.DEADLOCK, result.status, verdict)


@pytest.mark.timeout(60)
def test_locks_taken_in_one_order_or_under_a_gate_are_no_inversion() -> None:
    ordered = INVERSION.replace("    with b:\n        with a:", "    with a:\n        with b:")
    gated = (
        INVERSION.replace(
            "b = threading.Lock()\n", "b = threading.Lock()\ngate = threading.Lock()\n"
        )
        .replace("    with a:\n        with b:", "    with gate, a:\n        with b:")
        .replace("    with b:\n        with a:", "    with gate, b:\n        with a:")
    )
    # Taken in both orders, but one thread's taking is over before the other starts.
    joined = INVERSION.replace("    t2.start()\n    t1.join()", "    t1.join()\n    t2.start()")
    for source in (ordered, gated, joined):
        result = run_sequentially(source)
        facts = judge(result)["facts"]
        assert facts["inversions"] == [] and facts["ok"] is True, source


@pytest.mark.timeout(60)
def test_a_deadlock_is_named_with_its_cycle() -> None:
    result = run(DEADLOCK)
    assert result.status == Status.DEADLOCKED
    verdict = judge(result)
    facts = verdict["facts"]
    assert facts["cycle"] == ["T1", "T2"]
    assert verdict["summary"] == (
        "Deadlock: T1 holds a and waits for b; T2 holds b and waits for a. Each waits for "
        "the next: none can go on."
    )
    assert facts["fates"]["T1"] == {"fate": "blocked", "waiting_for": "b", "reason": "acquire"}
    assert facts["fates"]["MainThread"]["fate"] == "blocked"
    assert facts["inversions"][0]["locks"] == ["a", "b"]  # the same story: not told twice
    assert reached(Goal.DEADLOCK, result.status, verdict)
    assert reached(Goal.ANY_FAILURE, result.status, verdict)


@pytest.mark.timeout(60)
def test_a_clean_program_ends_with_no_findings() -> None:
    for seed in (1, 2, 3):
        result = run(CLEAN, seed)
        assert result.status == Status.FINISHED, result.message
        assert printed(result.events) == ["5 20"]
        verdict = judge(result)
        facts = verdict["facts"]
        assert verdict["summary"].startswith(
            "The run finished. No failure, lost update, data race or lock-order inversion "
            "among its 3 threads."
        )
        assert facts["ok"] is True and facts["lost"] == 0
        assert [facts[k] for k in ("errors", "failures", "races", "inversions")] == [{}, [], [], []]
        assert facts["unguarded_reads"] == [] and "more_findings" not in facts
        assert {f["fate"] for f in facts["fates"].values()} == {"completed"}
        assert not reached(Goal.ANY_FAILURE, result.status, verdict)


@pytest.mark.timeout(60)
def test_a_program_that_does_not_compile_is_named_with_its_line() -> None:
    source = "import threading\n\ndef main(:\n    pass\n"
    result = run(source)
    assert result.status == Status.FAILED
    verdict = judge(result)
    assert (
        verdict["summary"] == "The program does not compile: SyntaxError: invalid syntax on line 3."
    )
    assert verdict["facts"]["failures"][0]["line"] == 3


@pytest.mark.timeout(60)
def test_a_flag_read_without_a_lock_is_an_unguarded_read() -> None:
    source = """\
import threading

ready = False


def setter():
    global ready
    ready = True


def poller():
    print(ready)


def main():
    threads = [threading.Thread(target=setter, name="S"), threading.Thread(target=poller, name="P")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(ready)
"""
    verdict = judge(run_sequentially(source))
    facts = verdict["facts"]
    assert facts["races"] == []  # one writer: not a race between writers
    (read,) = facts["unguarded_reads"]
    assert read["variable"] == "ready" and read["writers"] == ["S"] and read["readers"] == ["P"]
    assert verdict["summary"] == (
        "ready is written by S and read by P with no lock held in common: what they read "
        "depends on the schedule."
    )


@pytest.mark.timeout(10)
def test_the_failing_line_is_the_programs_last_frame() -> None:
    traceback = (
        "Traceback (most recent call last):\n"
        '  File "/x/app/worker/execution.py", line 85, in run_main\n'
        "    entry(**params)\n"
        '  File "<pasted>", line 7, in main\n'
        "    handle(jobs)\n"
        "ValueError: first\n\n"
        "During handling of the above exception, another exception occurred:\n\n"
        "Traceback (most recent call last):\n"
        '  File "/x/app/worker/program.py", line 110, in __call__\n'
        "    main(**params)\n"
        '  File "<pasted>", line 12, in main\n'
        "    retry(jobs)\n"
        '  File "<pasted>", line 4, in retry\n'
        "    return jobs.get_nowait()\n"
        '  File "/usr/lib/python3.11/queue.py", line 199, in get_nowait\n'
        "    return self.get(block=False)\n"
        "_queue.Empty\n"
    )
    frame = program_frame(traceback)
    assert frame is not None and (frame.file, frame.line) == ("<pasted>", 4)
    assert frame.code == "return jobs.get_nowait()"
    assert program_frame("Traceback (most recent call last):\nKeyError: 1\n") is None
