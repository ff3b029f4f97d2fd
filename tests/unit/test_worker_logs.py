"""Real worker processes (``python -m app.worker.runner``) write valid, consistent logs;
the free-mode deadlock watchdog's rule (``_all_stuck``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from app.analysis.history import check, replay
from app.instrument.events import validate
from app.instrument.runtime import ThreadInfo
from app.worker.runner import _all_stuck
from tests.fakes.procs import converse

ROOT = Path(__file__).resolve().parents[2]
WORKER = [sys.executable, "-m", "app.worker.runner"]


def run_worker(scenario: str, **params: Any) -> tuple[list[dict], list[dict]]:
    """Run one scenario in a real worker; (events, messages).  Stdin stays open until
    ``done``: closing it is the manager's way of cancelling the run."""
    spec = {
        "scenario": scenario,
        "params": params,
        "mode": "free",
        "seed": 1,
        "policy": "random",
        "options": {},
        "limits": {"wall_time": 20, "max_events": 200_000, "max_threads": 64, "idle_time": 60},
    }
    events, messages, _ = converse(WORKER, spec)
    return events, messages


@pytest.mark.timeout(30)
@pytest.mark.parametrize("scenario", ["race", "race-locked"])
def test_worker_log_is_valid_and_consistent(scenario: str) -> None:
    threads, iterations = 4, 500
    events, messages = run_worker(scenario, threads=threads, iterations=iterations)
    assert messages[0]["msg"] == "ready"
    assert messages[-1]["msg"] == "done" and messages[-1]["status"] == "finished"
    for ev in events:
        assert validate(ev) is None, ev
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert check(events) == []
    history = replay(events)
    assert {t.state for t in history.threads.values()} == {"Dead"}
    assert set(history.threads) == {"MainThread", "T1", "T2", "T3", "T4"}
    final = history.resources["counter"].value
    expected = threads * iterations
    # One write per increment (and race's ``counter = 0`` is MainThread's write).
    assert len([e for e in events if e["kind"] == "write" and e["thread"] != "MainThread"]) == (
        expected
    )
    if scenario == "race-locked":
        assert final == expected
        assert history.max_holders["lock"] == 1
    else:
        assert 0 < final <= expected
    assert history.outputs == [f"expected {expected}, got {final}"]


def info(name: str, state: str, blocked_on: Any = None, daemon: bool = False) -> ThreadInfo:
    t = ThreadInfo(name, daemon)
    t.state, t.blocked_on = state, blocked_on
    return t


FOREVER = ("L", "acquire", None)


def test_all_stuck_when_every_live_thread_waits_forever() -> None:
    threads = [
        info("MainThread", "Blocked", ("T1", "join", None)),
        info("T1", "Blocked", FOREVER),
        info("T2", "Dead"),
        info("T3", "New"),
    ]
    assert [t.name for t in _all_stuck(threads)] == ["MainThread", "T1"]
    # A blocked daemon counts as stuck along with the rest.
    threads.append(info("D", "Blocked", FOREVER, daemon=True))
    assert len(_all_stuck(threads)) == 3


@pytest.mark.parametrize(
    "other",
    [
        info("T2", "Running"),
        info("T2", "Runnable"),
        info("T2", "Blocked", ("L", "acquire", 1.0)),  # a timed wait ends by itself
        info("T2", "Blocked", (None, "sleep", None)),
        info("T2", "Blocked", None),  # blocked on nothing known
        info("T2", "Running", daemon=True),  # a running daemon may still release it
    ],
)
def test_not_stuck_while_some_thread_can_go_on(other: ThreadInfo) -> None:
    assert _all_stuck([info("T1", "Blocked", FOREVER), other]) == []


def test_not_stuck_with_only_daemons_or_nobody() -> None:
    assert _all_stuck([]) == []
    assert _all_stuck([info("MainThread", "Dead"), info("T1", "New")]) == []
    assert _all_stuck([info("D", "Blocked", FOREVER, daemon=True)]) == []
