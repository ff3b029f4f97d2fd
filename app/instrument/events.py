"""Event contract v1: the one place that defines what an event is (standard library only).

Every component speaks this format: the worker writes it, the run manager stores and
streams it, the analysis reads it, and ``static/js/events.js`` mirrors it for the browser.
An event is a plain ``dict`` with exactly the fields in ``FIELDS``, in that order.
"""

from __future__ import annotations

import json
from typing import Any

Event = dict[str, Any]

FIELDS = ("seq", "t", "kind", "thread", "state", "obj", "line", "detail")

# Thread states, in lifecycle order.
NEW, RUNNABLE, RUNNING, BLOCKED, DEAD = "New", "Runnable", "Running", "Blocked", "Dead"
STATES = (NEW, RUNNABLE, RUNNING, BLOCKED, DEAD)

# The lifecycle diagram: every state change an event may carry.  Staying in the same
# state is always allowed.  ``None`` is "not yet created".
TRANSITIONS: frozenset[tuple[str | None, str]] = frozenset(
    {
        (None, NEW),  # create
        (NEW, RUNNABLE),  # start
        (RUNNABLE, RUNNING),  # run: the scheduler (or the OS) gives it the CPU
        (RUNNING, RUNNABLE),  # preempt: the scheduler switches to another thread
        (RUNNING, BLOCKED),  # block: waits for a resource, a sleep, a join…
        (BLOCKED, RUNNABLE),  # wake: the resource became available / timeout
        (RUNNING, DEAD),  # exit
        (RUNNABLE, DEAD),  # exit of a thread cut off while not running (daemon at shutdown)
        (BLOCKED, DEAD),  # exit of a daemon cut off while blocked
        (NEW, DEAD),  # a thread that never started, reported at the end
    }
)

LIFECYCLE_KINDS = ("create", "start", "run", "preempt", "block", "wake", "exit")
RESOURCE_KINDS = (
    "declare",
    "acquire",
    "release",
    "wait",
    "notify",
    "notify_all",
    "set",
    "clear",
    "put",
    "get",
    "read",
    "write",
    "sleep",
    "join",
    "abort",
    "task_done",
)
# Two words of this contract that ``app/contract.py`` also spells, for other things (a
# goal, a run status): import these rather than write them again.
DEADLOCK = "deadlock"  # the kind of the event the server writes for a deadlocked run
TIMED_OUT = "timed_out"  # the ``wake`` detail field: true when a timed wait ran out
# ``measure``: a number a scenario measured (detail: name, value, unit), e.g. the wall
# time of one variant in a GIL demo.  Nothing produces it now (programs print their
# measurements); older recordings have it, and a contract kind keeps its meaning.
# ``gil``: a hand-off of the GIL lane (free mode, app/instrument/gil.py): ``thread`` the
# thread that executes bytecode from then on (null: none does), ``state`` null — it
# changes no thread's state; on a build without a GIL, ``detail.holders`` lists all that
# do.  The first one of a run (``thread`` null) says how the lane is measured, or why not.
GIL = "gil"
RUN_KINDS = ("output", "measure", DEADLOCK, "limit", "end", GIL)
KINDS = LIFECYCLE_KINDS + RESOURCE_KINDS + RUN_KINDS
# A child process's lanes are ``<process name>/<thread name>`` (``Process-1/MainThread``),
# its resources and shared data ``<process name>/<name>``; its start and end are the
# ``create`` (detail ``pid``) and ``exit`` (``pid``, ``exitcode``) of its MainThread lane.
# A thread a library starts for itself carries ``internal: true`` on its ``create``.
PROCESS_SEPARATOR = "/"

RESOURCE_TYPES = (
    "Lock",
    "RLock",
    "Semaphore",
    "BoundedSemaphore",
    "Condition",
    "Event",
    "Barrier",
    "Queue",
    "Future",
    "Shared",
)


def make(
    seq: int,
    t: float,
    kind: str,
    thread: str | None = None,
    state: str | None = None,
    obj: str | None = None,
    line: int | None = None,
    detail: dict[str, Any] | None = None,
) -> Event:
    """Build an event with every field present, in contract order."""
    return {
        "seq": seq,
        "t": t,
        "kind": kind,
        "thread": thread,
        "state": state,
        "obj": obj,
        "line": line,
        "detail": detail if detail is not None else {},
    }


def encode(event: Event) -> str:
    """The canonical JSON text of an event: compact, key order fixed, so that the same
    event always has the same bytes (controlled runs are compared byte for byte)."""
    return _ENCODER.encode(event)


# One encoder for every event: json.dumps with options builds a new one per call.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=repr)


def decode(text: str | bytes) -> Event:
    """Parse one event and check it has the contract's fields with the right types."""
    event: Event = json.loads(text)
    problem = validate(event)
    if problem:
        raise ValueError(problem)
    return event


def validate(event: Any) -> str | None:
    """Return why ``event`` breaks the contract, or None if it keeps to it."""
    if not isinstance(event, dict):
        return "an event must be a JSON object"
    missing = [f for f in FIELDS if f not in event]
    if missing:
        return f"event is missing field(s) {', '.join(missing)}"
    if not isinstance(event["seq"], int) or event["seq"] < 1:
        return f"seq must be a positive integer, not {event['seq']!r}"
    if not isinstance(event["t"], (int, float)) or event["t"] < 0:
        return f"t must be a non-negative number, not {event['t']!r}"
    if event["kind"] not in KINDS:
        return f"unknown event kind {event['kind']!r}"
    if event["state"] is not None and event["state"] not in STATES:
        return f"unknown thread state {event['state']!r}"
    for name in ("thread", "obj"):
        if event[name] is not None and not isinstance(event[name], str):
            return f"{name} must be a string or null, not {event[name]!r}"
    if event["line"] is not None and not isinstance(event["line"], int):
        return f"line must be an integer or null, not {event['line']!r}"
    if not isinstance(event["detail"], dict):
        return "detail must be an object"
    return None
