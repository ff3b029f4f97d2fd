"""ThreadPoolExecutor, Future, wait, as_completed: ``concurrent.futures``' observable
behaviour, outside a run and inside one (``impl`` runs each test against the standard
library, app.instrument plain, and traced), then what only the traced pool does: its
threads are the run's own — named, scheduled in controlled mode — and its waits are
visible."""

from __future__ import annotations

import asyncio
import concurrent.futures as real
import json
import logging
import re
import threading
from types import SimpleNamespace
from typing import Any

import pytest

import app.instrument as instrument
from app.contract import Status
from app.instrument import Future, ThreadPoolExecutor
from app.worker.trial import TrialResult, run_controlled
from tests.unit.conftest import Run, raises

SHORT = 0.05

pytestmark = pytest.mark.timeout(20)


def cf(impl: SimpleNamespace) -> SimpleNamespace:
    """``concurrent.futures`` (and ``current_thread``) of ``impl``'s kind."""
    if impl.kind == "stdlib":
        source: Any = real
        current = threading.current_thread
    else:
        source, current = instrument, instrument.current_thread
    names = ("ThreadPoolExecutor", "Future", "wait", "as_completed")
    ns = SimpleNamespace(**{n: getattr(source, n) for n in names})
    ns.current_thread = current
    return ns


def gate(impl: SimpleNamespace) -> Any:
    """An Event of ``impl``'s kind: a task blocks on it until the test opens it."""
    return impl.Event()


# --- futures from a pool ----------------------------------------------------------------


def test_submit_result_and_exception(impl: SimpleNamespace) -> None:
    with cf(impl).ThreadPoolExecutor(max_workers=2) as ex:
        ok = ex.submit(pow, 2, 5)
        bad = ex.submit(int, "not a number")
        assert ok.result(timeout=5) == 32 and ok.exception() is None
        assert ok.done() and not ok.running() and not ok.cancelled()
        with pytest.raises(ValueError, match="invalid literal"):
            bad.result(timeout=5)
        assert isinstance(bad.exception(), ValueError)


def test_result_timeout_and_cancel(impl: SimpleNamespace) -> None:
    go = gate(impl)
    with cf(impl).ThreadPoolExecutor(max_workers=1) as ex:
        busy = ex.submit(go.wait, 5)
        queued = ex.submit(pow, 2, 3)
        with pytest.raises(TimeoutError):
            busy.result(timeout=SHORT)
        with pytest.raises(real.TimeoutError):
            busy.exception(timeout=0)
        assert queued.cancel() is True and queued.cancel() is True
        assert queued.cancelled() and queued.done() and not queued.running()
        with pytest.raises(real.CancelledError):
            queued.result()
        with pytest.raises(real.CancelledError):
            queued.exception()
        go.set()
        assert busy.result(timeout=5) is True
        assert busy.cancel() is False  # finished: too late


def test_a_running_future_cannot_be_cancelled(impl: SimpleNamespace) -> None:
    started, go = gate(impl), gate(impl)

    def task() -> str:
        started.set()
        go.wait(5)
        return "done"

    with cf(impl).ThreadPoolExecutor(max_workers=1) as ex:
        f = ex.submit(task)
        started.wait(5)
        assert f.running() and f.cancel() is False and not f.cancelled()
        go.set()
        assert f.result(timeout=5) == "done"


def test_a_future_by_hand(impl: SimpleNamespace) -> None:
    k = cf(impl)
    f = k.Future()
    assert not f.done() and not f.running()
    assert f.set_running_or_notify_cancel() is True and f.running()
    with raises(RuntimeError, "Future in unexpected state"):
        f.set_running_or_notify_cancel()
    f.set_result(42)
    assert f.result() == 42 and f.done()
    with pytest.raises(real.InvalidStateError, match=r"^FINISHED: <Future at "):
        f.set_result(43)
    with pytest.raises(real.InvalidStateError):
        f.set_exception(ValueError())
    g = k.Future()
    g.set_exception(KeyError("k"))
    assert isinstance(g.exception(), KeyError)
    assert "state=finished raised KeyError>" in repr(g) and "state=finished returned int>" in repr(
        f
    )
    h = k.Future()
    assert h.cancel() and h.set_running_or_notify_cancel() is False
    assert "state=cancelled>" in repr(h) and "state=pending>" in repr(k.Future())


def test_done_callbacks(impl: SimpleNamespace, caplog: pytest.LogCaptureFixture) -> None:
    k, calls = cf(impl), []
    f = k.Future()
    f.add_done_callback(lambda fut: calls.append(("first", fut.result())))
    f.add_done_callback(lambda fut: 1 / 0)  # logged, never raised
    f.add_done_callback(lambda fut: calls.append(("second", fut.result())))
    assert calls == []
    with caplog.at_level(logging.ERROR, logger="concurrent.futures"):
        f.set_result("x")
    assert calls == [("first", "x"), ("second", "x")]
    assert "exception calling callback for" in caplog.text
    f.add_done_callback(lambda fut: calls.append(("late", fut.result())))  # called at once
    assert calls[-1] == ("late", "x")
    c = k.Future()
    c.add_done_callback(lambda fut: calls.append(("cancelled", fut.cancelled())))
    c.cancel()
    assert calls[-1] == ("cancelled", True)


# --- wait, as_completed, map ----------------------------------------------------------


def test_wait_return_when(impl: SimpleNamespace) -> None:
    k, go = cf(impl), gate(impl)
    with k.ThreadPoolExecutor(max_workers=3) as ex:
        slow = ex.submit(go.wait, 5)
        fast = ex.submit(pow, 2, 2)
        done, not_done = k.wait([slow, fast], return_when=real.FIRST_COMPLETED)
        assert done == {fast} and not_done == {slow}
        failing = ex.submit(int, "x")
        done, not_done = k.wait([slow, failing], return_when=real.FIRST_EXCEPTION)
        assert done == {failing} and not_done == {slow}
        done, not_done = k.wait([slow, fast], timeout=SHORT)
        assert done == {fast} and not_done == {slow}
        with raises(ValueError, "Invalid return condition: 'SOMETIME'"):
            k.wait([slow], return_when="SOMETIME")
        assert k.wait([fast, failing], return_when="SOMETIME").done == {fast, failing}
        go.set()
        done, not_done = k.wait([slow, fast, failing])
        assert done == {slow, fast, failing} and not_done == set()


def test_as_completed_yields_in_completion_order(impl: SimpleNamespace) -> None:
    k = cf(impl)
    gates = [gate(impl) for _ in range(3)]
    with k.ThreadPoolExecutor(max_workers=3) as ex:
        already = ex.submit(pow, 3, 2)
        already.result(timeout=5)
        fs = [ex.submit(g.wait, 5) for g in gates]
        order = []
        it = k.as_completed([*fs, already])
        order.append(next(it))  # the one done before the call comes first
        for i in (2, 0, 1):
            gates[i].set()
            order.append(next(it))
        with pytest.raises(StopIteration):
            next(it)
        assert order == [already, fs[2], fs[0], fs[1]]


def test_as_completed_timeout(impl: SimpleNamespace) -> None:
    k, go = cf(impl), gate(impl)
    with k.ThreadPoolExecutor(max_workers=2) as ex:
        fs = [ex.submit(go.wait, 5), ex.submit(pow, 2, 1)]
        got = []
        with raises(TimeoutError, "1 (of 2) futures unfinished"):
            for f in k.as_completed(fs, timeout=0.2):
                got.append(f)
        assert got == [fs[1]]
        go.set()


def test_map_in_order_with_timeout(impl: SimpleNamespace) -> None:
    k, go = cf(impl), gate(impl)
    with k.ThreadPoolExecutor(max_workers=3) as ex:
        assert list(ex.map(pow, [2, 3, 4], [2, 2, 2])) == [4, 9, 16]
        assert list(ex.map(abs, [])) == []
        results = ex.map(lambda x: go.wait(5) and x, [1, 2], timeout=SHORT)
        with pytest.raises(TimeoutError):
            list(results)
        go.set()


# --- the pool itself --------------------------------------------------------------------


def test_shutdown_cancels_pending_futures(impl: SimpleNamespace) -> None:
    k, go = cf(impl), gate(impl)
    ex = k.ThreadPoolExecutor(max_workers=1)
    busy = ex.submit(go.wait, 5)
    pending = [ex.submit(pow, 2, i) for i in range(3)]
    ex.shutdown(wait=False, cancel_futures=True)
    assert all(f.cancelled() for f in pending)
    with raises(RuntimeError, "cannot schedule new futures after shutdown"):
        ex.submit(pow, 1, 1)
    go.set()
    ex.shutdown(wait=True)
    assert busy.result() is True


def test_leaving_the_with_block_waits_for_every_task(impl: SimpleNamespace) -> None:
    k, out, lock = cf(impl), [], impl.Lock()

    def task(i: int) -> None:
        with lock:
            out.append(i)

    with k.ThreadPoolExecutor(max_workers=2) as ex:
        for i in range(10):
            ex.submit(task, i)
    assert sorted(out) == list(range(10))


def test_worker_names_and_reuse_of_idle_workers(impl: SimpleNamespace) -> None:
    k = cf(impl)

    def name() -> str:
        return str(k.current_thread().name)

    with k.ThreadPoolExecutor(max_workers=4) as ex:
        names = {ex.submit(name).result(timeout=5) for _ in range(5)}  # one at a time
    assert len(names) == 1 and re.fullmatch(r"ThreadPoolExecutor-\d+_0", names.pop())
    with k.ThreadPoolExecutor(max_workers=2, thread_name_prefix="downloader") as ex:
        assert ex.submit(name).result(timeout=5) == "downloader_0"


def test_bad_arguments_and_a_failing_initializer(impl: SimpleNamespace) -> None:
    k = cf(impl)
    with raises(ValueError, "max_workers must be greater than 0"):
        k.ThreadPoolExecutor(max_workers=0)
    with raises(TypeError, "initializer must be a callable"):
        k.ThreadPoolExecutor(initializer=3)

    def fails() -> None:
        raise OSError("no database")

    logging.getLogger("concurrent.futures").disabled = True  # its critical() is expected
    try:
        ex = k.ThreadPoolExecutor(max_workers=1, initializer=fails)
        f = ex.submit(pow, 2, 2)
        with pytest.raises(real.thread.BrokenThreadPool):
            f.result(timeout=5)
        with pytest.raises(real.thread.BrokenThreadPool, match="initializer failed"):
            ex.submit(pow, 2, 2)
        ex.shutdown()
    finally:
        logging.getLogger("concurrent.futures").disabled = False


def test_the_pool_is_the_standard_librarys_kind() -> None:
    assert issubclass(ThreadPoolExecutor, real.Executor)
    assert issubclass(Future, real.Future)

    async def wrapped() -> int:
        f: Future[int] = Future()
        f.set_result(7)
        return await asyncio.wrap_future(f)

    assert asyncio.run(wrapped()) == 7


# --- traced -----------------------------------------------------------------------------


def test_traced_future_waits_are_visible(run: Run) -> None:
    f: Future[int] = Future(name="answer")
    with pytest.raises(TimeoutError):
        f.result(timeout=0)  # not done: a wait that gives up at once, no block
    t = instrument.Thread(target=lambda: f.set_result(42), name="T")
    t.start()
    assert f.result(timeout=5) == 42
    t.join()
    events = run.of("answer")
    assert [(e["thread"], e["kind"]) for e in events[:2]] == [
        ("MainThread", "declare"),
        ("MainThread", "wait"),
    ]
    assert events[1]["detail"] == {"timeout": 0, "already_set": False}
    assert events[2]["kind"] != "block"
    mine = [e["kind"] for e in events[2:] if e["thread"] == "MainThread"]
    assert mine in (["wait"], ["wait", "block", "wake"])  # already set, or woken by T
    blocked = mine.count("block")
    assert run.of("answer", "set")[0]["detail"] == {"result": "42", "woken": blocked}
    assert all(e["detail"]["reason"] == "wait" for e in run.of("answer", "block"))


def test_traced_futures_hash_by_creation_in_the_run(run: Run) -> None:
    assert [hash(Future()) for _ in range(3)] == [1, 2, 3]


def _pool_program(n: int = 4) -> None:
    from app.instrument import ThreadPoolExecutor, as_completed, current_thread

    def work(i: int) -> tuple[int, str]:
        return i * i, current_thread().name

    with ThreadPoolExecutor(max_workers=2) as ex:
        fs = [ex.submit(work, i) for i in range(n)]
        print(sorted(f.result()[0] for f in as_completed(fs)))
        print(sorted({f.result()[1] for f in fs}))


def _log(result: TrialResult) -> str:
    return "\n".join(json.dumps(e, sort_keys=True) for e in result.events)


def test_controlled_pool_threads_are_the_runs_own() -> None:
    first = run_controlled(_pool_program, {}, 3, "random")
    assert first.status == Status.FINISHED, first.message
    outputs = [e["detail"]["text"] for e in first.events if e["kind"] == "output"]
    assert outputs[0] == "[0, 1, 4, 9]"
    assert set(eval(outputs[1])) <= {"ThreadPoolExecutor-0_0", "ThreadPoolExecutor-0_1"}
    creates = {e["thread"]: e["detail"] for e in first.events if e["kind"] == "create"}
    assert creates["ThreadPoolExecutor-0_0"] == {"daemon": False, "target": "_worker"}
    assert "adopted" not in creates["ThreadPoolExecutor-0_0"]
    assert _log(run_controlled(_pool_program, {}, 3, "random")) == _log(first)
    others = {_log(run_controlled(_pool_program, {}, seed, "random")) for seed in range(6)}
    assert len(others) > 1  # the scheduler does choose among the pool's threads


def test_a_pool_never_shut_down_still_finishes_at_exit() -> None:
    kept: list[Any] = []  # as a module-level pool: alive after main returns

    def program() -> None:
        from app.instrument import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=2)
        kept.append(pool)
        for i in range(3):
            pool.submit(print, "task", i)

    for seed in range(3):
        result = run_controlled(program, {}, seed, "random")
        assert result.status == Status.FINISHED, result.message
        outputs = sorted(e["detail"]["text"] for e in result.events if e["kind"] == "output")
        assert outputs == ["task 0", "task 1", "task 2"]
        # Every pool thread ended by itself: none is cut off at the end.
        threads = {e["thread"] for e in result.events if e["kind"] == "create"}
        exits = [e for e in result.events if e["kind"] == "exit"]
        assert {e["thread"] for e in exits} == threads and len(threads) == 3
        assert not any("killed" in e["detail"] for e in exits)


def test_a_task_waiting_for_its_own_pool_deadlocks_visibly() -> None:
    def program() -> None:
        from app.instrument import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:

            def outer() -> int:
                return int(pool.submit(pow, 2, 3).result()) + 1  # no free worker

            pool.submit(outer).result()

    result = run_controlled(program, {}, 0, "random")
    assert result.status == Status.DEADLOCKED
    assert "ThreadPoolExecutor-0_0" in (result.message or "")
