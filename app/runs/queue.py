"""The run queue: runs waiting for a worker slot, and the runs in the slots.

    add(run) ──▶ waiting (at most ``size``) ──next()──▶ a slot (at most ``slots``)
                   │ withdraw(run): cancelled             │ release(run id): the run ended
                   └ drain(): the server stops            └ running(): to stop them all

Past the cap ``add`` raises QueueFull with the seconds until a slot frees (the soonest
wall-time deadline of the running runs), which the API sends as Retry-After.  The queue
only keeps places; the run manager starts and ends the runs.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from dataclasses import dataclass

from app.contract import Status
from app.errors import QueueFull
from app.runs.run import Run
from app.runs.supervisor import Supervisor


@dataclass
class Slot:
    """A running run: its worker's supervisor and the task that drives the run."""

    supervisor: Supervisor
    task: asyncio.Task[None]


class RunQueue:
    def __init__(self, slots: int, size: int) -> None:
        self.slots = slots  # runs at once (``max_runs``)
        self.size = size  # runs waiting at most while every slot is taken (``queue_size``)
        self._waiting: deque[Run] = deque()
        self._running: dict[str, Slot] = {}

    def add(self, run: Run) -> None:
        """Put the run last in line; QueueFull if every slot and place is taken."""
        if len(self._running) >= self.slots and len(self._waiting) >= self.size:
            loop = asyncio.get_running_loop()
            soonest = min((s.supervisor.deadline for s in self._running.values()), default=0.0)
            retry = max(1, math.ceil(soonest - loop.time()))
            raise QueueFull(
                f"All {self.slots} worker slots are busy and {len(self._waiting)} runs are "
                f"waiting; try again in {retry} s.",
                retry,
            )
        self._waiting.append(run)

    def next(self) -> Run | None:
        """The first waiting run, taken out of the line, if a slot is free for it."""
        if self._waiting and len(self._running) < self.slots:
            return self._waiting.popleft()
        return None

    def occupy(self, run: Run, supervisor: Supervisor, task: asyncio.Task[None]) -> None:
        self._running[run.id] = Slot(supervisor, task)

    def release(self, run_id: str) -> None:
        self._running.pop(run_id, None)

    def slot(self, run_id: str) -> Slot:
        """The slot of a running run (KeyError if it is not running)."""
        return self._running[run_id]

    def running(self) -> list[Slot]:
        return list(self._running.values())

    def withdraw(self, run: Run) -> None:
        self._waiting.remove(run)

    def drain(self) -> list[Run]:
        """Every waiting run, in order, taken out of the line."""
        waiting, self._waiting = list(self._waiting), deque()
        return waiting

    def position(self, run: Run) -> int | None:
        """1 for the next run to start; None if the run is not waiting."""
        return next((i for i, queued in enumerate(self._waiting, 1) if queued is run), None)

    def counts(self) -> dict[Status, int]:
        return {Status.RUNNING: len(self._running), Status.QUEUED: len(self._waiting)}
