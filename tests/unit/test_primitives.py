"""Lock, RLock, Condition, Semaphore, BoundedSemaphore, Event, Barrier: the standard
library's observable behaviour, outside a run and inside one.

Most tests take ``impl`` and run three times — against ``threading`` itself, against
``app.instrument`` outside a run and inside a run — with the same expectations, so a
difference from the standard library fails the test.  The traced-only tests at the end
check the events each primitive records.
"""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from app.instrument import (
    Barrier,
    BoundedSemaphore,
    Condition,
    Event,
    Lock,
    RLock,
    Semaphore,
    Thread,
)
from tests.unit.conftest import Run, eventually, raises, spawn

SHORT = 0.05  # a timeout that is meant to expire

pytestmark = pytest.mark.timeout(10)


def in_thread(ns: SimpleNamespace, fn, *args):
    """Run ``fn(*args)`` in another thread of ``ns``'s kind; its result or exception."""
    out: dict = {}

    def body() -> None:
        try:
            out["result"] = fn(*args)
        except BaseException as exc:
            out["error"] = exc

    t = spawn(ns, body)
    t.join()
    return out


# --- Lock ---------------------------------------------------------------------------


def test_lock_acquire_release_locked(impl: SimpleNamespace) -> None:
    lock = impl.Lock()
    assert not lock.locked()
    assert lock.acquire() is True
    assert lock.locked()
    assert lock.acquire(False) is False
    assert lock.acquire(blocking=True, timeout=0) is False
    lock.release()
    assert not lock.locked()
    assert lock.acquire(blocking=False) is True
    lock.release()


def test_lock_timeout_expires(impl: SimpleNamespace) -> None:
    lock = impl.Lock()
    lock.acquire()
    assert in_thread(impl, lock.acquire, True, SHORT) == {"result": False}
    lock.release()
    assert in_thread(impl, lock.acquire, True, SHORT) == {"result": True}
    assert lock.locked()
    lock.release()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((False, 1), "can't specify a timeout for a non-blocking call"),
        ((True, -2), "timeout value must be positive"),
        ((True, -0.5), "timeout value must be positive"),
    ],
)
def test_lock_bad_arguments(impl: SimpleNamespace, args: tuple, message: str) -> None:
    for lock in (impl.Lock(), impl.RLock()):
        with raises(ValueError, message):
            lock.acquire(*args)


def test_lock_release_unlocked(impl: SimpleNamespace) -> None:
    lock = impl.Lock()
    with raises(RuntimeError, "release unlocked lock"):
        lock.release()
    with lock:
        pass
    with raises(RuntimeError, "release unlocked lock"):
        lock.release()


def test_lock_may_be_released_by_another_thread(impl: SimpleNamespace) -> None:
    lock = impl.Lock()
    lock.acquire()
    assert in_thread(impl, lock.release) == {"result": None}
    assert not lock.locked()


def test_lock_context_manager(impl: SimpleNamespace) -> None:
    lock = impl.Lock()
    with lock as got:
        assert got is True
        assert lock.locked()
    assert not lock.locked()
    with pytest.raises(KeyError), lock:
        raise KeyError("released on the way out")
    assert not lock.locked()


def test_blocked_lock_acquire_is_woken_by_release(impl: SimpleNamespace) -> None:
    lock, entered = impl.Lock(), impl.Event()
    lock.acquire()
    order = []

    def contender() -> None:
        entered.set()
        with lock:
            order.append("contender")

    t = spawn(impl, contender)
    entered.wait()
    order.append("main")
    lock.release()
    t.join()
    assert order == ["main", "contender"]
    assert not lock.locked()


# --- RLock --------------------------------------------------------------------------


def test_rlock_reentry_needs_as_many_releases(impl: SimpleNamespace) -> None:
    lock = impl.RLock()
    for _ in range(3):
        assert lock.acquire() is True
    for _ in range(2):
        lock.release()
        assert in_thread(impl, lock.acquire, False) == {"result": False}
    lock.release()
    with raises(RuntimeError, "cannot release un-acquired lock"):
        lock.release()
    # Free again: another thread gets it (and keeps it: it never releases).
    assert in_thread(impl, lock.acquire, False) == {"result": True}


def test_rlock_release_by_non_owner(impl: SimpleNamespace) -> None:
    lock = impl.RLock()
    with lock:
        out = in_thread(impl, lock.release)
        assert isinstance(out["error"], RuntimeError)
        assert str(out["error"]) == "cannot release un-acquired lock"
        assert in_thread(impl, lock.acquire, True, SHORT) == {"result": False}
        assert lock._is_owned()
    assert not lock._is_owned()


def test_rlock_context_manager_nests(impl: SimpleNamespace) -> None:
    lock = impl.RLock()
    with lock as a, lock as b:
        assert a is True and b is True
    assert in_thread(impl, lock.acquire, False) == {"result": True}


# --- Condition ----------------------------------------------------------------------


@pytest.mark.parametrize("lock_type", ["default", "Lock", "RLock"])
def test_condition_wait_requires_the_lock(impl: SimpleNamespace, lock_type: str) -> None:
    cond = (
        impl.Condition() if lock_type == "default" else impl.Condition(getattr(impl, lock_type)())
    )
    with raises(RuntimeError, "cannot wait on un-acquired lock"):
        cond.wait(SHORT)
    with raises(RuntimeError, "cannot notify on un-acquired lock"):
        cond.notify()
    with raises(RuntimeError, "cannot notify on un-acquired lock"):
        cond.notify_all()
    with cond:
        assert cond.wait(SHORT) is False
        assert cond.wait(0) is False
        assert cond.wait(-1) is False
        cond.notify()  # nobody waits: nothing happens
        cond.notify_all()
        cond.notify(0)
        cond.notify(-1)


def test_condition_wait_for_timeout_returns_last_predicate_value(impl: SimpleNamespace) -> None:
    cond = impl.Condition()
    calls = []

    def predicate() -> int:
        calls.append(1)
        return 0

    with cond:
        assert cond.wait_for(predicate, SHORT) == 0
        assert len(calls) >= 2  # checked before and after the timed-out wait
        assert cond.wait_for(lambda: "ready", SHORT) == "ready"
        assert cond.wait_for(lambda: None, 0) is None


def test_condition_notify_wakes_one_then_notify_all_the_rest(impl: SimpleNamespace) -> None:
    lock = impl.Lock()
    cond, arrived = impl.Condition(lock), impl.Condition(lock)
    state = {"ready": 0, "woken": 0}

    def waiter() -> None:
        with lock:
            state["ready"] += 1
            arrived.notify()
            assert cond.wait(5) is True
            state["woken"] += 1
            arrived.notify()

    threads = [spawn(impl, waiter) for _ in range(3)]
    with lock:
        assert arrived.wait_for(lambda: state["ready"] == 3, 5)
        cond.notify()
        assert len(cond._waiters) == 2  # exactly one taken off the queue
        assert arrived.wait_for(lambda: state["woken"] == 1, 5)
        cond.notify(5)  # more than are waiting: wakes the two that are
        assert not cond._waiters
        assert arrived.wait_for(lambda: state["woken"] == 3, 5)
    for t in threads:
        t.join()


def test_condition_notify_all_and_wait_for(impl: SimpleNamespace) -> None:
    cond = impl.Condition()
    box = {"items": [], "ready": 0}
    got = []

    def consumer() -> None:
        with cond:
            box["ready"] += 1
            cond.notify_all()
            assert cond.wait_for(lambda: box["items"], 5)
            got.append(box["items"].pop())

    threads = [spawn(impl, consumer) for _ in range(2)]
    with cond:
        cond.wait_for(lambda: box["ready"] == 2, 5)
        box["items"] += ["a", "b"]
        cond.notify_all()
    for t in threads:
        t.join()
    assert sorted(got) == ["a", "b"]


def test_condition_with_rlock_restores_recursion(impl: SimpleNamespace) -> None:
    lock = impl.RLock()
    cond = impl.Condition(lock)
    with lock, lock:  # depth 2
        assert cond.wait(SHORT) is False
        lock.release()
        assert lock._is_owned()  # still depth 1 after the wait restored 2
        lock.acquire()
    assert in_thread(impl, lock.acquire, False) == {"result": True}


def test_condition_lock_is_free_while_waiting(impl: SimpleNamespace) -> None:
    cond = impl.Condition()
    waiting = impl.Event()
    result = {}

    def waiter() -> None:
        with cond:
            waiting.set()
            result["got"] = cond.wait(5)

    t = spawn(impl, waiter)
    waiting.wait()
    with cond:  # acquirable: the waiter released it in wait()
        cond.notify()
    t.join()
    assert result == {"got": True}


# --- Semaphore / BoundedSemaphore ---------------------------------------------------


def test_semaphore_counts(impl: SimpleNamespace) -> None:
    sem = impl.Semaphore(2)
    assert sem.acquire() is True
    assert sem.acquire(blocking=False) is True
    assert sem.acquire(blocking=False) is False
    assert sem.acquire(timeout=SHORT) is False
    assert sem.acquire(timeout=0) is False
    assert sem.acquire(timeout=-1) is False
    sem.release(2)
    assert sem.acquire(False) and sem.acquire(False)
    assert not sem.acquire(False)
    sem.release()
    sem.release()
    sem.release()  # a plain Semaphore may go above its initial value
    assert [sem.acquire(False) for _ in range(4)] == [True, True, True, False]


def test_semaphore_bad_arguments(impl: SimpleNamespace) -> None:
    with raises(ValueError, "semaphore initial value must be >= 0"):
        impl.Semaphore(-1)
    sem = impl.Semaphore(0)
    with raises(ValueError, "can't specify timeout for non-blocking acquire"):
        sem.acquire(False, 1)
    with raises(ValueError, "n must be one or more"):
        sem.release(0)
    assert sem.acquire(False) is False


def test_bounded_semaphore_over_release(impl: SimpleNamespace) -> None:
    sem = impl.BoundedSemaphore(2)
    with raises(ValueError, "Semaphore released too many times"):
        sem.release()
    sem.acquire()
    with raises(ValueError, "Semaphore released too many times"):
        sem.release(2)
    sem.release()
    with raises(ValueError, "Semaphore released too many times"):
        sem.release()
    assert [sem.acquire(False) for _ in range(3)] == [True, True, False]


def test_semaphore_caps_concurrency(impl: SimpleNamespace) -> None:
    sem, lock = impl.BoundedSemaphore(2), impl.Lock()
    inside = {"now": 0, "most": 0}
    go = impl.Event()

    def worker() -> None:
        go.wait()
        with sem:
            with lock:
                inside["now"] += 1
                inside["most"] = max(inside["most"], inside["now"])
            with lock:
                inside["now"] -= 1

    threads = [spawn(impl, worker) for _ in range(5)]
    go.set()
    for t in threads:
        t.join()
    assert 1 <= inside["most"] <= 2
    assert [sem.acquire(False) for _ in range(3)] == [True, True, False]


def test_semaphore_blocked_acquire_woken_by_release(impl: SimpleNamespace) -> None:
    sem = impl.Semaphore(0)
    t = spawn(impl, lambda: sem.acquire(timeout=5) or pytest.fail("timed out"))
    sem.release()
    t.join()
    assert sem.acquire(False) is False


# --- Event --------------------------------------------------------------------------


def test_event_set_clear_wait(impl: SimpleNamespace) -> None:
    ev = impl.Event()
    assert ev.is_set() is False
    assert ev.wait(SHORT) is False
    assert ev.wait(0) is False
    assert ev.wait(-1) is False
    ev.set()
    assert ev.is_set() is True
    assert ev.wait() is True
    assert ev.wait(0) is True
    ev.set()  # twice is fine
    ev.clear()
    assert ev.is_set() is False
    assert ev.wait(SHORT) is False


def test_event_wakes_every_waiter(impl: SimpleNamespace) -> None:
    ev, results = impl.Event(), []
    threads = [spawn(impl, lambda: results.append(ev.wait(5))) for _ in range(3)]
    ev.set()
    for t in threads:
        t.join()
    assert results == [True, True, True]


# --- Barrier ------------------------------------------------------------------------


def test_barrier_releases_all_parties_and_runs_action_once(impl: SimpleNamespace) -> None:
    actions, indices = [], []
    barrier = impl.Barrier(3, action=lambda: actions.append(1))
    assert barrier.parties == 3 and barrier.n_waiting == 0 and not barrier.broken
    threads = [spawn(impl, lambda: indices.append(barrier.wait(5))) for _ in range(2)]
    eventually(lambda: barrier.n_waiting == 2)
    indices.append(barrier.wait(5))
    for t in threads:
        t.join()
    assert sorted(indices) == [0, 1, 2]
    assert actions == [1]
    assert barrier.n_waiting == 0 and not barrier.broken
    # Reusable: a second round.
    threads = [spawn(impl, lambda: indices.append(barrier.wait(5))) for _ in range(2)]
    barrier.wait(5)
    for t in threads:
        t.join()
    assert actions == [1, 1]


def test_barrier_timeout_breaks_it(impl: SimpleNamespace) -> None:
    barrier = impl.Barrier(2)
    with pytest.raises(impl.BrokenBarrierError):
        barrier.wait(SHORT)
    assert barrier.broken
    with pytest.raises(impl.BrokenBarrierError):
        barrier.wait(5)  # broken: fails at once
    barrier.reset()
    assert not barrier.broken
    default = impl.Barrier(2, timeout=SHORT)  # the constructor's default timeout
    with pytest.raises(impl.BrokenBarrierError):
        default.wait()
    assert default.broken


def test_barrier_abort_breaks_waiters(impl: SimpleNamespace) -> None:
    barrier = impl.Barrier(3)
    errors = []

    def party() -> None:
        try:
            barrier.wait(5)
        except impl.BrokenBarrierError as exc:
            errors.append(exc)

    t = spawn(impl, party)
    eventually(lambda: barrier.n_waiting == 1)
    barrier.abort()
    t.join()
    assert len(errors) == 1 and isinstance(errors[0], threading.BrokenBarrierError)
    assert barrier.broken and barrier.n_waiting == 0


def test_barrier_reset_breaks_current_waiters_and_allows_reuse(impl: SimpleNamespace) -> None:
    barrier = impl.Barrier(2)
    errors = []

    def party() -> None:
        try:
            barrier.wait(5)
        except impl.BrokenBarrierError:
            errors.append("broken")

    t = spawn(impl, party)
    eventually(lambda: barrier.n_waiting == 1)
    barrier.reset()
    t.join()
    assert errors == ["broken"]
    assert not barrier.broken
    t = spawn(impl, barrier.wait, 5)
    assert barrier.wait(5) in (0, 1)
    t.join()


def test_barrier_action_exception_breaks_it(impl: SimpleNamespace) -> None:
    def action() -> None:
        raise ZeroDivisionError("in the action")

    barrier = impl.Barrier(1, action=action)
    with pytest.raises(ZeroDivisionError):
        barrier.wait(5)
    assert barrier.broken
    with pytest.raises(impl.BrokenBarrierError):
        barrier.wait(5)


# --- traced: the events each primitive records ---------------------------------------


def kinds(run: Run, obj: str) -> list[tuple[str, dict]]:
    return [(e["kind"], e["detail"]) for e in run.of(obj)]


def test_traced_lock_events_and_names(run: Run) -> None:
    a, b = Lock(), Lock(name="fork")
    assert (a.name, b.name) == ("a", "fork")  # names from the code (test_naming.py)
    with b:
        pass
    assert b.acquire(False)
    assert not b.acquire(False)
    b.release()
    assert kinds(run, "fork") == [
        ("declare", {"type": "Lock"}),
        ("acquire", {}),
        ("release", {}),
        ("acquire", {}),
        ("release", {}),
    ]
    here = test_traced_lock_events_and_names.__code__.co_firstlineno
    for ev in run.of("fork"):
        assert ev["thread"] == "MainThread" and ev["state"] == "Running"
        assert here < ev["line"] < here + 10  # the scenario's line, not the library's


def test_traced_contended_lock_blocks_and_wakes(run: Run) -> None:
    lock, entered = Lock(name="L"), Event(name="entered")
    lock.acquire()

    def contender() -> None:
        entered.set()
        with lock:
            pass

    t = Thread(target=contender, name="C")
    t.start()
    entered.wait()
    eventually(lambda: t._info.state == "Blocked")
    lock.release()
    t.join()
    mine = [(e["kind"], e["state"]) for e in run.events() if e["thread"] == "C"]
    assert ("block", "Blocked") in mine
    block = mine.index(("block", "Blocked"))
    assert mine[block + 1 : block + 4] == [
        ("wake", "Runnable"),
        ("run", "Running"),
        ("acquire", "Running"),
    ]
    block_ev = next(e for e in run.of("L", "block"))
    assert block_ev["detail"] == {"reason": "acquire", "timeout": None}


def test_traced_timed_out_acquire_records_no_acquire(run: Run) -> None:
    lock = Lock(name="L")
    lock.acquire()
    out = in_thread(SimpleNamespace(Thread=Thread), lock.acquire, True, SHORT)
    assert out == {"result": False}
    wakes = run.of("L", "wake")
    assert [w["detail"] for w in wakes] == [{"timed_out": True}]
    assert len(run.of("L", "acquire")) == 1


def test_traced_rlock_depth(run: Run) -> None:
    lock = RLock(name="R")
    with lock, lock:
        pass
    assert kinds(run, "R") == [
        ("declare", {"type": "RLock"}),
        ("acquire", {"depth": 1}),
        ("acquire", {"depth": 2}),
        ("release", {"depth": 1}),
        ("release", {"depth": 0}),
    ]


def test_traced_condition_wait_and_notify(run: Run) -> None:
    cond = Condition(name="C")
    assert cond._lock.name == "C.lock"
    ready = Event(name="ready")

    def waiter() -> None:
        with cond:
            ready.set()
            cond.wait(5)

    t = Thread(target=waiter, name="W")
    t.start()
    ready.wait()
    with cond:
        cond.notify_all()
    t.join()
    declare = run.of("C", "declare")[0]
    assert declare["detail"] == {"type": "Condition", "lock": "C.lock"}
    assert [e["detail"] for e in run.of("C", "wait")] == [{"timeout": 5}]
    notes = run.of("C", "notify_all")
    assert notes[0]["detail"] == {"woken": ["W"], "waiting": 0}
    released = [e for e in run.of("C.lock", "release") if e["thread"] == "W"]
    assert released[0]["detail"] == {"depth": 0, "released": 1}


def test_traced_semaphore_values(run: Run) -> None:
    sem = BoundedSemaphore(2, name="S")
    sem.acquire()
    sem.acquire()
    sem.release(2)
    assert kinds(run, "S") == [
        ("declare", {"type": "BoundedSemaphore", "value": 2}),
        ("acquire", {"value": 1}),
        ("acquire", {"value": 0}),
        ("release", {"value": 2}),
    ]
    Semaphore(0, name="S0")
    assert run.of("S0")[0]["detail"] == {"type": "Semaphore", "value": 0}


def test_traced_event_and_barrier_events(run: Run) -> None:
    ev = Event(name="E")
    ev.set()
    ev.wait()
    ev.clear()
    assert [k for k, _ in kinds(run, "E")] == ["declare", "set", "wait", "clear"]
    barrier = Barrier(1, name="B")
    assert barrier.wait() == 0
    barrier.abort()
    assert [k for k, _ in kinds(run, "B")] == ["declare", "wait", "notify_all", "abort"]
    assert run.of("B", "declare")[0]["detail"] == {"type": "Barrier", "value": 1}


def test_objects_without_a_target_are_named_by_type_and_line(run: Run) -> None:
    names = [Lock().name, Lock().name, RLock().name, Semaphore().name, Event().name]
    n = test_objects_without_a_target_are_named_by_type_and_line.__code__.co_firstlineno + 1
    assert names == [f"Lock@{n}", f"Lock@{n}#2", f"RLock@{n}", f"Semaphore@{n}", f"Event@{n}"]


def test_outside_a_run_nothing_is_recorded() -> None:
    lock = Lock()
    with lock:
        pass
    assert lock.name == "Lock"
