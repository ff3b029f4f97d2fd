"""The scenario library: what each scenario is, its parameters, and its source.

A scenario is one module in this package that declares ``ABOUT``: its title, concept
group, explanation and parameters, and its program (``ABOUT.program``, a file in
``programs/``): plain Python that imports ``threading`` and runs unchanged with
``python3``.  The source a student sees is the whole file, and the worker runs it
through its loader (``app/worker/program.py``).  A test scenario (``TEST_PACKAGE``) keeps
its program in the ``programs/`` folder beside its metadata module.

Standard library only: the worker imports this.
"""

from __future__ import annotations

import importlib
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from app.contract import Goal, Mode

# Registry order is the order of the home page: (module name, id).
MODULES: tuple[str, ...] = (
    "thread_basics",
    "lifecycle",
    "join_timeout",
    "daemon",
    "race",
    "race_locked",
    "rlock",
    "lock_reentry",
    "semaphore",
    "bounded_semaphore",
    "condition",
    "notify_all",
    "queue_pipeline",
    "event",
    "barrier",
    "deadlock",
    "deadlock_ordered",
    "dining_philosophers",
    "readers_writers",
    "gil_cpu",
    "gil_io",
    "gil_convoy",
    "concurrency_models",
    "api_fanout",
    "free_threaded",
)

# Challenges for the controlled scheduler: find the interleaving that breaks them.
CHALLENGE_MODULES: tuple[str, ...] = (
    "challenge_busy_wait",
    "challenge_plus_equals",
    "challenge_check_then_act",
    "challenge_if_not_while",
    "challenge_forgotten_release",
    "challenge_barrier_three",
    "challenge_over_release",
)

GROUPS: dict[str, str] = {
    "Basics": "Threads are born, run, wait and die: the lifecycle every later demo builds on.",
    "Synchronisation": "Shared data needs rules. Locks, semaphores, conditions, events, "
    "barriers and queues are those rules — and each has a way to go wrong.",
    "Classic problems": "Deadlocks, starvation and the problems every course on "
    "concurrency tells, run for real.",
    "The GIL and the alternatives": "Why CPU-bound Python threads don't run faster, when "
    "they do, and when to reach for multiprocessing or asyncio.",
    "Challenges": "Find the interleaving that breaks the program.",
}


class ParamError(ValueError):
    """A run parameter is unknown, of the wrong type or out of its bounds."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # "int" | "float" | "bool" | "choice"
    default: Any
    help: str
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()

    def public(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "default": self.default,
            "min": self.min,
            "max": self.max,
            "help": self.help,
        }
        if self.choices:
            out["choices"] = list(self.choices)
        return out

    def coerce(self, value: Any) -> Any:
        """The value as this parameter's type, or ParamError naming the problem."""
        if self.type == "bool":
            if isinstance(value, bool):
                return value
            raise ParamError(self.name, f"'{self.name}' must be true or false, not {value!r}.")
        if self.type == "choice":
            if value in self.choices:
                return value
            options = ", ".join(self.choices)
            raise ParamError(self.name, f"'{self.name}' must be one of {options}; got {value!r}.")
        number = self._number(value)
        if (self.min is not None and number < self.min) or (
            self.max is not None and number > self.max
        ):
            raise ParamError(
                self.name,
                f"'{self.name}' must be between {_fmt(self.min)} and {_fmt(self.max)}; "
                f"got {_fmt(number)}.",
            )
        return number

    def _number(self, value: Any) -> int | float:
        kind = "a whole number" if self.type == "int" else "a number"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParamError(self.name, f"'{self.name}' must be {kind}, not {value!r}.")
        if isinstance(value, float) and not math.isfinite(value):
            raise ParamError(self.name, f"'{self.name}' must be a finite number, not {value}.")
        if self.type == "int":
            if isinstance(value, float) and not value.is_integer():
                raise ParamError(self.name, f"'{self.name}' must be {kind}, not {value!r}.")
            return int(value)
        return float(value)


def _fmt(value: float | None) -> str:
    if value is None:
        return "∞"
    return f"{value:,}" if isinstance(value, int) or float(value).is_integer() else str(value)


@dataclass(frozen=True)
class Scenario:
    id: str
    module: str  # dotted module name
    title: str
    group: str
    concept: str  # the one idea it teaches, a few words
    summary: str  # one sentence for the picker
    explanation: str  # a few short paragraphs, plain text (blank line between paragraphs)
    look_for: tuple[str, ...]  # what to watch while it runs
    params: tuple[Param, ...] = ()
    talking_point: str = ""  # the interview question it answers, if one fits
    modes: tuple[Mode, ...] = tuple(Mode)
    goals: tuple[Goal, ...] = ()  # what "Break it" may look for
    fixed_by: str = ""  # id of the scenario that shows the fix
    extra: dict[str, Any] = field(default_factory=dict)
    # Its program's file name in the ``programs/`` folder beside ``module``.
    program: str = field(kw_only=True)

    @property
    def path(self) -> Path:
        """The program's file: in the ``programs/`` folder beside the metadata module
        (``app/scenarios/programs/`` for the library)."""
        return Path(_load(self.module).__file__ or "").resolve().parent / "programs" / self.program

    @property
    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def validate(self, params: dict[str, Any] | None) -> dict[str, Any]:
        """Complete ``params`` with defaults and check every value; ParamError if bad."""
        params = dict(params or {})
        known = {p.name: p for p in self.params}
        for name in params:
            if name not in known:
                names = ", ".join(known) or "none"
                raise ParamError(
                    name, f"'{self.id}' has no parameter '{name}'; its parameters are: {names}."
                )
        return {p.name: p.coerce(params.get(p.name, p.default)) for p in self.params}

    def public(self, with_source: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "group": self.group,
            "concept": self.concept,
            "summary": self.summary,
            "params": [p.public() for p in self.params],
            "modes": list(self.modes),
            "goals": list(self.goals),
            "fixed_by": self.fixed_by or None,
        }
        if with_source:
            out["source"] = self.source
            out["explanation"] = self.explanation
            out["look_for"] = list(self.look_for)
            out["talking_point"] = self.talking_point or None
        return out


def _load(module: str) -> ModuleType:
    return importlib.import_module(module)


def _build() -> dict[str, Scenario]:
    found: dict[str, Scenario] = {}
    for name in MODULES + CHALLENGE_MODULES:
        module = _load(f"{__package__}.{name}")
        about: Scenario = module.ABOUT
        if about.id in found:
            raise RuntimeError(f"two scenarios have the id {about.id!r}")
        found[about.id] = about
    return found


_SCENARIOS: dict[str, Scenario] | None = None

# Tests only: scenarios that misbehave on purpose (spin, flood…), never in the library.
# The server adds them with ``settings.test_hooks``; a worker imports them only when
# its environment has THREADLAB_TEST_HOOKS on (the server's, inherited).
TEST_PACKAGE = "tests.scenarios"


def enable_test_scenarios() -> None:
    """Add the scenarios of ``tests/scenarios`` (its ``MODULES``) after the library's."""
    global _SCENARIOS
    found = {scenario.id: scenario for scenario in scenarios()}
    for name in _load(TEST_PACKAGE).MODULES:
        about: Scenario = _load(f"{TEST_PACKAGE}.{name}").ABOUT
        found.setdefault(about.id, about)
    _SCENARIOS = found


def _test_hooks() -> bool:
    return os.environ.get("THREADLAB_TEST_HOOKS", "").lower() in ("1", "true", "yes", "on")


def scenarios() -> list[Scenario]:
    """Every scenario, in home-page order."""
    global _SCENARIOS
    if _SCENARIOS is None:
        _SCENARIOS = _build()
    return list(_SCENARIOS.values())


def get(scenario_id: str) -> Scenario:
    """The scenario with this id; KeyError if there is none."""
    for scenario in scenarios():
        if scenario.id == scenario_id:
            return scenario
    raise KeyError(scenario_id)


def from_module(module: str) -> Scenario:
    """The scenario defined in ``module``, importing only that module (a worker needs
    one scenario; importing all of them cost a third of the time to the first event)."""
    package, _, name = module.rpartition(".")
    library = package == __package__ and name in MODULES + CHALLENGE_MODULES
    if not library and not (package == TEST_PACKAGE and _test_hooks()):
        raise KeyError(module)
    about: Scenario = _load(module).ABOUT
    return about


def main_function(scenario: Scenario) -> Any:
    """What a run calls with the parameters: the loader's ``Program``, which runs the
    whole file, then its ``main``."""
    from app.worker.program import load_file  # only where a scenario runs

    return load_file(scenario.path)
