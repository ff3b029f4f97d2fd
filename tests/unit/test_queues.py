"""Queue: ``queue.Queue``'s observable behaviour, outside a run and inside one (``impl``
runs each test against the standard library, app.instrument plain, and traced)."""

from __future__ import annotations

import queue
from types import SimpleNamespace

import pytest

from app.instrument import Queue, Thread
from tests.unit.conftest import Run, raises, spawn

SHORT = 0.05

pytestmark = pytest.mark.timeout(10)


def test_fifo_and_sizes(impl: SimpleNamespace) -> None:
    q = impl.Queue()
    assert q.empty() and not q.full() and q.qsize() == 0 and q.maxsize == 0
    for item in ("a", 2, None):
        q.put(item)
    assert q.qsize() == 3 and not q.empty() and not q.full()
    assert [q.get(), q.get_nowait(), q.get(timeout=1)] == ["a", 2, None]
    assert q.empty()


def test_maxsize_full_and_timeouts(impl: SimpleNamespace) -> None:
    q = impl.Queue(maxsize=2)
    q.put(1)
    q.put_nowait(2)
    assert q.full()
    with pytest.raises(impl.Full):
        q.put_nowait(3)
    with pytest.raises(impl.Full):
        q.put(3, block=False)
    with pytest.raises(impl.Full):
        q.put(3, timeout=SHORT)
    with pytest.raises(impl.Full):
        q.put(3, timeout=0)
    with raises(ValueError, "'timeout' must be a non-negative number"):
        q.put(3, timeout=-1)
    assert q.get() == 1
    q.put(3, timeout=SHORT)  # room again
    assert [q.get(), q.get()] == [2, 3]


def test_empty_and_timeouts(impl: SimpleNamespace) -> None:
    q = impl.Queue()
    with pytest.raises(impl.Empty):
        q.get_nowait()
    with pytest.raises(impl.Empty):
        q.get(block=False, timeout=5)  # timeout ignored when not blocking
    with pytest.raises(impl.Empty):
        q.get(timeout=SHORT)
    with pytest.raises(impl.Empty):
        q.get(timeout=0)
    with raises(ValueError, "'timeout' must be a non-negative number"):
        q.get(timeout=-0.5)


def test_exceptions_are_the_standard_librarys(impl: SimpleNamespace) -> None:
    assert impl.Empty is queue.Empty and impl.Full is queue.Full


def test_maxsize_zero_or_negative_is_unbounded(impl: SimpleNamespace) -> None:
    for maxsize in (0, -1):
        q = impl.Queue(maxsize)
        for i in range(50):
            q.put_nowait(i)
        assert not q.full() and q.qsize() == 50


def test_blocking_get_woken_by_put(impl: SimpleNamespace) -> None:
    q, got = impl.Queue(), []
    t = spawn(impl, lambda: got.append(q.get(timeout=5)))
    q.put("item")
    t.join()
    assert got == ["item"]


def test_blocking_put_woken_by_get(impl: SimpleNamespace) -> None:
    q = impl.Queue(maxsize=1)
    q.put("first")
    t = spawn(impl, q.put, "second", True, 5)
    assert q.get(timeout=5) == "first"
    assert q.get(timeout=5) == "second"
    t.join()


def test_task_done_and_join(impl: SimpleNamespace) -> None:
    q = impl.Queue()
    q.join()  # nothing unfinished: returns at once
    with raises(ValueError, "task_done() called too many times"):
        q.task_done()
    for i in range(5):
        q.put(i)
    seen = []

    def consumer() -> None:
        for _ in range(5):
            seen.append(q.get(timeout=5))
            q.task_done()

    t = spawn(impl, consumer)
    q.join()  # returns only when every item was marked done
    assert seen == [0, 1, 2, 3, 4]
    assert q.unfinished_tasks == 0
    t.join()
    with raises(ValueError, "task_done() called too many times"):
        q.task_done()


def test_producers_and_consumers_pass_every_item_once(impl: SimpleNamespace) -> None:
    q, out, lock = impl.Queue(maxsize=3), [], impl.Lock()

    def producer(base: int) -> None:
        for i in range(20):
            q.put(base + i, timeout=5)

    def consumer() -> None:
        while (item := q.get(timeout=5)) is not None:
            with lock:
                out.append(item)

    consumers = [spawn(impl, consumer) for _ in range(2)]
    producers = [spawn(impl, producer, base) for base in (0, 100, 200)]
    for t in producers:
        t.join()
    for _ in consumers:
        q.put(None, timeout=5)
    for t in consumers:
        t.join()
    assert sorted(out) == [b + i for b in (0, 100, 200) for i in range(20)]


# --- traced events -------------------------------------------------------------------


def test_traced_queue_events(run: Run) -> None:
    q = Queue(2, name="Q")
    q.put("x" * 100)
    q.put(7)
    with pytest.raises(queue.Full):
        q.put(8, timeout=SHORT)
    assert q.get() == "x" * 100
    q.task_done()
    events = [(e["kind"], e["detail"]) for e in run.of("Q")]
    assert events[0] == ("declare", {"type": "Queue", "value": 2})
    assert events[1][0] == "put" and events[1][1]["size"] == 1
    assert len(events[1][1]["item"]) == 40 and events[1][1]["item"].endswith("…")
    assert events[2] == ("put", {"item": "7", "size": 2})
    # The timed-out put blocked, woke with timed_out, and put nothing.
    assert [k for k, _ in events[3:5]] == ["block", "wake"]
    assert events[3][1] == {"reason": "put", "timeout": pytest.approx(SHORT, abs=0.01)}
    assert events[4][1] == {"timed_out": True}
    assert [k for k, _ in events[5:]] == ["get", "task_done"]
    assert events[6][1] == {"unfinished": 1}


def test_traced_consumer_blocks_on_empty_queue(run: Run) -> None:
    q = Queue(name="Q")
    t = Thread(target=q.get, name="consumer")
    t.start()
    q.put(1)
    t.join()
    mine = [e["kind"] for e in run.of("Q") if e["thread"] == "consumer"]
    assert mine[-1] == "get"
    assert mine in (["get"], ["block", "wake", "get"])


# --- LifoQueue, PriorityQueue, SimpleQueue -------------------------------------------


def kinds(impl: SimpleNamespace) -> SimpleNamespace:
    """The ``queue`` module of ``impl``'s kind: the standard library's or ours."""
    import app.instrument as instrument

    source = queue if impl.kind == "stdlib" else instrument
    names = ("Queue", "LifoQueue", "PriorityQueue", "SimpleQueue", "Empty", "Full")
    return SimpleNamespace(**{n: getattr(source, n) for n in names})


def test_lifo_order_sizes_and_full(impl: SimpleNamespace) -> None:
    q = kinds(impl).LifoQueue(maxsize=3)
    for item in "abc":
        q.put(item)
    assert q.full() and q.qsize() == 3
    with pytest.raises(impl.Full):
        q.put("d", timeout=SHORT)
    assert [q.get(), q.get_nowait(), q.get(timeout=1)] == ["c", "b", "a"]
    with pytest.raises(impl.Empty):
        q.get(timeout=SHORT)
    assert q.empty() and q.unfinished_tasks == 3


def test_priority_order_with_tuples_and_ties(impl: SimpleNamespace) -> None:
    q = kinds(impl).PriorityQueue()
    for item in [(3, "low"), (1, "urgent"), (2, "b"), (2, "a"), (1, "also urgent")]:
        q.put(item)
    assert [q.get() for _ in range(5)] == [
        (1, "also urgent"),
        (1, "urgent"),
        (2, "a"),
        (2, "b"),
        (3, "low"),
    ]
    q.put(5)
    with pytest.raises(TypeError):  # heapq compares: an int and a str do not order
        q.put("five")


def test_lifo_and_priority_track_tasks(impl: SimpleNamespace) -> None:
    for cls in (kinds(impl).LifoQueue, kinds(impl).PriorityQueue):
        q, seen = cls(), []
        for i in (2, 0, 1):
            q.put(i)

        def consumer(q=q, seen=seen) -> None:
            for _ in range(3):
                seen.append(q.get(timeout=5))
                q.task_done()

        t = spawn(impl, consumer)
        q.join()
        t.join()
        assert seen == ([1, 0, 2] if cls is kinds(impl).LifoQueue else [0, 1, 2])


def test_a_programs_subclass_overrides_the_storage(impl: SimpleNamespace) -> None:
    class Newest(kinds(impl).Queue):  # keeps only the newest two items
        def _init(self, maxsize: int) -> None:
            self.queue = []

        def _put(self, item: object) -> None:
            self.queue = [*self.queue, item][-2:]

        def _get(self) -> object:
            return self.queue.pop(0)

    q = Newest()
    for i in range(5):
        q.put(i)
    assert q.qsize() == 2 and [q.get(), q.get()] == [3, 4]
    assert q.unfinished_tasks == 5


def test_simple_queue_put_never_blocks(impl: SimpleNamespace) -> None:
    q = kinds(impl).SimpleQueue()
    assert q.empty() and q.qsize() == 0
    for i in range(100):
        q.put(i, block=True, timeout=-1)  # block and timeout are ignored
    q.put_nowait(100)
    assert q.qsize() == 101 and not q.empty()
    assert [q.get() for _ in range(3)] == [0, 1, 2]
    assert q.get_nowait() == 3 and q.get(timeout=1) == 4
    for attr in ("maxsize", "task_done", "join", "full", "unfinished_tasks"):
        assert not hasattr(q, attr)


def test_simple_queue_get_timeouts(impl: SimpleNamespace) -> None:
    q = kinds(impl).SimpleQueue()
    with pytest.raises(impl.Empty):
        q.get_nowait()
    with pytest.raises(impl.Empty):
        q.get(False, -1)  # not blocking: the timeout is not looked at
    with pytest.raises(impl.Empty):
        q.get(timeout=SHORT)
    with pytest.raises(impl.Empty):
        q.get(timeout=0)
    with raises(ValueError, "'timeout' must be a non-negative number"):
        q.get(True, -1)


def test_simple_queue_blocking_get_woken_by_put(impl: SimpleNamespace) -> None:
    q, got = kinds(impl).SimpleQueue(), []
    consumers = [spawn(impl, lambda: got.append(q.get(timeout=5))) for _ in range(3)]
    for item in "xyz":
        q.put(item)
    for t in consumers:
        t.join()
    assert sorted(got) == ["x", "y", "z"]


def test_queue_classes_are_generic(impl: SimpleNamespace) -> None:
    k = kinds(impl)
    for cls in (k.Queue, k.LifoQueue, k.PriorityQueue, k.SimpleQueue):
        assert cls[int].__origin__ is cls


def test_traced_lifo_and_simple_queue_events(run: Run) -> None:
    from app.instrument import LifoQueue, SimpleQueue

    lifo, simple = LifoQueue(2, name="L"), SimpleQueue(name="S")
    lifo.put("a")
    lifo.put("b")
    assert lifo.get() == "b"
    declare, *ops = [(e["kind"], e["detail"]) for e in run.of("L")]
    assert declare == ("declare", {"type": "Queue", "value": 2, "class": "LifoQueue"})
    assert ops == [
        ("put", {"item": "'a'", "size": 1}),
        ("put", {"item": "'b'", "size": 2}),
        ("get", {"item": "'b'", "size": 1}),
    ]
    t = Thread(target=simple.get, name="consumer")
    t.start()
    simple.put(7)
    t.join()
    assert run.of("S")[0]["detail"] == {"type": "Queue", "value": 0, "class": "SimpleQueue"}
    assert [e["kind"] for e in run.of("S", "put")] == ["put"]
    mine = [e["kind"] for e in run.of("S") if e["thread"] == "consumer"]
    assert mine in (["get"], ["block", "wake", "get"])


def test_controlled_priority_queue_hands_out_the_most_urgent_first() -> None:
    from app.contract import Status
    from app.worker.trial import run_controlled

    def program() -> None:
        from app.instrument import PriorityQueue

        jobs, done = PriorityQueue(name="jobs"), []

        def worker() -> None:
            while (job := jobs.get()) != (9, None):
                done.append(job[1])
            print(done)

        t = Thread(target=worker, name="W")
        for job in [(3, "c"), (1, "a"), (2, "b"), (9, None)]:
            jobs.put(job)
        t.start()
        t.join()

    first = run_controlled(program, {}, 1, "random")
    assert first.status == Status.FINISHED, first.message
    outputs = [e["detail"]["text"] for e in first.events if e["kind"] == "output"]
    assert outputs == ["['a', 'b', 'c']"]
    again = run_controlled(program, {}, 1, "random")
    assert again.events == first.events
