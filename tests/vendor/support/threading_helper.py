"""The parts of CPython's ``test.support.threading_helper`` that ``lock_tests.py`` uses:
count the OS threads before a test, and wait (a bounded while) for them to be gone."""

from __future__ import annotations

import _thread
import contextlib
import time
from collections.abc import Iterator

from tests.vendor import support


def threading_setup() -> tuple[int]:
    return (_thread._count(),)


def threading_cleanup(orig_count: int) -> None:
    """Wait up to a second for the threads a test started to end (CPython only warns
    if they do not; so does this, by returning)."""
    for _ in support.sleeping_retry(1.0, error=False):
        if _thread._count() <= orig_count:
            return


@contextlib.contextmanager
def wait_threads_exit(timeout: float | None = None) -> Iterator[None]:
    """Wait until every thread started inside the ``with`` has exited."""
    if timeout is None:
        timeout = support.SHORT_TIMEOUT
    old_count = _thread._count()
    try:
        yield
    finally:
        start_time = time.monotonic()
        for _ in support.sleeping_retry(timeout, error=False):
            support.gc_collect()
            count = _thread._count()
            if count <= old_count:
                break
        else:
            dt = time.monotonic() - start_time
            raise AssertionError(
                f"wait_threads() failed to cleanup {count - old_count} threads after "
                f"{dt:.1f} seconds (count: {count}, old count: {old_count})"
            )
