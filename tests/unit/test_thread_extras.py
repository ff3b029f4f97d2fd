"""Timer, local, current_thread, main_thread, enumerate, active_count, get_ident and
excepthook: ``threading``'s observable behaviour, outside a run and inside one (``impl``
runs each test against the standard library, app.instrument plain, and traced), then
what the traced ones add: they answer for the run's threads, in controlled mode too."""

from __future__ import annotations

import threading
import weakref
from types import SimpleNamespace
from typing import Any

import pytest

import app.instrument as instrument
from app.contract import Status
from app.instrument import stdlib
from app.worker.trial import run_controlled
from tests.unit.conftest import Run, raises, traced_run

SHORT = 0.05

pytestmark = pytest.mark.timeout(20)

NAMES = (
    "Timer",
    "local",
    "current_thread",
    "main_thread",
    "enumerate",
    "active_count",
    "get_ident",
    "Thread",
    "Event",
)


def th(impl: SimpleNamespace) -> SimpleNamespace:
    """``threading`` of ``impl``'s kind."""
    source: Any = threading if impl.kind == "stdlib" else instrument
    return SimpleNamespace(**{n: getattr(source, n) for n in NAMES})


def in_thread(impl: SimpleNamespace, fn: Any) -> Any:
    out: list[Any] = []
    t = th(impl).Thread(target=lambda: out.append(fn()))
    t.start()
    t.join()
    return out[0]


# --- Timer --------------------------------------------------------------------------


def test_timer_calls_its_function_after_the_interval(impl: SimpleNamespace) -> None:
    k, calls, done = th(impl), [], impl.Event()

    def action(*args: Any, **kwargs: Any) -> None:
        calls.append((args, kwargs))
        done.set()

    t = k.Timer(SHORT, action, args=(1, 2), kwargs={"x": 3})
    assert isinstance(t, k.Thread) and not t.finished.is_set()
    t.start()
    assert done.wait(5)
    t.join()
    assert calls == [((1, 2), {"x": 3})] and t.finished.is_set() and not t.is_alive()


def test_a_cancelled_timer_never_calls(impl: SimpleNamespace) -> None:
    k, calls = th(impl), []
    t = k.Timer(5.0, calls.append, args=("too late",))
    t.start()
    t.cancel()
    t.join(5)
    assert not t.is_alive() and calls == []
    t.cancel()  # again: harmless


def test_timer_defaults(impl: SimpleNamespace) -> None:
    t = th(impl).Timer(1.0, print)
    assert (t.interval, t.function, t.args, t.kwargs) == (1.0, print, [], {})


def test_controlled_timer_waits_in_virtual_time() -> None:
    def program() -> None:
        from app.instrument import Timer

        t = Timer(30.0, print, args=("ring",))
        t.start()
        t.join()

    result = run_controlled(program, {}, 0, "random")
    assert result.status == Status.FINISHED, result.message
    ring = next(e for e in result.events if e["kind"] == "output")
    assert ring["detail"]["text"] == "ring" and ring["t"] >= 30.0
    block = next(e for e in result.events if e["kind"] == "block" and e["thread"] == "Thread-1")
    assert block["obj"] == "Thread-1.finished" and block["detail"]["timeout"] == 30.0


# --- local --------------------------------------------------------------------------


def test_local_attributes_are_per_thread(impl: SimpleNamespace) -> None:
    data = th(impl).local()
    data.x = "main"

    def other() -> tuple[bool, str, dict[str, Any]]:
        seen = hasattr(data, "x")
        data.x = "other"
        return seen, data.x, dict(data.__dict__)

    assert in_thread(impl, other) == (False, "other", {"x": "other"})
    assert data.x == "main" and data.__dict__ == {"x": "main"}
    del data.x
    assert not hasattr(data, "x")
    with pytest.raises(AttributeError):
        del data.x
    with pytest.raises(AttributeError, match="'__dict__' is read-only"):
        data.__dict__ = {}
    assert weakref.ref(data)() is data


def test_local_subclass_init_runs_in_each_thread(impl: SimpleNamespace) -> None:
    inits: list[tuple[int, int]] = []

    class Counter(th(impl).local):
        step = 10  # class attributes are shared

        def __init__(self, start: int, extra: int = 0) -> None:
            inits.append((start, extra))
            self.value = start + extra

        @property
        def doubled(self) -> int:
            return self.value * 2

        def bump(self) -> int:
            self.value += self.step
            return self.value

    counter = Counter(1, extra=2)
    assert counter.bump() == 13 and counter.doubled == 26
    assert in_thread(impl, lambda: (counter.bump(), counter.doubled)) == (13, 26)
    assert counter.value == 13 and inits == [(1, 2), (1, 2)]


def test_local_without_init_takes_no_arguments(impl: SimpleNamespace) -> None:
    with raises(TypeError, "Initialization arguments are not supported"):
        th(impl).local(1)


def test_local_slots_and_getattr_fallback(impl: SimpleNamespace) -> None:
    class Slotted(th(impl).local):
        __slots__ = ("__dict__", "shared")

        def __getattr__(self, name: str) -> str:
            return f"no {name}"

    obj = Slotted()
    obj.shared = "everyone"  # a slot: the same in every thread, as CPython's
    obj.mine = "main"
    assert in_thread(impl, lambda: (obj.shared, obj.mine)) == ("everyone", "no mine")


def test_controlled_local_is_per_run_thread() -> None:
    def program() -> None:
        from app.instrument import Thread, current_thread, local

        data = local()

        def work() -> None:
            data.name = current_thread().name
            data.count = getattr(data, "count", 0) + 1
            print(data.name, data.count)

        threads = [Thread(target=work) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    result = run_controlled(program, {}, 5, "random")
    assert result.status == Status.FINISHED, result.message
    outputs = sorted(e["detail"]["text"] for e in result.events if e["kind"] == "output")
    assert outputs == [f"Thread-{i} (work) 1" for i in (1, 2, 3)]


# --- current_thread, main_thread, enumerate, active_count, get_ident --------------------


def test_current_thread_in_a_thread_and_in_main(impl: SimpleNamespace) -> None:
    k = th(impl)
    box: list[Any] = []

    def body() -> None:
        me = k.current_thread()
        box.extend([me, me.name, k.get_ident(), me.ident, me.is_alive()])

    t = k.Thread(target=body, name="worker")
    t.start()
    t.join()
    me, name, ident, its_ident, alive = box
    assert name == "worker" and ident == its_ident == t.ident and alive
    if impl.kind != "plain":  # outside a run ours answers with the thread underneath
        assert me is t
    main = k.current_thread()
    assert main.name == "MainThread" and main is k.main_thread() and main.is_alive()
    assert main.ident == k.get_ident() and main.daemon is False
    assert isinstance(main, k.Thread) or impl.kind == "plain"


def test_enumerate_lists_started_live_threads(impl: SimpleNamespace) -> None:
    k, go, started = th(impl), impl.Event(), impl.Event()

    def body() -> None:
        started.set()
        go.wait(5)

    before = len(k.enumerate())
    idle = k.Thread(target=body)
    live = k.Thread(target=body)
    live.start()
    started.wait(5)
    names = [t.name for t in k.enumerate()]
    assert live.name in names and idle.name not in names
    assert k.active_count() == len(k.enumerate()) == before + 1
    go.set()
    live.join()
    assert live.name not in [t.name for t in k.enumerate()]
    assert k.active_count() == before


def test_traced_enumerate_is_the_runs_threads(run: Run) -> None:
    t = instrument.Thread(target=lambda: None, name="T")
    assert [x.name for x in instrument.enumerate()] == ["MainThread"]
    assert instrument.active_count() == 1  # the test process's own threads do not count
    t.start()
    t.join()
    assert instrument.enumerate() == [instrument.main_thread()]


def test_an_adopted_thread_has_a_current_thread(run: Run) -> None:
    out: list[Any] = []
    t = threading.Thread(target=lambda: out.append(instrument.current_thread()), name="foreign")
    t.start()
    t.join()
    assert out[0].name == "foreign" and out[0].ident == t.ident
    assert isinstance(out[0], instrument.Thread)


def test_controlled_thread_functions_answer_for_the_run() -> None:
    def program() -> None:
        from app.instrument import Thread, active_count, current_thread, enumerate, main_thread

        def work() -> None:
            print(current_thread().name, active_count(), [t.name for t in enumerate()])

        t = Thread(target=work, name="W")
        t.start()
        t.join()
        print(current_thread() is main_thread(), active_count())

    result = run_controlled(program, {}, 0, "random")
    outputs = [e["detail"]["text"] for e in result.events if e["kind"] == "output"]
    assert outputs == ["W 2 ['MainThread', 'W']", "True 1"]


# --- excepthook ---------------------------------------------------------------------


def _boom() -> None:
    raise ValueError("bad value")


def _printed(make: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    # pytest's own threading.excepthook would turn the report into a warning.
    monkeypatch.setattr(threading, "excepthook", threading.__excepthook__)
    t = make(target=_boom, name="T1")
    t.start()
    t.join()
    return capsys.readouterr().err


def _without_threading_frames(text: str) -> str:
    lines = text.splitlines()
    out, skip = [], False
    for line in lines:
        if line.startswith('  File "') and "threading.py" in line:
            skip = True
            continue
        if skip and line.startswith("    "):
            continue
        skip = False
        out.append(line)
    return "\n".join(out)


def test_a_threads_exception_is_printed_as_python_prints_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _printed(threading.Thread, capsys, monkeypatch)
    assert expected.startswith("Exception in thread T1:\nTraceback (most recent call last):")
    with traced_run():
        traced = _printed(instrument.Thread, capsys, monkeypatch)
    assert traced == _without_threading_frames(expected) + "\n"
    assert "app/instrument" not in traced


def test_the_programs_excepthook_is_called(monkeypatch: pytest.MonkeyPatch) -> None:
    program_threading = stdlib.substitute("threading")
    seen: list[Any] = []
    monkeypatch.setattr(program_threading, "excepthook", seen.append, raising=False)
    with traced_run() as run:
        t = instrument.Thread(target=_boom, name="T1")
        t.start()
        t.join()
    (args,) = seen
    assert (args.exc_type, str(args.exc_value), args.thread) == (ValueError, "bad value", t)
    assert args.exc_traceback.tb_frame.f_code.co_name == "_boom"  # our frames cut out
    assert run.of(kind="exit")[-1]["detail"]["error"] == "ValueError: bad value"


def test_a_failing_excepthook_is_reported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(args: Any) -> None:
        raise RuntimeError("hook broke")

    monkeypatch.setattr(stdlib.substitute("threading"), "excepthook", broken, raising=False)
    monkeypatch.setattr("sys.excepthook", lambda *exc: print("sys.excepthook:", exc[1]))
    with traced_run():
        t = instrument.Thread(target=_boom, name="T1")
        t.start()
        t.join()
    assert capsys.readouterr() == (
        "sys.excepthook: hook broke\n",
        "Exception in threading.excepthook:\n",
    )


def test_system_exit_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    instrument.excepthook(threading.ExceptHookArgs([SystemExit, SystemExit(1), None, None]))
    assert capsys.readouterr().err == ""


def test_the_runs_output_shows_the_traceback() -> None:
    def program() -> None:
        from app.instrument import Thread

        def worker() -> None:
            {}["missing"]

        t = Thread(target=worker)
        t.start()
        t.join()

    result = run_controlled(program, {}, 0, "random")
    assert result.status == Status.FINISHED, result.message
    text = [e["detail"]["text"] for e in result.events if e["kind"] == "output"]
    assert text[:2] == [
        "Exception in thread Thread-1 (worker):",
        "Traceback (most recent call last):",
    ]
    assert text[-1] == "KeyError: 'missing'" and any("in worker" in line for line in text)
    assert all(
        e["detail"]["by"] == "Thread-1 (worker)" for e in result.events if e["kind"] == "output"
    )
