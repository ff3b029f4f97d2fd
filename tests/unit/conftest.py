"""Unit-test fixtures: a real run set up the way ``app/worker/runner.py`` sets one up.

``run`` installs a ``Runtime`` with the free hook and a ``Recorder``, binds the calling
(test) thread as the run's ``MainThread``, and on teardown uninstalls it and checks that
everything recorded is a valid, consistent history (docs/contracts.md, "The log is a
consistent history") — so every test that uses it is also a consistency test.

``impl`` gives the same test three implementations to run against: the standard library
(``threading``/``queue``), ``app.instrument`` outside a run (plain) and ``app.instrument``
inside a run (traced).  The standard library's row proves the expectation itself.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

import app.instrument as instrument
from app.analysis.history import check
from app.instrument import runtime
from app.instrument.events import NEW, RUNNABLE, Event, validate
from app.instrument.hooks import FreeHook
from app.instrument.recorder import Recorder
from app.instrument.runtime import Runtime, ThreadInfo

NAMES = (
    "Lock",
    "RLock",
    "Condition",
    "Semaphore",
    "BoundedSemaphore",
    "Event",
    "Barrier",
    "BrokenBarrierError",
    "Thread",
)


@dataclass
class Run:
    """A run in progress in this process; ``events()`` is what it recorded so far."""

    rt: Runtime
    recorder: Recorder
    main: ThreadInfo
    _events: list[Event] = field(default_factory=list)

    def events(self) -> list[Event]:
        self._events.extend(self.recorder.to_event(r) for r in self.recorder.take())
        return list(self._events)

    def of(self, obj: str | None = None, kind: str | None = None) -> list[Event]:
        """The events so far on ``obj`` and/or of ``kind``."""
        return [
            e
            for e in self.events()
            if (obj is None or e["obj"] == obj) and (kind is None or e["kind"] == kind)
        ]


@contextmanager
def traced_run(max_events: int = 0) -> Iterator[Run]:
    """Install a run as the worker does (``Worker.__init__`` and ``Worker.run``)."""
    recorder = Recorder(time.perf_counter, max_events)
    hook = FreeHook()
    rt = Runtime(recorder, hook, recorder.now)
    previous = runtime.current
    runtime.install(rt)
    try:
        main = rt.new_thread("MainThread", daemon=False)
        rt.bind(main)
        rt.emit("create", state=NEW, info=main, line=None)
        rt.emit("start", state=RUNNABLE, info=main, line=None)
        hook.starting(rt, main)
        hook.begin(rt, main)
        yield Run(rt, recorder, main)
    finally:
        runtime.install(previous)


def assert_consistent(events: list[Event]) -> None:
    for ev in events:
        assert validate(ev) is None, (validate(ev), ev)
    assert check(events) == []


@pytest.fixture
def run() -> Iterator[Run]:
    with traced_run() as r:
        yield r
    assert_consistent(r.events())


@pytest.fixture(params=["stdlib", "plain", "traced"])
def impl(request: pytest.FixtureRequest) -> Iterator[SimpleNamespace]:
    """threading + queue, or app.instrument outside a run, or inside one."""
    if request.param == "stdlib":
        ns = SimpleNamespace(**{n: getattr(threading, n) for n in NAMES})
        ns.Queue, ns.Empty, ns.Full = queue.Queue, queue.Empty, queue.Full
        ns.kind, ns.run = "stdlib", None
        yield ns
        return
    ns = SimpleNamespace(**{n: getattr(instrument, n) for n in NAMES})
    ns.Queue, ns.Empty, ns.Full = instrument.Queue, instrument.Empty, instrument.Full
    if request.param == "plain":
        assert runtime.current is None
        ns.kind, ns.run = "plain", None
        yield ns
        return
    with traced_run() as r:
        ns.kind, ns.run = "traced", r
        yield ns
    assert_consistent(r.events())


def eventually(predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Poll ``predicate`` until it holds (for states no primitive signals, such as "that
    thread is now parked in barrier.wait()"); fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.001)
    return result


@contextmanager
def raises(exc_type: type[BaseException], message: str) -> Iterator[None]:
    """``pytest.raises`` with the exact message (compared with the stdlib's own)."""
    with pytest.raises(exc_type) as info:
        yield
    assert str(info.value) == message


def spawn(ns: SimpleNamespace, target: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    """Start ``target`` in a thread of ``ns``'s kind (traced threads inside a run)."""
    t = ns.Thread(target=target, args=args, kwargs=kw, daemon=True)
    t.start()
    return t
