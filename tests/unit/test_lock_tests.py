"""CPython's own tests of its locks, run against what a program gets from ``threading``.

``tests/vendor/lock_tests.py`` is ``Lib/test/lock_tests.py`` of CPython 3.11.  Its test
classes are made concrete here as CPython's ``test_threading`` makes them, with the
classes of the substitute ``threading`` module the worker hands a program
(``app/instrument/stdlib.py``), and each test runs inside a run in free mode — the
timing tests need real time.  The threads the tests start with ``_thread`` are adopted
by the run, as a program's would be; at the end of each test its whole log must be a
consistent history.

A test that cannot pass is skipped with its reason; each one is a known difference.
"""

from __future__ import annotations

import unittest
from typing import Any

import pytest

from app.instrument import stdlib
from tests.unit.conftest import Run, assert_consistent, traced_run
from tests.vendor import lock_tests

pytestmark = pytest.mark.timeout(120)

threading = stdlib.substitute("threading")

# Why a test of lock_tests cannot pass against the traced classes.
PRIVATE_FORK_HOOK = (
    "_at_fork_reinit is threading's hook for its own locks after os.fork(); it is never "
    "called on a program's locks, and the traced ones do not have it"
)
RECURSION_COUNT = "_recursion_count() is a private helper of CPython's RLock, not provided"


@pytest.fixture(autouse=True)
def _program_threading(monkeypatch: pytest.MonkeyPatch) -> None:
    """``lock_tests`` itself uses the program's ``threading`` (``threading.Lock()``,
    ``threading.get_ident()``, ``threading.BrokenBarrierError``)."""
    monkeypatch.setattr(lock_tests, "threading", threading)


class InRun(unittest.TestCase):
    """Each test inside a free-mode run; its log is checked at the end."""

    def setUp(self) -> None:
        self._context = traced_run()
        self.run_: Run = self._context.__enter__()
        super().setUp()

    def tearDown(self) -> None:
        try:
            super().tearDown()
        finally:
            self.run_.rt.reap_adopted()
            events = self.run_.events()
            self._context.__exit__(None, None, None)
            assert_consistent(events)


def skip(reason: str) -> Any:
    return unittest.skip(reason)


class LockTests(InRun, lock_tests.LockTests):
    locktype = staticmethod(threading.Lock)

    test_at_fork_reinit = skip(PRIVATE_FORK_HOOK)(lock_tests.LockTests.test_at_fork_reinit)


class RLockTests(InRun, lock_tests.RLockTests):
    locktype = staticmethod(threading.RLock)

    test_recursion_count = skip(RECURSION_COUNT)(lock_tests.RLockTests.test_recursion_count)


class ConditionAsRLockTests(InRun, lock_tests.RLockTests):
    # As CPython's test_threading: a Condition uses an RLock and exports its API.
    locktype = staticmethod(threading.Condition)

    test_recursion_count = skip("Condition does not expose _recursion_count() (as CPython)")(
        lock_tests.RLockTests.test_recursion_count
    )


class EventTests(InRun, lock_tests.EventTests):
    eventtype = staticmethod(threading.Event)

    test_at_fork_reinit = skip(PRIVATE_FORK_HOOK)(lock_tests.EventTests.test_at_fork_reinit)


class ConditionTests(InRun, lock_tests.ConditionTests):
    condtype = staticmethod(threading.Condition)


class SemaphoreTests(InRun, lock_tests.SemaphoreTests):
    semtype = staticmethod(threading.Semaphore)


class BoundedSemaphoreTests(InRun, lock_tests.BoundedSemaphoreTests):
    semtype = staticmethod(threading.BoundedSemaphore)


class BarrierTests(InRun, lock_tests.BarrierTests):
    barriertype = staticmethod(threading.Barrier)


def test_the_classes_are_the_traced_ones() -> None:
    """The suite above tests Threadlab's classes, not the standard library's."""
    import app.instrument as instrument

    for name in ("Lock", "RLock", "Condition", "Event", "Semaphore", "BoundedSemaphore"):
        assert getattr(threading, name) is getattr(instrument, name)
    assert threading.Barrier is instrument.Barrier


@pytest.mark.parametrize("timeout", [1e100, 2**63 / 1e9, float("inf"), -float("inf"), float("nan")])
@pytest.mark.parametrize("blocking", [True, False])
def test_out_of_range_timeouts_fail_as_the_standard_librarys(
    timeout: float, blocking: bool
) -> None:
    """What ``test_timeout`` found: a timeout C cannot hold is refused before anything
    else, with threading's own error, inside a run and outside one."""
    import _thread

    def outcome(lock: Any) -> tuple[str, str]:
        with pytest.raises((OverflowError, ValueError)) as info:
            lock.acquire(blocking, timeout)
        return type(info.value).__name__, str(info.value)

    expected = outcome(_thread.allocate_lock())
    assert outcome(threading.RLock()) == expected  # the traced RLock, outside a run
    with traced_run():
        assert outcome(threading.Lock()) == expected
        assert outcome(threading.RLock()) == expected
