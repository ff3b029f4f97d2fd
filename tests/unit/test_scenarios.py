"""Every scenario of the registry, checked without anyone remembering to add it here.

For each scenario: its metadata is complete; it runs through the real worker process
with its defaults in free mode, within its limits; its log keeps the event contract and
replays as a consistent history; and its verdict says what its concept promises —
exactly where the outcome is certain.  Scenarios that run in controlled mode are also
run there (in-process trials, fixed seed), where the outcome is reproducible.

The worker runs are slow next to unit tests (a process each, and the GIL demos measure
real work), so one module fixture starts them all at once on a few threads and every
test reads its result.
"""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.analysis import conclude
from app.analysis.history import check
from app.contract import Goal
from app.instrument.events import Event, validate
from app.scenarios import registry
from app.worker.protocol import is_event_line
from app.worker.trial import run_trial

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = registry.scenarios()
IDS = [s.id for s in SCENARIOS]
MAX_EVENTS = 20_000  # a default run must stay small enough to watch
WALL_TIME = 20.0  # seconds: the default run limit
PARALLEL = 4  # worker processes at once (most scenarios mostly wait)

Facts = dict[str, Any]


@dataclass
class Result:
    status: str
    message: str | None
    events: list[Event]
    seconds: float
    verdict: dict[str, Any]


# --- what each scenario's verdict promises ---------------------------------------------
# check(status, facts) -> None, asserting; keyed by (scenario id, params as JSON).


def finished(status: str) -> None:
    assert status == "finished"


def expect_thread_basics(status: str, f: Facts) -> None:
    finished(status)
    assert f["started"] == ["from-target", "from-subclass"] and f["never_started"] == []
    assert f["threads"] == {"from-target": "target", "from-subclass": "subclass"}
    assert f["joined"] == 2


def expect_broken_start(status: str, f: Facts) -> None:
    assert status == "failed"
    assert f["never_started"] == ["from-subclass"] and f["steps_on_main"] == 3
    assert f["errors"]["MainThread"].startswith("RuntimeError")


def expect_lifecycle(status: str, f: Facts) -> None:
    finished(status)
    assert f["states"] == ["New", "Runnable", "Running", "Blocked", "Dead"]
    causes = [step["cause"] for step in f["path"] if step["state"] == "Blocked"]
    assert causes == ["sleep", "waits for lock"]


def expect_join_timeout(status: str, f: Facts) -> None:
    finished(status)
    first, last = f["joins"][0], f["joins"][-1]
    assert first["timeout"] == 0.3 and first["alive_after"] is True
    assert last["timeout"] is None and last["alive_after"] is False


def expect_daemon(status: str, f: Facts) -> None:
    finished(status)
    assert f["waited_for"] == ["worker"] and f["killed"] == ["logger"]
    assert f["heartbeats"] >= 1


def expect_race(status: str, f: Facts) -> None:
    finished(status)
    assert f["expected"] == 4000 and 0 <= f["lost"] < 4000


def expect_race_locked(status: str, f: Facts) -> None:
    finished(status)
    assert f["lost"] == 0 and f["actual"] == 4000


def expect_rlock(status: str, f: Facts) -> None:
    finished(status)
    assert f["depth"] == {"T1": 4, "T2": 4} and f["max_holders"] == 1 and f["visited"] == 8


def expect_lock_reentry(status: str, f: Facts) -> None:
    assert status == "deadlocked"
    assert f["cycle"] == ["T1"] and f["acquired"] == 1


def expect_semaphore(status: str, f: Facts) -> None:
    finished(status)
    assert f["limit"] == 3 and 1 <= f["max_holders"] <= 3 and f["acquired"] == 10


def expect_bounded_semaphore(status: str, f: Facts) -> None:
    finished(status)
    assert f["plain"] == {"start": 2, "end": 3}
    assert f["bounded"] == {"start": 2, "end": 2}
    assert f["value_error"] and f["errors"]["with-bounded"].startswith("ValueError")


def expect_condition(status: str, f: Facts) -> None:
    finished(status)
    assert f["produced"] == f["consumed"] == 6 and f["errors"] == {}
    assert f["timed_out"] >= 1  # the producer starts after the consumers' timeout


def expect_condition_if(status: str, f: Facts) -> None:
    finished(status)
    assert sorted(f["errors"]) == ["C1", "C2"]
    assert all(e.startswith("IndexError") for e in f["errors"].values())


def expect_notify(status: str, f: Facts) -> None:
    finished(status)
    assert f["call"] == "notify" and len(f["woken"]) == 1 and f["left_waiting"] == 3
    assert len(f["late"]) == 3  # the other three got through only by their timeout


def expect_notify_all(status: str, f: Facts) -> None:
    finished(status)
    assert f["call"] == "notify_all" and len(f["woken"]) == 4 and f["late"] == {}


def expect_queue(status: str, f: Facts) -> None:
    finished(status)
    assert f["put"] == f["got"] == 16 and f["twice"] == [] and f["missing"] == []
    assert f["max_size"] <= 3 and f["task_done"] == 18


def expect_event(status: str, f: Facts) -> None:
    finished(status)
    assert f["sets"] == 2 and f["clears"] == 1 and f["timed_out"] >= 3


def expect_barrier(status: str, f: Facts) -> None:
    finished(status)
    assert f["phases_completed"] == 2 and f["aborted_by"] == "T3"
    assert sorted(f["broken_for"]) == ["T1", "T2"]


def expect_barrier_no_abort(status: str, f: Facts) -> None:
    finished(status)
    assert f["phases_completed"] == 3 and f["aborted_by"] is None


def expect_deadlock(status: str, f: Facts) -> None:
    assert status == "deadlocked"
    assert sorted(f["cycle"]) == ["T1", "T2"] and f["got_both"] == 0


def expect_deadlock_ordered(status: str, f: Facts) -> None:
    finished(status)
    assert f["order"] == {"T1": ["lock_a", "lock_b"], "T2": ["lock_a", "lock_b"]}
    assert f["rounds"] == {"T1": 3, "T2": 3}


def expect_philosophers_deadlock(status: str, f: Facts) -> None:
    assert status == "deadlocked"
    assert sorted(f["cycle"]) == ["P0", "P1", "P2", "P3", "P4"]


def expect_philosophers_fed(status: str, f: Facts) -> None:
    finished(status)
    assert f["meals"] == {f"P{i}": 3 for i in range(5)}
    assert f["max_seated"] is None or f["max_seated"] <= 4


def expect_readers_writers(status: str, f: Facts) -> None:
    finished(status)
    assert f["broken"] is False and f["max_readers"] >= 2 and f["writer_waited"] is not None


def table_of(f: Facts, variants: list[str]) -> None:
    assert [row["variant"] for row in f["table"]] == variants
    assert all(row["seconds"] > 0 and row["speedup"] > 0 for row in f["table"])


def expect_gil_cpu(status: str, f: Facts) -> None:
    finished(status)
    table_of(f, ["sequential", "4 threads", "4 processes"])
    assert isinstance(f["gil_enabled"], bool) and f["process_startup"] > 0


def expect_gil_io(status: str, f: Facts) -> None:
    finished(status)
    table_of(f, ["sequential", "8 threads"])
    assert f["table"][1]["speedup"] > 2  # eight 0.2 s waits overlap, even on a busy box


def expect_gil_convoy(status: str, f: Facts) -> None:
    finished(status)
    assert all(row["microseconds"] > 0 for row in f["table"])
    assert f["switch_interval_us"] > 0 and f["slowdown"] > 0
    # Every reply's wait, in order, as the program timed it (drawn reply by reply).
    each = f["each_reply_us"]
    assert set(each) == {"alone", "beside a CPU-bound thread"}
    assert all(len(waits) == 100 and min(waits) >= 0 for waits in each.values())
    assert all(0 <= n <= 100 for n in f["long_waits"].values())


def expect_concurrency_models(status: str, f: Facts) -> None:
    finished(status)
    assert [(r["job"], r["variant"]) for r in f["table"]] == [
        (job, model)
        for job in ("cpu", "io")
        for model in ("sequential", "threads", "processes", "asyncio")
    ]
    assert {"threads", "asyncio"} & set(f["winners"]["io"])  # overlapping sleeps
    watched = f["watched"]  # the untimed phase, read from the lanes (tests/unit/test_showcase.py)
    assert watched["threads"]["held_the_gil"] == 4 and watched["threads"]["handoffs"] > 0
    assert watched["processes"]["most_running_at_once"] >= 2
    assert watched["tasks"]["most_running_at_once"] == 1 and watched["tasks"]["switches"] > 0


def expect_api_fanout(status: str, f: Facts) -> None:
    finished(status)
    table_of(f, ["sequential", "a thread per call", "pool of 4", "asyncio tasks"])
    assert f["table"][1]["speedup"] > 2 and f["table"][3]["speedup"] > 2
    assert f["rounds_in_pool"] == 3 and f["pool_threads"] == 4
    assert f["most_waiting_at_once"]["threads"] >= 2 and f["most_waiting_at_once"]["tasks"] >= 2
    assert f["lane"]["nobody"] > 0  # the GIL lane measured the whole run


def expect_free_threaded(status: str, f: Facts) -> None:
    finished(status)
    table_of(f, ["sequential", "4 threads"])
    assert isinstance(f["free_threaded_build"], bool) and isinstance(f["gil_enabled"], bool)


def any_ending(status: str, f: Facts) -> None:
    """A scenario that promises nothing more specific (yet): it ends as a run should."""
    assert status in ("finished", "deadlocked")


EXPECT: dict[str, Callable[[str, Facts], None]] = {
    "thread-basics": expect_thread_basics,
    "lifecycle": expect_lifecycle,
    "join-timeout": expect_join_timeout,
    "daemon": expect_daemon,
    "race": expect_race,
    "race-locked": expect_race_locked,
    "rlock": expect_rlock,
    "lock-reentry": expect_lock_reentry,
    "semaphore": expect_semaphore,
    "bounded-semaphore": expect_bounded_semaphore,
    "condition": expect_condition,
    "notify-all": expect_notify,
    "queue": expect_queue,
    "event": expect_event,
    "barrier": expect_barrier,
    "deadlock": expect_deadlock,
    "deadlock-ordered": expect_deadlock_ordered,
    "dining-philosophers": expect_philosophers_deadlock,
    "readers-writers": expect_readers_writers,
    "gil-cpu": expect_gil_cpu,
    "gil-io": expect_gil_io,
    "gil-convoy": expect_gil_convoy,
    "concurrency-models": expect_concurrency_models,
    "api-fanout": expect_api_fanout,
    "free-threaded": expect_free_threaded,
}

Case = tuple[str, dict[str, Any], Callable[[str, Facts], None]]

# Other parameters whose outcome the concept promises too: (id, params, expectation).
VARIANTS: list[Case] = [
    ("thread-basics", {"override_start": True}, expect_broken_start),
    ("condition", {"recheck": False}, expect_condition_if),
    ("notify-all", {"wake": "notify_all"}, expect_notify_all),
    ("barrier", {"abort_phase": 0}, expect_barrier_no_abort),
    ("dining-philosophers", {"fix": "ordered"}, expect_philosophers_fed),
    ("dining-philosophers", {"fix": "waiter"}, expect_philosophers_fed),
]


# --- running through the real worker ---------------------------------------------------


def run_worker(scenario_id: str, params: dict[str, Any]) -> Result:
    """One free-mode run in a real worker process, as the run manager starts it."""
    spec = {
        "scenario": scenario_id,
        "params": params,
        "mode": "free",
        "seed": 0,
        "policy": "random",
        "options": {},
        "limits": {
            "wall_time": WALL_TIME,
            "max_events": MAX_EVENTS,
            "max_threads": 64,
            "idle_time": 900,
        },
    }
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.worker.runner"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    killer = threading.Timer(2 * WALL_TIME, proc.kill)  # a hung worker fails, not hangs
    killer.start()
    events: list[Event] = []
    done: dict[str, Any] = {"status": "crashed", "message": "no 'done' message"}
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(json.dumps(spec).encode() + b"\n")
        proc.stdin.flush()  # stdin stays open until 'done': closing it cancels the run
        for line in proc.stdout:
            if is_event_line(line):
                events.append(json.loads(line))
            elif json.loads(line).get("msg") in ("done", "error"):
                done = json.loads(line)
                break
    finally:
        killer.cancel()
        proc.kill()
        proc.communicate()
    seconds = time.monotonic() - start
    status = str(done.get("status", done.get("msg")))
    scenario = registry.get(scenario_id)
    verdict = conclude(scenario_id, scenario.validate(params), events, status).verdict
    return Result(status, done.get("message"), events, seconds, verdict)


def key(scenario_id: str, params: dict[str, Any]) -> str:
    return f"{scenario_id} {json.dumps(params, sort_keys=True)}"


@pytest.fixture(scope="module")
def free_runs() -> dict[str, Result]:
    """Every scenario with its defaults, and the variants, run at once."""
    jobs: list[tuple[str, dict[str, Any]]] = [(s, {}) for s in IDS] + [
        (s, p) for s, p, _ in VARIANTS
    ]
    # The GIL demos first: they take longest, so the short ones fill in around them.
    jobs.sort(key=lambda job: registry.get(job[0]).modes != ("free",))
    with ThreadPoolExecutor(PARALLEL) as pool:
        results = pool.map(lambda job: run_worker(*job), jobs)
        return {key(s, p): r for (s, p), r in zip(jobs, results, strict=True)}


# --- the tests ----------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_metadata_is_complete(scenario: registry.Scenario) -> None:
    assert scenario.group in registry.GROUPS
    for text in (scenario.title, scenario.concept, scenario.summary, scenario.explanation):
        assert text.strip() and text == text.strip()
    assert scenario.look_for and all(item.strip() for item in scenario.look_for)
    assert set(scenario.modes) <= {"free", "controlled"} and scenario.modes
    assert set(scenario.goals) <= set(Goal)
    assert not scenario.fixed_by or scenario.fixed_by in IDS


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_params_match_main_and_defaults_are_valid(scenario: registry.Scenario) -> None:
    signature = inspect.signature(registry.main_function(scenario))
    defaults = {name: p.default for name, p in signature.parameters.items()}
    assert defaults == {p.name: p.default for p in scenario.params}
    assert scenario.validate({}) == defaults
    for param in scenario.params:
        assert param.coerce(param.default) == param.default
        if param.type == "choice":
            assert param.default in param.choices


@pytest.mark.parametrize("scenario", SCENARIOS, ids=IDS)
def test_source_is_the_whole_program_file(scenario: registry.Scenario) -> None:
    source = scenario.source
    assert "def main(" in source
    assert "# ---- about this scenario" not in source and "ABOUT" not in source
    assert len(source.splitlines()) <= 80, "keep the code on screen short"
    full = scenario.path.read_text(encoding="utf-8")
    assert full == source  # same lines, same numbers


@pytest.mark.timeout(180)
@pytest.mark.parametrize("scenario", IDS)
def test_runs_in_the_worker_within_limits(free_runs: dict[str, Result], scenario: str) -> None:
    result = free_runs[key(scenario, {})]
    assert result.status in ("finished", "deadlocked", "failed"), result.message
    if result.status == "failed":  # only where failing is the lesson (a variant)
        pytest.fail(f"{scenario} failed: {result.message}")
    assert result.events and len(result.events) < MAX_EVENTS
    assert result.seconds < WALL_TIME


@pytest.mark.timeout(180)
@pytest.mark.parametrize("scenario", IDS)
def test_log_keeps_the_contract_and_replays(free_runs: dict[str, Result], scenario: str) -> None:
    events = free_runs[key(scenario, {})].events
    assert [e for e in events if validate(e) is not None] == []
    assert check(events) == []


@pytest.mark.timeout(180)
@pytest.mark.parametrize("scenario", IDS)
def test_verdict_says_what_the_concept_promises(
    free_runs: dict[str, Result], scenario: str
) -> None:
    result = free_runs[key(scenario, {})]
    summary = result.verdict["summary"]
    # One sentence to read first (on a projector, in large type); the rest are details.
    assert summary.strip() and not re.search(r"[.!?] [A-Z]", summary), summary
    details = result.verdict["facts"].get("details", [])
    assert isinstance(details, list) and all(isinstance(d, str) and d for d in details)
    json.dumps(result.verdict["facts"])  # it travels as JSON
    EXPECT.get(scenario, any_ending)(result.status, result.verdict["facts"])


@pytest.mark.timeout(180)
@pytest.mark.parametrize(
    ("scenario", "params", "expect"), VARIANTS, ids=[key(s, p) for s, p, _ in VARIANTS]
)
def test_variant_verdicts(
    free_runs: dict[str, Result],
    scenario: str,
    params: dict[str, Any],
    expect: Callable[[str, Facts], None],
) -> None:
    result = free_runs[key(scenario, params)]
    assert check(result.events) == []
    expect(result.status, result.verdict["facts"])


CONTROLLED: list[Case] = [
    (s.id, {}, EXPECT.get(s.id, any_ending)) for s in SCENARIOS if "controlled" in s.modes
] + [(s, p, e) for s, p, e in VARIANTS if "controlled" in registry.get(s).modes]


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("scenario", "params", "expect"), CONTROLLED, ids=[key(s, p) for s, p, _ in CONTROLLED]
)
def test_controlled_run_keeps_the_promise(
    scenario: str, params: dict[str, Any], expect: Callable[[str, Facts], None]
) -> None:
    trial = run_trial(scenario, params, seed=1, policy="random")
    assert check(trial.events) == []
    verdict = conclude(
        scenario, registry.get(scenario).validate(params), trial.events, trial.status
    ).verdict
    expect(trial.status, verdict["facts"])
