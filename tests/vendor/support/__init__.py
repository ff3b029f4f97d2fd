"""The few parts of CPython's ``test.support`` that ``lock_tests.py`` uses, written
again (Debian's Python ships without the ``test`` package).  Same names, same meaning,
the values CPython 3.11 uses."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator

SHORT_TIMEOUT = 30.0  # a wait that is meant to succeed gives up after this long
LONG_TIMEOUT = 5 * 60.0
has_fork_support = hasattr(os, "fork")


def busy_retry(
    timeout: float, err_msg: str | None = None, /, *, error: bool = True
) -> Iterator[None]:
    """Loop until the body breaks out; after ``timeout`` seconds stop, and raise
    AssertionError if ``error``."""
    if timeout <= 0:
        raise ValueError("timeout must be greater than zero")
    start_time = time.monotonic()
    deadline = start_time + timeout
    while True:
        yield
        if time.monotonic() >= deadline:
            break
    if error:
        msg = f"timeout ({time.monotonic() - start_time:.1f} seconds)"
        raise AssertionError(f"{msg}: {err_msg}" if err_msg else msg)


def sleeping_retry(
    timeout: float,
    err_msg: str | None = None,
    /,
    *,
    init_delay: float = 0.010,
    max_delay: float = 1.0,
    error: bool = True,
) -> Iterator[None]:
    """``busy_retry`` that sleeps between tries, twice as long each time."""
    delay = init_delay
    for _ in busy_retry(timeout, err_msg, error=error):
        yield
        time.sleep(delay)
        delay = min(delay * 2, max_delay)


def gc_collect() -> None:
    gc.collect()
    gc.collect()
    gc.collect()


def reap_children() -> None:
    """Reap the dead child processes a test left (the tests used here start none)."""
    while hasattr(os, "waitpid") and hasattr(os, "WNOHANG"):
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except OSError:
            break
        if pid == 0:
            break
