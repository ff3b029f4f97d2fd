"""The controlled scheduler: exact, repeatable interleavings (issue 4).

Every run here goes through ``run_controlled``/``run_trial`` — a real scheduler, real
threads, one at a time — so the assertions are exact, not statistical guesses.
"""

from __future__ import annotations

from itertools import count

import pytest

from app.analysis import conclude
from app.analysis.goals import reached
from app.analysis.history import check
from app.instrument.events import encode, validate
from app.scenarios import registry
from app.scenarios.registry import Scenario
from app.worker.program import Program, load_source
from app.worker.trial import TrialResult, run_controlled, run_trial

pytestmark = pytest.mark.timeout(60)


def _log(result: TrialResult) -> bytes:
    return b"\n".join(encode(e).encode() for e in result.events)


def _lost(scenario: str, params: dict, result: TrialResult) -> int:
    verdict = conclude(scenario, params, result.events, result.status).verdict
    return verdict["facts"]["lost"]


_files = count(1)


def program(source: str) -> Program:
    """A plain program, compiled under a name of its own (the loader caches by text)."""
    return load_source(source, f"/threadlab-test/scheduler_{next(_files)}.py")


def _outputs(result: TrialResult) -> list[str]:
    return [e["detail"]["text"] for e in result.events if e["kind"] == "output"]


def _assert_sound(result: TrialResult) -> None:
    assert [validate(e) for e in result.events] == [None] * len(result.events)
    assert check(result.events) == []


@pytest.mark.parametrize("policy", ["random", "round_robin", "pct"])
def test_same_seed_gives_the_same_log_byte_for_byte(policy: str) -> None:
    params = {"threads": 3, "iterations": 10}
    first = run_trial("race", params, 42, policy)
    second = run_trial("race", params, 42, policy)
    assert first.status == "finished"
    assert _log(first) == _log(second)
    _assert_sound(first)


def test_other_seeds_give_other_interleavings() -> None:
    params = {"threads": 3, "iterations": 10}
    logs = {_log(run_trial("race", params, seed, "random")) for seed in range(5)}
    assert len(logs) == 5


def test_race_with_two_threads_loses_an_update_for_some_seed_in_20() -> None:
    params = {"threads": 2, "iterations": 3}
    losses = [
        _lost("race", params, run_trial("race", params, seed, "random")) for seed in range(20)
    ]
    assert any(lost > 0 for lost in losses)


def test_race_locked_never_loses_an_update_over_200_seeds() -> None:
    params = {"threads": 2, "iterations": 3}
    for seed in range(200):
        policy = "random" if seed % 2 == 0 else "pct"
        result = run_trial("race-locked", params, seed, policy)
        assert result.status == "finished", (seed, result.message)
        assert _lost("race-locked", params, result) == 0, seed


def test_replaying_a_schedule_reproduces_the_run_exactly() -> None:
    """What manual stepping and undo rely on: the picks of a run, fed back as choices,
    give the identical log."""
    params = {"threads": 2, "iterations": 4}
    original = run_trial("race", params, 7, "random")
    schedule = original.facts["schedule"]
    assert schedule, "a two-thread race has choices to make"
    # Replayed under another policy: the choices decide every point with a choice.
    replay = run_trial("race", params, 999, "round_robin", {"choices": schedule})
    assert _log(replay) == _log(original)


def test_a_replay_that_goes_off_course_fails_loudly() -> None:
    result = run_trial("race", {"threads": 2, "iterations": 2}, 0, "random", {"choices": ["T9"]})
    assert result.status == "failed"
    assert "T9 was not runnable" in (result.message or "")


_OPPOSITE_ORDER = program("""
import threading

lock_a = threading.Lock()
lock_b = threading.Lock()


def one():
    with lock_a, lock_b:
        pass


def two():
    with lock_b, lock_a:
        pass


def main():
    threads = [threading.Thread(target=one, name="T1"), threading.Thread(target=two, name="T2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
""")


def test_a_deadlock_is_detected_exactly_with_its_cycle() -> None:
    statuses = set()
    for seed in range(20):
        result = run_controlled(_OPPOSITE_ORDER, {}, seed, "random")
        statuses.add(result.status)
        if result.status == "deadlocked":
            _assert_sound(result)
            found = conclude("-", {}, result.events, result.status).deadlock
            assert found is not None
            assert found["threads"] == ["T1", "T2"]
            assert "T1 holds lock_a and waits for lock_b" in found["text"]
            assert "T2 holds lock_b and waits for lock_a" in found["text"]
            # The picture freezes as it was: both threads stay Blocked.
            last = {e["thread"]: e["state"] for e in result.events if e["thread"]}
            assert last["T1"] == last["T2"] == "Blocked"
            break
    assert "deadlocked" in statuses


def test_timeouts_expire_in_virtual_time() -> None:
    waits_for_nobody = program("""
import threading
import time


def main():
    never = threading.Event()
    print("set", never.wait(timeout=5.0))
    lock = threading.Lock()
    lock.acquire()
    helper = threading.Thread(target=lambda: print("got", lock.acquire(timeout=2.5)), name="T1")
    helper.start()
    helper.join()
    time.sleep(100.0)
""")

    result = run_controlled(waits_for_nobody, {}, 1, "random")
    assert result.status == "finished"
    assert _outputs(result) == ["set False", "got False"]
    # 5 s + 2.5 s + 100 s of virtual time, and a few microseconds of steps.
    assert 107.5 <= result.events[-1]["t"] < 107.6
    wakes = [e for e in result.events if e["kind"] == "wake" and e["detail"].get("timed_out")]
    assert [e["obj"] for e in wakes] == ["never", "lock"]
    _assert_sound(result)


def test_condition_wait_with_timeout_and_notify_under_the_scheduler() -> None:
    producer_consumer = program("""
import threading
import time

box = []
cond = threading.Condition()


def consumer():
    with cond:
        while not box:
            cond.wait(timeout=1.0)


def main():
    c = threading.Thread(target=consumer, name="C")
    c.start()
    time.sleep(3.0)  # the consumer times out twice (virtual seconds), then finds the item
    with cond:
        box.append(1)
        cond.notify()
    c.join()
""")

    for seed in range(5):
        result = run_controlled(producer_consumer, {}, seed, "random")
        assert result.status == "finished", result.message
        _assert_sound(result)


def test_an_rlock_is_never_inherited_by_a_thread_that_reuses_a_dead_ones_ident() -> None:
    """Regression: a thread died holding an RLock; the next thread got the same OS
    ident and 're-entered' the lock, so the log showed two owners at once. Ownership is
    now the run's thread, so the newcomer blocks — a deadlock, as it should be."""

    forgotten = program("""
import threading


def main():
    lock = threading.RLock()
    keeper = threading.Thread(target=lock.acquire, name="keeper")
    keeper.start()
    keeper.join()
    later = threading.Thread(target=lock.acquire, name="later")
    later.start()
    later.join()
""")

    result = run_controlled(forgotten, {}, 0, "round_robin")
    assert result.status == "deadlocked"
    _assert_sound(result)


# ``box`` is a local of ``main`` handed to the threads as an argument: not shared data
# to the rewriter, so ``+=`` on its item is plain, untraced code.
PLAIN_COUNTER = program("""
import threading


def work(box, n):
    for _ in range(n):
        box["n"] += 1


def main(n=3):
    box = {"n": 0}
    workers = [threading.Thread(target=work, args=(box, n), name=f"T{i}") for i in (1, 2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(box["n"])
""")


def test_bytecode_granularity_tears_a_plain_plus_equals() -> None:
    bytecode = {"granularity": "bytecode"}
    runs = [run_controlled(PLAIN_COUNTER, {"n": 3}, seed, "random", bytecode) for seed in range(10)]
    assert all(r.status == "finished" for r in runs)
    totals = [int(_outputs(r)[-1]) for r in runs]
    assert min(totals) < 6  # some schedule lost an update inside `+=`
    preempts = [e for r in runs for e in r.events if e["kind"] == "preempt"]
    assert any("op" in e["detail"] for e in preempts)  # switched between bytecodes
    again = run_controlled(PLAIN_COUNTER, {"n": 3}, 3, "random", bytecode)
    assert _log(again) == _log(runs[3])


def test_operation_granularity_never_tears_a_plain_plus_equals() -> None:
    totals = [
        int(_outputs(run_controlled(PLAIN_COUNTER, {}, seed, "random"))[-1]) for seed in range(10)
    ]
    assert totals == [6] * 10


@pytest.mark.parametrize(
    ("scenario", "goal"),
    [("race", "lost_update"), ("busy-wait", "any_failure"), ("forgotten-release", "deadlock")],
)
def test_the_search_finds_a_breaking_seed(scenario: str, goal: str) -> None:
    from app.worker.searcher import search

    spec = {"scenario": scenario, "params": {}, "goal": goal, "policy": "mixed", "budget": 200}
    if scenario == "race":
        spec["params"] = {"threads": 2, "iterations": 2}
    result = search(spec, lambda tries: None)
    assert result["found"], result
    # The seed it names, with the options it used, really breaks it.
    trial = run_trial(scenario, spec["params"], result["seed"], result["policy"], result["options"])
    verdict = conclude(scenario, spec["params"], trial.events, trial.status).verdict
    assert reached(goal, trial.status, verdict)


def test_the_search_reports_none_found_as_a_normal_answer() -> None:
    from app.worker.searcher import search

    spec = {
        "scenario": "race-locked",
        "params": {"threads": 2, "iterations": 2},
        "goal": "lost_update",
        "policy": "mixed",
        "budget": 20,
    }
    result = search(spec, lambda tries: None)
    assert result == {
        "found": False,
        "seed": None,
        "policy": None,
        "tries": 20,
        "options": None,
        "verdict": None,
        "message": None,
        "passed": None,
    }


CHALLENGES = [s for s in registry.scenarios() if s.group == "Challenges"]


@pytest.mark.parametrize("scenario", CHALLENGES, ids=[s.id for s in CHALLENGES])
def test_every_challenge_can_be_broken_by_the_search(scenario: Scenario) -> None:
    """A challenge promises that some interleaving breaks it: the search finds one for
    each of its goals, with the options the scenario asks for."""
    from app.worker.searcher import search

    for goal in scenario.goals:
        spec = {
            "scenario": scenario.id,
            "params": {},
            "goal": goal,
            "policy": "mixed",
            "budget": 300,
            "options": scenario.extra.get("options", {}),
        }
        result = search(spec, lambda tries: None)
        assert result["found"], (scenario.id, goal, result)
        params = scenario.validate({})
        again = run_trial(scenario.id, params, result["seed"], result["policy"], result["options"])
        verdict = conclude(scenario.id, params, again.events, again.status).verdict
        assert reached(goal, again.status, verdict), "the seed it names must break it again"


def test_deadlocked_trials_leave_no_thread_behind() -> None:
    """Regression: the threads of a deadlocked trial used to stay parked for the life
    of the process (hundreds after a search), and the test process crashed now and then.
    An ended run now unwinds its threads."""
    import threading
    import time

    before = threading.active_count()
    statuses = [run_controlled(_OPPOSITE_ORDER, {}, seed, "random").status for seed in range(20)]
    assert statuses.count("deadlocked") >= 2  # seeds 2, 4 and 9 deadlock here
    deadline = time.monotonic() + 10
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.01)  # threads end on their own; nothing to wait on but the count
    assert threading.active_count() <= before


ASYNC_TURNS = """\
import asyncio


async def worker(n):
    for i in range(3):
        await asyncio.sleep(0)
        print(n, i)


async def main():
    await asyncio.gather(*(worker(n) for n in range(3)))


asyncio.run(main())
"""


@pytest.mark.parametrize("policy", ["random", "pct"])
def test_an_event_loops_task_picks_are_scheduler_points_that_replay(policy: str) -> None:
    """Which ready task a loop runs next is picked at a scheduling point: by the seed,
    recorded in ``schedule``, replayed exactly from it under another seed."""
    entry = program(ASYNC_TURNS)
    runs = {seed: run_controlled(entry, {}, seed, policy) for seed in range(1, 6)}
    for result in runs.values():
        assert result.status == "finished"
        _assert_sound(result)
        assert set(result.facts["schedule"]) <= {"Task-2", "Task-3", "Task-4"}
    assert len({tuple(_outputs(r)) for r in runs.values()}) > 1
    first = runs[1]
    assert _log(run_controlled(entry, {}, 1, policy)) == _log(first)
    replayed = run_controlled(entry, {}, 99, policy, {"choices": first.facts["schedule"]})
    assert _log(replayed) == _log(first)
