"""A task that blocks its event loop (standard library only).

Tasks of one loop share its thread and take turns at ``await``: a coroutine that calls
``time.sleep`` (or waits for a lock of ``threading``, or computes a long time) without an
``await`` keeps the loop's thread, and every other task of that loop waits.  In the log
(``app/instrument/tasks.py``) that is one long Running segment of the task during which
the loop's thread itself is Blocked — or, with no wait at all, a Running segment longer
than ``LONG_STEP``.  ``blockers`` finds them, one per task and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.analysis.history import History
from app.analysis.timeline import Step
from app.analysis.verdicts.base import listing, seconds
from app.instrument.events import BLOCKED, DEAD, RUNNING

LONG_STEP = 0.1  # seconds a task may run without an await before it is a finding


@dataclass
class Blocker:
    """A task that held its loop: how, where, for how long, and who waited."""

    task: str
    loop: str
    how: str  # the loop thread's block reason (``sleep``, ``acquire``…), or ``no await``
    line: int | None
    seconds: float = 0.0
    times: int = 0
    held_up: list[str] = field(default_factory=list)  # the loop's other tasks, alive then
    on: str | None = None  # what the loop's thread waited for (a lock), if anything
    coro: str = ""  # the task's coroutine function


def blockers(history: History) -> list[Blocker]:
    """Every (task, line) that blocked its loop, longest first."""
    created = history.timeline.created
    loop_of = {name: str(d.get("loop")) for name, d in created.items() if d.get("task")}
    if not loop_of:
        return []
    steps: list[tuple[Step, str]] = sorted(
        ((s, th) for th, ss in history.timeline.steps.items() for s in ss),
        key=lambda pair: pair[0].seq,
    )
    state: dict[str, str] = {}
    running: dict[str, tuple[str, float]] = {}  # loop → (task, since)
    held: dict[str, Step] = {}  # loop → its thread's block while a task runs
    found: dict[tuple[str, str, int | None], Blocker] = {}

    def alive_others(task: str, loop: str) -> list[str]:
        return [t for t, lp in loop_of.items() if lp == loop and t != task and state.get(t) != DEAD]

    for step, thread in steps:
        state[thread] = step.after
        if thread in loop_of:
            loop = loop_of[thread]
            if step.after == RUNNING:
                running[loop] = (thread, step.t)
            elif step.before == RUNNING and running.get(loop, ("",))[0] == thread:
                _, since = running.pop(loop)
                if step.t - since >= LONG_STEP and not _counted(found, thread):
                    b = found.setdefault(
                        (thread, "no await", None), Blocker(thread, loop, "no await", None)
                    )
                    b.seconds += step.t - since
                    b.times += 1
                    b.held_up = alive_others(thread, loop)
            continue
        if thread in running:  # the thread of a loop whose task runs now
            task = running[thread][0]
            if step.after == BLOCKED:
                held[thread] = step
            elif thread in held and step.before == BLOCKED:
                start = held.pop(thread)
                how = start.reason or "wait"
                b = found.setdefault(
                    (task, how, start.line), Blocker(task, thread, how, start.line, on=start.obj)
                )
                b.seconds += step.t - start.t
                b.times += 1
                b.held_up = sorted(set(b.held_up) | set(alive_others(task, thread)))
    for b in found.values():
        b.coro = str(created[b.task].get("target") or "")
    return sorted(found.values(), key=lambda b: -b.seconds)


def _counted(found: dict[tuple[str, str, int | None], Blocker], task: str) -> bool:
    """Whether this task's long step is told already by its blocking call."""
    return any(key[0] == task and key[1] != "no await" for key in found)


def sentence(b: Blocker) -> str:
    """The finding, in words."""
    where = f" at line {b.line}" if b.line is not None else ""
    times = f" ({b.times} times)" if b.times > 1 else ""
    others = _names(b.held_up)
    waited = f", so {others} could not run meanwhile" if others else ""
    task = f"{b.task} ({b.coro})" if b.coro and b.coro != b.task else b.task
    if b.how == "no await":
        return (
            f"{task} ran {seconds(b.seconds)} without an await{times}, holding the event "
            f"loop's thread ({b.loop}){waited}."
        )
    call = "time.sleep" if b.how == "sleep" else f"a blocking {b.how}"
    if b.on:
        call += f" of {b.on}"
    return (
        f"{task} blocked the event loop for {seconds(b.seconds)}{times}: {call}{where} "
        f"runs on the loop's thread ({b.loop}){waited}. Await it instead "
        f"(asyncio.sleep, asyncio.to_thread)."
    )


def _names(names: list[str], most: int = 4) -> str:
    if len(names) > most:
        return ", ".join(names[:most]) + f" and {len(names) - most} more"
    return listing(names)
