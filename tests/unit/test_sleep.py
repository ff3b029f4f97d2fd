"""The traced ``sleep`` (what a program's ``time.sleep`` is): the real sleep outside a
run, a visible block and wake inside one."""

from __future__ import annotations

import time

import pytest

from app.instrument import sleep
from tests.unit.conftest import Run, raises

pytestmark = pytest.mark.timeout(10)


def test_plain_outside_a_run() -> None:
    sleep(0)
    with raises(ValueError, "sleep length must be non-negative"):
        time.sleep(-1)  # (the standard library's own message)
    with raises(ValueError, "sleep length must be non-negative"):
        sleep(-1)


def test_sleep_blocks_and_wakes(run: Run) -> None:
    sleep(0.01)
    mine = [(e["kind"], e["state"], e["detail"]) for e in run.events()][-4:]
    assert mine == [
        ("sleep", "Running", {"seconds": 0.01}),
        ("block", "Blocked", {"reason": "sleep", "seconds": 0.01}),
        ("wake", "Runnable", {}),
        ("run", "Running", {}),
    ]
    with pytest.raises(ValueError):
        sleep(-0.5)


def test_sleep_really_waits(run: Run) -> None:
    start = time.perf_counter()
    sleep(0.03)
    assert time.perf_counter() - start >= 0.03
