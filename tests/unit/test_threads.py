"""Thread: ``threading.Thread``'s observable behaviour, outside a run and inside one
(``impl`` runs each test against the standard library, app.instrument plain, and traced),
then the lifecycle events a traced thread records."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from app.analysis.history import replay
from app.instrument import Event, Thread
from tests.unit.conftest import Run, raises, traced_run

SHORT = 0.05

pytestmark = pytest.mark.timeout(10)


def test_target_form_with_args_and_kwargs(impl: SimpleNamespace) -> None:
    out = []
    t = impl.Thread(target=lambda a, b=0: out.append(a + b), args=(1,), kwargs={"b": 2})
    t.start()
    t.join()
    assert out == [3]
    t = impl.Thread()  # no target: run() does nothing
    t.start()
    t.join()
    assert not t.is_alive()


def test_subclass_form(impl: SimpleNamespace) -> None:
    class Worker(impl.Thread):
        def __init__(self, n: int) -> None:
            super().__init__(name=f"W{n}")
            self.n = n
            self.result = None

        def run(self) -> None:
            self.result = self.n * 10

    workers = [Worker(n) for n in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert [w.result for w in workers] == [0, 10, 20]
    assert [w.name for w in workers] == ["W0", "W1", "W2"]


def test_name_and_daemon(impl: SimpleNamespace) -> None:
    t = impl.Thread(target=print, name="worker-1")
    assert t.name == "worker-1"
    assert t.daemon is False  # inherited from the creating thread
    d = impl.Thread(target=print, daemon=True)
    assert d.daemon is True
    t.daemon = True
    assert t.daemon is True
    t.daemon = False
    assert t.ident is None
    t.start()
    assert t.ident is not None
    with raises(RuntimeError, "cannot set daemon status of active thread"):
        t.daemon = True
    t.join()
    with raises(RuntimeError, "cannot set daemon status of active thread"):
        t.daemon = True


def test_default_name_outside_a_run_names_the_target() -> None:
    for impl_thread in (threading.Thread, Thread):
        t = impl_thread(target=print)
        assert t.name.startswith("Thread-") and t.name.endswith(" (print)")
        assert not impl_thread().name.endswith(")")


def test_name_is_converted_to_str(impl: SimpleNamespace) -> None:
    assert impl.Thread(name=7).name == "7"


def test_is_alive_before_during_after_and_join_timeout(impl: SimpleNamespace) -> None:
    release, started = threading.Event(), threading.Event()

    def body() -> None:
        started.set()
        release.wait(5)

    t = impl.Thread(target=body)
    assert not t.is_alive()
    t.start()
    started.wait(5)
    assert t.is_alive()
    assert t.join(SHORT) is None  # timed out: returns None, thread still alive
    assert t.is_alive()
    t.join(0)
    t.join(-1)  # negative: as join(0)
    assert t.is_alive()
    release.set()
    t.join()
    assert not t.is_alive()
    t.join()  # joining again is fine
    t.join(SHORT)


def test_join_errors_and_start_twice(impl: SimpleNamespace) -> None:
    t = impl.Thread(target=lambda: None)
    with raises(RuntimeError, "cannot join thread before it is started"):
        t.join()
    t.start()
    with raises(RuntimeError, "threads can only be started once"):
        t.start()
    t.join()
    with raises(RuntimeError, "threads can only be started once"):
        t.start()


def test_joining_itself(impl: SimpleNamespace) -> None:
    errors: list[BaseException] = []
    box: list = []

    def body() -> None:
        try:
            box[0].join()
        except RuntimeError as exc:
            errors.append(exc)

    t = impl.Thread(target=body)
    box.append(t)
    t.start()
    t.join()
    assert [str(e) for e in errors] == ["cannot join current thread"]


def test_group_must_be_none(impl: SimpleNamespace) -> None:
    with pytest.raises(AssertionError):
        impl.Thread(group=object())


def test_traced_system_exit_ends_the_thread_quietly(run: Run) -> None:
    # threading ignores SystemExit in a thread (pytest's own excepthook would not, so the
    # standard library's row is left out); a traced thread exits without an error.
    def body() -> None:
        raise SystemExit(3)

    t = Thread(target=body, name="T1")
    t.start()
    t.join()
    assert not t.is_alive()
    assert run.of(kind="exit")[-1]["detail"] == {}


def test_many_joiners(impl: SimpleNamespace) -> None:
    gate = threading.Event()
    target = impl.Thread(target=gate.wait, args=(5,))
    target.start()
    joiners = [impl.Thread(target=target.join, args=(5,)) for _ in range(3)]
    for j in joiners:
        j.start()
    gate.set()
    for j in joiners:
        j.join()
    assert not target.is_alive()


# --- traced lifecycle ----------------------------------------------------------------


def lifecycle(run: Run, thread: str) -> list[tuple[str, str]]:
    return [(e["kind"], e["state"]) for e in run.events() if e["thread"] == thread]


def test_traced_lifecycle_events(run: Run) -> None:
    def work(x: int) -> None:
        pass

    t = Thread(target=work, args=(1,), name="T1")
    assert lifecycle(run, "T1") == [("create", "New")]
    assert run.of(kind="create")[-1]["detail"] == {"daemon": False, "target": "work"}
    t.start()
    t.join()
    assert lifecycle(run, "T1") == [
        ("create", "New"),
        ("start", "Runnable"),
        ("run", "Running"),
        ("exit", "Dead"),
    ]
    joins = run.of("T1", "join")
    assert joins[-1]["thread"] == "MainThread"
    assert joins[-1]["detail"] == {"timeout": None, "alive": False}


def test_traced_join_timeout_records_alive(run: Run) -> None:
    gate = Event(name="gate")
    t = Thread(target=gate.wait, name="T1")
    t.start()
    t.join(SHORT)
    assert t.is_alive()
    gate.set()
    t.join()
    details = [e["detail"] for e in run.of("T1", "join")]
    assert details == [{"timeout": SHORT, "alive": True}, {"timeout": None, "alive": False}]
    main = [e for e in run.of("T1") if e["thread"] == "MainThread" and e["kind"] == "block"]
    assert main[0]["detail"]["reason"] == "join"


def test_traced_exception_becomes_the_exit_detail(run: Run) -> None:
    def boom() -> None:
        raise ValueError("bad value")

    t = Thread(target=boom, name="T1")
    t.start()
    t.join()
    assert not t.is_alive()
    exit_ev = run.of(kind="exit")[-1]
    assert exit_ev["thread"] == "T1" and exit_ev["state"] == "Dead"
    assert exit_ev["detail"]["error"] == "ValueError: bad value"
    tb = exit_ev["detail"]["traceback"]
    assert tb.startswith("Traceback") and "in boom" in tb and "ValueError: bad value" in tb
    assert replay(run.events()).errors == {"T1": "ValueError: bad value"}


def test_traced_names_are_unique_in_a_run(run: Run) -> None:
    # The log identifies threads by name: two named alike get distinct lanes, while
    # the program still sees the name it gave.
    threads = [Thread(name="W"), Thread(name="W"), Thread(), Thread()]
    assert [t.name for t in threads] == ["W", "W", "Thread-1", "Thread-2"]
    assert [t._info.name for t in threads] == ["W", "W#2", "Thread-1", "Thread-2"]
    assert [e["thread"] for e in run.of(kind="create")][1:] == ["W", "W#2", "Thread-1", "Thread-2"]


def test_traced_daemon_inherits_and_is_recorded(run: Run) -> None:
    t = Thread(target=lambda: None, daemon=True, name="D")
    assert run.of(kind="create")[-1]["detail"]["daemon"] is True
    child: list = []
    t2 = Thread(target=lambda: child.append(Thread(name="child")), daemon=True, name="D2")
    t2.start()
    t2.join()
    assert child[0].daemon is True
    t.start()
    t.join()


def test_traced_thread_limit() -> None:
    with traced_run() as r:
        r.rt.max_threads = 2  # MainThread counts
        first = Thread(target=lambda: None)
        first.start()
        with pytest.raises(RuntimeError, match="at most 2 threads"):
            Thread(target=lambda: None).start()
        first.join()


def test_a_thread_from_outside_the_run_is_adopted(run: Run) -> None:
    from app.instrument import Lock

    lock = Lock(name="L")
    t = threading.Thread(target=lambda: lock.acquire() and lock.release(), name="foreign")
    t.start()
    t.join()
    mine = lifecycle(run, "foreign")
    assert mine[:3] == [("create", "New"), ("start", "Runnable"), ("run", "Running")]
    assert run.of("L", "acquire")[0]["thread"] == "foreign"
