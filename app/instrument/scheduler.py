"""``controlled`` mode: exactly one scenario thread runs at a time (standard library only).

The scheduler implements the same ``Hook`` as free mode (``hooks.py``).  Every traced
operation calls ``point()`` first; there a policy (``policies.py``) picks which runnable
thread goes on.  An event loop's choice of its next ready task is a point too
(``task_point``, called by ``asyncio_controlled.py``): the same policy picks a task
lane.  A thread that must wait — a held lock, an empty queue, an unset event, a join, a
sleep — is not left to block in the OS: it is marked Blocked with a readiness
test (its raw lock is free) and an optional deadline in virtual time, and the baton
passes on.  Nothing else decides, so the same scenario, params, seed and policy give the
same log byte for byte.

Hand-off: each thread owns a raw "baton" lock it sleeps on; the running thread picks the
next one, records ``preempt``/``run``, releases the next one's baton and sleeps on its own.

Virtual time advances one microsecond per scheduling point and jumps to the earliest
deadline when no thread can run, so sleeps and timeouts expire deterministically.  When
nothing can run and nothing has a deadline while a non-daemon thread still lives, that
is a deadlock: detected exactly, the run ends at once.
"""

from __future__ import annotations

import queue
from _thread import allocate_lock
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from app.contract import DEFAULT_LIMITS, Granularity, Policy, Status
from app.instrument.bytecode import BytecodeStepper
from app.instrument.events import BLOCKED, RUNNABLE, RUNNING, TIMED_OUT
from app.instrument.policies import SchedulingPolicy, make_policy
from app.instrument.runtime import RunOver

if TYPE_CHECKING:
    from _thread import LockType
    from types import CodeType

    from app.instrument.runtime import Runtime, ThreadInfo

TICK_US = 1  # virtual microseconds per scheduling point


class RunControl(Protocol):
    """What the scheduler needs from the worker around it."""

    def finish(self, status: Status, message: str | None, **facts: Any) -> None: ...

    def send_message(self, msg: str, **fields: Any) -> None: ...


class _Wait:
    """Why a Blocked thread waits: ``ready()`` says it may go on; ``deadline_us`` ends
    the wait anyway (a timeout or a sleep)."""

    __slots__ = ("deadline_us", "expired", "ready", "sleep")

    def __init__(
        self, ready: Callable[[], bool], deadline_us: int | None, sleep: bool = False
    ) -> None:
        self.ready = ready
        self.deadline_us = deadline_us
        self.sleep = sleep  # a sleep ends at its deadline: that is no timeout
        self.expired = False  # the wait ended at its deadline


def _never() -> bool:
    return False


class Scheduler:
    controlled = True

    def __init__(
        self,
        policy: SchedulingPolicy,
        control: RunControl,
        choices: list[str] | None = None,
        idle_time: float = DEFAULT_LIMITS.idle_time,
    ) -> None:
        self.policy = policy
        self.control = control
        self.now_us = 0
        self.threads: list[ThreadInfo] = []  # every managed thread, in creation order
        self.live: list[ThreadInfo] = []  # those not yet ended, in creation order
        self.current: ThreadInfo | None = None
        self.steps = 0  # scheduling points so far
        self.schedule: list[str] = []  # the pick at every point with a real choice
        self._prefix = list(choices or [])  # replay these picks first (undo, reruns)
        self._idle_time = idle_time
        self._steps_in: queue.Queue[str] = queue.Queue()
        self.awaiting_step = False
        self.stepper: BytecodeStepper | None = None  # set for bytecode granularity
        self.closed = False

    # --- time ----------------------------------------------------------------------

    def clock(self) -> float:
        return self.now_us / 1_000_000

    def _deadline(self, seconds: float | None) -> int | None:
        return None if seconds is None else self.now_us + max(0, round(seconds * 1_000_000))

    # --- Hook ----------------------------------------------------------------------

    def point(self, rt: Runtime, op: str | None = None) -> None:
        self.now_us += TICK_US
        # At bytecode granularity an access to shared data is a step of the program's
        # bytecode: it says which instruction (``LOAD_ATTR``) like every other step.
        where = {"op": op} if op is not None and self.stepper is not None else None
        self._switch(rt, rt.me(), where=where)

    def acquire(
        self,
        rt: Runtime,
        raw: LockType,
        timeout: float | None,
        obj: str | None,
        reason: str,
        **detail: Any,
    ) -> bool:
        if raw.acquire(False):
            return True
        if timeout is not None and timeout <= 0:
            return False
        me = rt.me()
        wait = _Wait(lambda: not raw.locked(), self._deadline(timeout))
        while True:
            rt.block(obj, reason, timeout=timeout, **detail)
            me.extra["wait"] = wait
            self._switch(rt, me)
            if raw.acquire(False):
                return True
            if wait.expired:
                return False
            # Woken, but another thread took it first: wait again, like a real thread.

    def sleep(self, rt: Runtime, seconds: float, reason: str) -> None:
        me = rt.me()
        rt.block(None, reason, seconds=seconds)
        me.extra["wait"] = _Wait(_never, self._deadline(seconds), sleep=True)
        self._switch(rt, me)

    def starting(self, rt: Runtime, info: ThreadInfo) -> None:
        baton = allocate_lock()
        baton.acquire()
        info.extra["baton"] = baton
        info.extra["wait"] = None
        self.threads.append(info)
        self.live.append(info)

    def never_started(self, rt: Runtime, info: ThreadInfo) -> None:
        self.live.remove(info)  # never offered: it cannot take the baton

    def begin(self, rt: Runtime, info: ThreadInfo) -> None:
        if self.current is None:  # the main thread: it starts with the baton
            self.current = info
            rt.emit("run", state=RUNNING, info=info, line=None)
        else:
            info.extra["baton"].acquire()  # sleep until a scheduling point picks it
            if self.closed:
                raise RunOver
        if self.stepper is not None:
            self.stepper.install_in_thread()

    def end(self, rt: Runtime, info: ThreadInfo) -> None:
        if self.stepper is not None and self.stepper.missed(info):
            self.control.finish(
                Status.FAILED,
                f"Bytecode stepping saw no instruction of {info.name}, which ran scenario "
                "code: this interpreter's tracing skipped it (CPython gh-114480), so the "
                f"run would show a false interleaving. Use granularity '{Granularity.OPERATION}'.",
                **self.facts(),
            )
        self.live.remove(info)
        self._switch(rt, info, leaving=True)

    def bytecode_step(self, rt: Runtime, code: CodeType, offset: int, op: str) -> None:
        """A scheduling point between two bytecodes of the scenario (bytecode mode)."""
        me = rt.me()
        if me is not self.current:
            return
        assert self.stepper is not None
        self.stepper.count(me)
        self.now_us += TICK_US
        self._switch(rt, me, where={"offset": offset, "op": op})

    def task_point(self, rt: Runtime, ready: list[ThreadInfo], current: ThreadInfo) -> ThreadInfo:
        """A scheduling point inside an event loop (``asyncio_controlled.py``): which of
        the loop's ``ready`` task lanes runs its next step.  The running thread is the
        loop's and keeps the baton; ``current`` is the task that ran last on the loop
        (its thread if none did).  Decided like a thread switch: replayed ``choices``
        first, then the policy, or the person in a manual run; a real choice goes into
        ``schedule``."""
        if self.closed:
            raise RunOver
        self.now_us += TICK_US
        self.steps += 1
        if len(ready) == 1:
            return ready[0]
        chosen = self._choose(ready, current)
        self.schedule.append(chosen.name)
        return chosen

    # --- manual stepping -----------------------------------------------------------

    def step(self, thread: str) -> None:
        """A step command from the run's creator (worker's command thread)."""
        self._steps_in.put(thread)

    def close(self) -> None:
        """The run has ended: wake every thread waiting for the baton; each one (and any
        that reaches a scheduling point later) unwinds with ``RunOver`` and ends."""
        self.closed = True
        for t in list(self.threads):
            baton = t.extra.get("baton")
            if baton is not None and baton.locked():
                try:
                    baton.release()
                except RuntimeError:  # released by the thread itself in between
                    pass

    def facts(self) -> dict[str, Any]:
        return {"steps": self.steps, "schedule": self.schedule, "policy": self.policy.name}

    # --- the core ------------------------------------------------------------------

    def _switch(
        self,
        rt: Runtime,
        me: ThreadInfo,
        leaving: bool = False,
        where: dict[str, Any] | None = None,
    ) -> None:
        """At a scheduling point of ``me``: pick who runs next and hand over the baton.
        Returns when ``me`` runs again (at once if it is picked)."""
        if self.closed:  # the run is over: its threads unwind and end
            raise RunOver
        self.steps += 1
        nxt = self._pick(rt, me, leaving)
        if nxt is me:
            if me.state != RUNNING:
                rt.emit("run", state=RUNNING, info=me, line=None)
            return
        if me.state == RUNNING and not leaving:
            rt.emit("preempt", detail=where, state=RUNNABLE, info=me)
        self.current = nxt
        if nxt is not None:
            rt.emit("run", state=RUNNING, info=nxt, line=None)
            nxt.extra["baton"].release()
        if not leaving:
            me.extra["baton"].acquire()
            if self.closed:
                raise RunOver

    def _pick(self, rt: Runtime, me: ThreadInfo, leaving: bool) -> ThreadInfo | None:
        runnable = self._runnable(rt, me, leaving)
        if not runnable:
            runnable = self._advance_time(rt, me, leaving)
        if not runnable:
            self._nothing_runnable(rt)
            return None
        if len(runnable) == 1:
            return runnable[0]
        chosen = self._choose(runnable, me)
        self.schedule.append(chosen.name)
        return chosen

    def _runnable(self, rt: Runtime, me: ThreadInfo, leaving: bool) -> list[ThreadInfo]:
        """The threads that may run now, in creation order; Blocked threads whose wait
        is over are woken first (a ``wake`` event each)."""
        out = []
        now = self.now_us
        for t in self.live:
            state = t.state
            if state == BLOCKED:
                wait: _Wait | None = t.extra["wait"]
                if wait is None:
                    continue
                if wait.ready():
                    self._wake(rt, t, expired=False)
                elif wait.deadline_us is not None and now >= wait.deadline_us:
                    self._wake(rt, t, expired=True)
                else:
                    continue
                out.append(t)
            elif state in (RUNNABLE, RUNNING):
                out.append(t)
        return out

    def _wake(self, rt: Runtime, t: ThreadInfo, expired: bool) -> None:
        wait: _Wait = t.extra["wait"]
        wait.expired = expired
        t.extra["wait"] = None
        rt.emit(
            "wake",
            t.blocked_on[0] if t.blocked_on else None,
            {TIMED_OUT: True} if expired and not wait.sleep else {},
            state=RUNNABLE,
            info=t,
            line=None,
        )

    def _advance_time(self, rt: Runtime, me: ThreadInfo, leaving: bool) -> list[ThreadInfo]:
        """Nothing can run now: jump virtual time to the earliest deadline, if any."""
        deadlines = [
            t.extra["wait"].deadline_us
            for t in self.live
            if t.state == BLOCKED and t.extra.get("wait") and t.extra["wait"].deadline_us
        ]
        if not deadlines:
            return []
        self.now_us = max(self.now_us, min(deadlines))
        return self._runnable(rt, me, leaving)

    def _nothing_runnable(self, rt: Runtime) -> None:
        stuck = [t for t in self.live if t.state == BLOCKED]
        if any(not t.daemon for t in stuck):
            names = ", ".join(t.name for t in stuck)
            self.control.finish(
                Status.DEADLOCKED,
                f"Deadlock: no thread can run — {names} "
                f"{'is' if len(stuck) == 1 else 'are'} blocked and nothing can wake them.",
                **self.facts(),
            )
        # Else every non-daemon thread has ended: the worker ends the run.

    def _choose(self, runnable: list[ThreadInfo], me: ThreadInfo) -> ThreadInfo:
        if self._prefix:
            name = self._prefix.pop(0)
            for t in runnable:
                if t.name == name:
                    return t
            self.control.finish(
                Status.FAILED,
                f"Replay went off course: {name} was not runnable at step {self.steps} "
                f"(runnable: {', '.join(t.name for t in runnable)}).",
                **self.facts(),
            )
        if self.policy.name == Policy.MANUAL:
            return self._ask(runnable)
        return self.policy.choose(runnable, me, self.steps)

    def _ask(self, runnable: list[ThreadInfo]) -> ThreadInfo:
        names = [t.name for t in runnable]
        self.control.send_message("waiting", runnable=names, step=self.steps)
        self.awaiting_step = True
        try:
            while True:
                try:
                    name = self._steps_in.get(timeout=self._idle_time)
                except queue.Empty:
                    self.control.finish(
                        Status.CANCELLED,
                        f"Nobody stepped this run for {self._idle_time / 60:g} minutes, "
                        "so it was cancelled.",
                        **self.facts(),
                    )
                    raise  # not reached: finish() ends the process
                for t in runnable:
                    if t.name == name:
                        return t
                self.control.send_message("rejected", thread=name, runnable=names)
        finally:
            self.awaiting_step = False


def make_scheduler(spec: dict[str, Any], control: RunControl) -> Scheduler:
    options = spec.get("options") or {}
    policy = make_policy(spec["policy"], spec["seed"], options)
    return Scheduler(
        policy,
        control,
        choices=options.get("choices"),
        idle_time=spec["limits"].get("idle_time", DEFAULT_LIMITS.idle_time),
    )
