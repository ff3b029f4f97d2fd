"""Who runs next under the controlled scheduler (standard library only).

A policy sees the runnable threads in creation order, the thread that is running now
and the step number, and picks one.  Every choice comes from ``random.Random(seed)``,
never from hash order or the clock, so runs repeat exactly.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, assert_never

from app.contract import PCT_DEPTH, PCT_STEPS, Knob, Policy

if TYPE_CHECKING:
    from app.instrument.runtime import ThreadInfo


class SchedulingPolicy:
    """Picks who runs next at a scheduling point; ``name`` is the ``Policy`` it is."""

    name: Policy

    def choose(self, runnable: list[ThreadInfo], current: ThreadInfo, step: int) -> ThreadInfo:
        raise NotImplementedError


class RandomPolicy(SchedulingPolicy):
    """Seeded random: at every point, any runnable thread, uniformly."""

    name = Policy.RANDOM

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def choose(self, runnable: list[ThreadInfo], current: ThreadInfo, step: int) -> ThreadInfo:
        return runnable[self.rng.randrange(len(runnable))]


class RoundRobinPolicy(SchedulingPolicy):
    """Each point passes to the next runnable thread after the current one."""

    name = Policy.ROUND_ROBIN

    def __init__(self) -> None:
        self.order: dict[str, int] = {}

    def choose(self, runnable: list[ThreadInfo], current: ThreadInfo, step: int) -> ThreadInfo:
        for t in runnable:
            self.order.setdefault(t.name, len(self.order))
        here = self.order.setdefault(current.name, len(self.order))
        after = [t for t in runnable if self.order[t.name] > here]
        return after[0] if after else runnable[0]


class PCTPolicy(SchedulingPolicy):
    """Probabilistic Concurrency Testing (Burckhardt et al., ASPLOS 2010).

    Threads get distinct random priorities; ``depth - 1`` change points are drawn over
    the first ``steps`` scheduling points; the highest-priority runnable thread always
    runs, and at the i-th change point the running thread drops to priority
    ``depth - i`` (below every initial one).  A bug of depth d is found with
    probability at least 1 / (n · k^(d-1)) per run.
    """

    name = Policy.PCT

    def __init__(self, seed: int, depth: int, steps: int) -> None:
        self.rng = random.Random(seed)
        self.depth = max(1, depth)
        self.priority: dict[str, float] = {}
        count = min(self.depth - 1, max(steps - 1, 0))
        points = self.rng.sample(range(1, max(steps, 2)), count) if count else []
        self.change_points = {p: i + 1 for i, p in enumerate(sorted(points))}

    def _prio(self, t: ThreadInfo) -> float:
        if t.name not in self.priority:
            # Initial priorities all lie above depth, distinct with probability 1.
            self.priority[t.name] = self.depth + self.rng.random()
        return self.priority[t.name]

    def choose(self, runnable: list[ThreadInfo], current: ThreadInfo, step: int) -> ThreadInfo:
        for t in runnable:
            self._prio(t)
        drop = self.change_points.get(step)
        if drop is not None:
            self.priority[current.name] = self.depth - drop
        return max(runnable, key=lambda t: self.priority[t.name])


class ManualPolicy(SchedulingPolicy):
    """The run's creator picks (the scheduler asks and waits for ``step`` commands)."""

    name = Policy.MANUAL

    def choose(self, runnable: list[ThreadInfo], current: ThreadInfo, step: int) -> ThreadInfo:
        raise RuntimeError("the scheduler asks the user for manual steps")


def make_policy(name: str, seed: int, options: dict[str, Any]) -> SchedulingPolicy:
    """The policy called ``name``; PCT reads ``depth`` and ``pct_steps`` from ``options``."""
    try:
        policy = Policy(name)
    except ValueError:
        raise ValueError(f"Unknown policy {name!r}; choose one of {', '.join(Policy)}.") from None
    match policy:
        case Policy.RANDOM:
            return RandomPolicy(seed)
        case Policy.ROUND_ROBIN:
            return RoundRobinPolicy()
        case Policy.PCT:
            depth = _knob(options, "depth", PCT_DEPTH)
            return PCTPolicy(seed, depth, _knob(options, "pct_steps", PCT_STEPS))
        case Policy.MANUAL:
            return ManualPolicy()
        case _:
            assert_never(policy)


def _knob(options: dict[str, Any], key: str, knob: Knob) -> int:
    """``options[key]``, or the contract's default for it."""
    return int(options.get(key, knob.default))
