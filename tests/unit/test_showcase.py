"""concurrency-models and api-fanout as the showcase (issue 12): the same work as
threads, processes and asyncio tasks on one time axis, with the GIL lane, and the
verdict's table of the times measured in the run.

Each scenario runs once through the real worker (free mode, as the run manager starts
it); the lanes are read from the raw log here, independently of the verdict's helpers.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from app.analysis.history import check
from app.scenarios import registry
from tests.unit.test_scenarios import Result, run_worker

pytestmark = pytest.mark.timeout(120)

Interval = tuple[float, float]


@pytest.fixture(scope="module")
def models() -> Result:
    return run_worker("concurrency-models", {"rounds": 1})


@pytest.fixture(scope="module")
def fanout() -> Result:
    return run_worker("api-fanout", {"calls": 6, "latency": 0.1, "max_workers": 2})


def intervals(events: list[dict[str, Any]], lane: str, state: str) -> list[Interval]:
    """When ``lane`` was in ``state``, from its events' states."""
    out, since, last_t = [], None, 0.0
    for e in events:
        last_t = e["t"]
        if e["thread"] != lane or e["kind"] == "gil" or e["state"] is None:
            continue
        if since is not None and e["state"] != state:
            out.append((since, e["t"]))
            since = None
        if since is None and e["state"] == state:
            since = e["t"]
    if since is not None:
        out.append((since, last_t))
    return out


def most_at_once(spans: list[Interval]) -> int:
    edges = sorted([(a, 1) for a, _ in spans] + [(b, -1) for _, b in spans])
    most = now = 0
    for _t, delta in edges:
        now += delta
        most = max(most, now)
    return most


def created(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["thread"]: e["detail"] for e in events if e["kind"] == "create"}


def program_line(scenario: str, text: str) -> int:
    lines = registry.get(scenario).source.splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_models_run_short_and_keep_the_contract(models: Result) -> None:
    assert models.status == "finished", models.message
    assert check(models.events) == []
    assert models.seconds < 15  # a few seconds at its defaults, even on a busy machine


def test_models_threads_take_turns_on_the_gil_lane(models: Result) -> None:
    ev = models.events
    threads = [f"thread-{i}" for i in range(1, 5)]
    assert set(threads) <= set(created(ev))
    holders = [e["thread"] for e in ev if e["kind"] == "gil" and e["thread"] in threads]
    assert set(holders) == set(threads)  # each held it…
    assert sum(a != b for a, b in pairwise(holders)) >= 4  # …in turns
    # The lane measured the watch phase only: it went off at the printed marker, and
    # every timed phase printed after that.
    off = next(e for e in ev if e["kind"] == "gil" and "off" in e["detail"])
    assert "timed rounds" in off["detail"]["off"]
    assert not [e for e in ev if e["kind"] == "gil" and e["seq"] > off["seq"]]
    timed = [e for e in ev if e["kind"] == "output" and "/" in e["detail"]["text"]]
    assert timed and all(e["seq"] > off["seq"] for e in timed)


def test_models_processes_run_at_the_same_time(models: Result) -> None:
    ev = models.events
    processes = [f"process-{i}/MainThread" for i in range(1, 5)]
    assert set(processes) <= set(created(ev))
    assert all(created(ev)[p]["pid"] for p in processes)
    running = [span for p in processes for span in intervals(ev, p, "Running")]
    assert len(running) >= 4 and most_at_once(running) >= 2  # overlapping Running


def test_models_tasks_switch_only_at_await(models: Result) -> None:
    ev = models.events
    tasks = [f"async-{i}" for i in range(1, 5)]
    lanes = created(ev)
    assert all(lanes[t].get("task") and lanes[t]["loop"] == "MainThread" for t in tasks)
    running = [span for t in tasks for span in intervals(ev, t, "Running")]
    assert most_at_once(running) == 1  # one coroutine of the loop at a time
    resumes = [e for t in tasks for e in ev if e["thread"] == t and e["kind"] == "run"]
    first = {t: min(e["seq"] for e in resumes if e["thread"] == t) for t in tasks}
    later = [e for e in resumes if e["seq"] != first[e["thread"]]]
    assert len(later) >= 4 * 9  # ten chunks each: a switch after every chunk
    assert {e["line"] for e in later} == {program_line("concurrency-models", "asyncio.sleep(0)")}


def test_models_verdict_compares_the_variants(models: Result) -> None:
    facts = models.verdict["facts"]
    assert [(r["job"], r["variant"]) for r in facts["table"]] == [
        (job, m) for job in ("cpu", "io") for m in ("sequential", "threads", "processes", "asyncio")
    ]
    assert all(r["seconds"] > 0 for r in facts["table"])
    assert facts["cores"] >= 1 and facts["process_startup"] > 0
    watched = facts["watched"]
    assert watched["threads"]["held_the_gil"] == 4
    assert watched["processes"]["most_running_at_once"] >= 2
    assert watched["tasks"]["most_running_at_once"] == 1
    line = program_line("concurrency-models", "asyncio.sleep(0)")
    assert watched["tasks"]["resumed_at_lines"] == [line]
    assert any(d.startswith("Watched, not timed") for d in models.verdict["facts"]["details"])


def test_fanout_threads_and_tasks_overlap_their_waits(fanout: Result) -> None:
    assert fanout.status == "finished", fanout.message
    assert check(fanout.events) == []
    ev, lanes = fanout.events, created(fanout.events)
    calls = [n for n, d in lanes.items() if n.startswith("call")]
    tasks = [n for n, d in lanes.items() if n.startswith("async-call") and d.get("task")]
    assert len(calls) == len(tasks) == 6
    assert all(lanes[t]["loop"] == "MainThread" for t in tasks)  # one thread
    assert most_at_once([s for n in calls for s in intervals(ev, n, "Blocked")]) == 6
    assert most_at_once([s for n in tasks for s in intervals(ev, n, "Blocked")]) == 6
    facts = fanout.verdict["facts"]
    assert [r["variant"] for r in facts["table"]] == [
        "sequential",
        "a thread per call",
        "pool of 2",
        "asyncio tasks",
    ]
    assert facts["most_waiting_at_once"] == {"threads": 6, "tasks": 6}
    # The GIL lane measured the whole run, and nobody held it most of the time.
    assert any(e["kind"] == "gil" and e["thread"] for e in ev)
    assert facts["lane"]["nobody"] > facts["lane"]["seconds"] / 2


def test_the_verdicts_overlap_count() -> None:
    from app.analysis.verdicts.showcase import _at_once

    assert _at_once([]) == (0, 0.0)
    assert _at_once([(0.0, 1.0), (1.0, 2.0)]) == (1, 0.0)  # touching is not overlapping
    assert _at_once([(0.0, 2.0), (1.0, 3.0), (1.5, 1.75)]) == (3, 1.0)
