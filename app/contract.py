"""The run contract: every name and limit a run request, a run and a search can carry.

This module is the one place where a mode, a scheduling policy, a granularity, a
run status or a search goal is spelled, and where the bounds of a seed or of PCT's
depth are written.  Everything else refers to these names:

    app/api/schemas.py   pydantic models of requests (FastAPI validates with them)
    app/api/answers.py   pydantic models of answers (/openapi.json)
    app/__main__.py      the CLI's choices                  ┐
    app/api/pages.py     demo links, the page's <select>s   ├─ all through the schemas
    static/js            labels and choices, from ``browser_contract()`` (embedded in
                         every page and served at GET /api/contract)
    app/worker, app/instrument, app/analysis   the same enums, by name

It is standard library only (``StrEnum`` members are plain strings on the wire), so
the worker can import it under any interpreter; the pydantic models that validate
requests live in the server's ``app/api/schemas.py`` and take every name and bound from
here.  ``tests/unit/test_single_source.py`` fails if one of these names is written as a
string anywhere else in the product.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Name(StrEnum):
    """A name of the contract: a plain string on the wire, and shown as one (an error
    says "should be 'free'", not "<Mode.FREE: 'free'>")."""

    def __repr__(self) -> str:
        return repr(self.value)


class Mode(Name):
    """Who decides which thread runs."""

    FREE = "free"  # the OS and the GIL: real, unrepeatable interleavings
    CONTROLLED = "controlled"  # one thread at a time, every operation a scheduling point


class Policy(Name):
    """Who runs next at a scheduling point of a controlled run."""

    RANDOM = "random"
    ROUND_ROBIN = "round_robin"
    PCT = "pct"
    MANUAL = "manual"


class SearchPolicy(Name):
    """How "Break it" picks the policy of each try."""

    RANDOM = "random"
    PCT = "pct"
    MIXED = "mixed"  # alternates random and PCT tries


class Granularity(Name):
    """Where a controlled run may switch threads."""

    OPERATION = "operation"  # at each traced operation (lock, read, write…)
    BYTECODE = "bytecode"  # also between bytecode instructions


class Status(Name):
    """Where a run is in its life; the last six are how it can end."""

    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    DEADLOCKED = "deadlocked"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # the server stopped while the run was queued or running


ENDED = frozenset(Status) - {Status.QUEUED, Status.RUNNING}
# What a worker may report in its ``done`` message; the rest only the server decides.
WORKER_ENDINGS = (Status.FINISHED, Status.DEADLOCKED, Status.FAILED, Status.CANCELLED)


class Goal(Name):
    """What "Break it" searches for."""

    DEADLOCK = "deadlock"
    LOST_UPDATE = "lost_update"
    ANY_FAILURE = "any_failure"


class SearchState(Name):
    RUNNING = "running"
    DONE = "done"


@dataclass(frozen=True)
class Bounds:
    """An integer's range (both ends included)."""

    low: int
    high: int


@dataclass(frozen=True)
class Knob(Bounds):
    """An integer setting's range and the value it has when left out."""

    default: int


SEED = Bounds(0, 2**32 - 1)  # None in a request: the server draws one
PCT_DEPTH = Knob(1, 10, 3)  # PCT's bug depth d: d - 1 priority change points
PCT_STEPS = Knob(10, 1_000_000, 2000)  # PCT's estimate of a run's scheduling points
SEARCH_BUDGET = Knob(1, 5000, 200)  # seeds one "Break it" may try
MAX_CHOICES = 100_000  # picks a replayed schedule may hold
MAX_CHOICE_LENGTH = 200  # characters of one pick (a thread's name)
MAX_SCENARIO_ID = 100  # characters of a scenario id
# Your own code: a run of a pasted program has this in place of a scenario id, and its
# program text (UTF-8) is at most this many bytes.
OWN_CODE = "code"
MAX_SOURCE_BYTES = 64 * 1024
# A link that carries a program in its fragment (``/code#src=…``) is refused past this.
MAX_CODE_LINK = 8000


class OwnCode(Name):
    """Who may run their own code on this server (the ``own_code`` setting)."""

    AUTO = "auto"  # anyone when the sandbox works, else only the loopback address
    LOCAL = "local"  # only clients on the loopback address: the person at the laptop
    ANYONE = "anyone"  # everyone who can reach the server, sandbox or not
    OFF = "off"


@dataclass(frozen=True)
class RunLimits:
    """What one run may use (a run spec's ``limits``)."""

    wall_time: float = 20.0  # seconds of wall-clock time before the server kills the run
    max_events: int = 200_000  # the worker stops the run after this many events
    max_threads: int = 64  # Thread.start() past this raises RuntimeError in the program
    idle_time: float = 900.0  # manual stepping: seconds without a step before cancelling


# The server's settings start from these; a "Break it" trial runs with them as they are.
DEFAULT_LIMITS = RunLimits()

DEFAULT_MODE = Mode.FREE
DEFAULT_POLICY = Policy.RANDOM
DEFAULT_GRANULARITY = Granularity.OPERATION
DEFAULT_SEARCH_POLICY = SearchPolicy.MIXED

# What a person reads for each name: the browser's selects, lists and run facts.
LABELS: dict[StrEnum, tuple[str, str]] = {  # name → (long label, short label)
    Mode.FREE: ("Free: the OS and the GIL — real, different every run", "Free"),
    Mode.CONTROLLED: (
        "Controlled: Threadlab, one thread at a time — the same seed gives the same run",
        "Controlled",
    ),
    Policy.RANDOM: ("seeded random", "seeded random"),
    Policy.ROUND_ROBIN: ("round robin", "round robin"),
    Policy.PCT: ("PCT (finds rare bugs)", "PCT"),
    Policy.MANUAL: ("manual: you pick each step", "stepped by hand"),
    SearchPolicy.MIXED: ("random and PCT, alternating", "mixed"),
    Granularity.OPERATION: ("per operation (lock, read, write…)", "a step per operation"),
    Granularity.BYTECODE: ("per bytecode instruction", "bytecode steps"),
    Goal.DEADLOCK: ("a deadlock", "deadlock"),
    Goal.LOST_UPDATE: ("a lost update", "lost update"),
    Goal.ANY_FAILURE: ("any failure", "any failure"),
}
# Which controlled options each policy reads (the form shows only those).
POLICY_OPTIONS: dict[Policy, tuple[str, ...]] = {Policy.PCT: ("depth",)}


def _label(member: StrEnum) -> tuple[str, str]:
    if member in LABELS:
        return LABELS[member]
    if isinstance(member, SearchPolicy):  # the run policy of the same name reads the same
        return LABELS[Policy(member.value)]
    text = member.value.replace("_", " ")
    return text, text


def _members(enum: type[StrEnum], **extra: Any) -> dict[str, dict[str, Any]]:
    """An enum for the browser: by member name, each with its value and labels."""
    out: dict[str, dict[str, Any]] = {}
    for member in enum:
        label, short = _label(member)
        fields = {key: fn(member) for key, fn in extra.items()}
        out[member.name] = {"value": member.value, "label": label, "short": short, **fields}
    return out


def _bounds(bounds: Bounds) -> dict[str, int | None]:
    default = bounds.default if isinstance(bounds, Knob) else None
    return {"min": bounds.low, "max": bounds.high, "default": default}


def browser_contract() -> dict[str, Any]:
    """Every name, label and bound the browser needs, as one JSON-able object."""
    return {
        "Mode": _members(Mode),
        "Policy": _members(Policy, options=lambda p: list(POLICY_OPTIONS.get(p, ()))),
        "SearchPolicy": _members(SearchPolicy),
        "Granularity": _members(Granularity),
        "Status": _members(Status, ended=lambda s: s in ENDED),
        "Goal": _members(Goal),
        "SearchState": _members(SearchState),
        "limits": {
            "seed": _bounds(SEED),
            "depth": _bounds(PCT_DEPTH),
            "pct_steps": _bounds(PCT_STEPS),
            "budget": _bounds(SEARCH_BUDGET),
            "source_bytes": _bounds(Bounds(0, MAX_SOURCE_BYTES)),
            "code_link": _bounds(Bounds(0, MAX_CODE_LINK)),
        },
        "OwnCode": _members(OwnCode),
        "own_code": OWN_CODE,
        "defaults": {
            "mode": DEFAULT_MODE.value,
            "policy": DEFAULT_POLICY.value,
            "granularity": DEFAULT_GRANULARITY.value,
            "search_policy": DEFAULT_SEARCH_POLICY.value,
        },
    }
