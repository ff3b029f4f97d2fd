"""The memory budget of a worker's whole process tree: a run's (``supervisor.py``) or a
search's (``search_jobs.py``).  The worker's rlimits hold per process, so children
could together take many times a worker's memory; this sums them from outside."""

from __future__ import annotations

import asyncio

from app.runs.process import WorkerProcess, tree_memory
from app.worker.limits import MIB

MEMORY_POLL = 0.2  # seconds between two looks at a process tree's memory


class MemoryGuard:
    """Kills a worker's process tree once its summed resident memory passes ``budget``
    (bytes); ``over`` then says how much it held, in how many processes."""

    def __init__(self, process: WorkerProcess, budget: int) -> None:
        self.process = process
        self.budget = budget
        self.over: tuple[int, int] | None = None  # (bytes, processes) when killed

    async def watch(self) -> None:
        """Until cancelled, or until it kills.  Read off the loop (a pass over /proc
        costs about 15 µs a process of the machine)."""
        pid = getattr(self.process, "pid", None)  # none: not started, or a stand-in
        if pid is None:
            return
        while True:
            await asyncio.sleep(MEMORY_POLL)
            used, count = await asyncio.to_thread(tree_memory, pid)
            if used > self.budget:
                self.over = (used, count)
                self.process.kill()  # its group; in the sandbox, its PID namespace
                return

    def message(self, what: str) -> str | None:
        """Why ``what`` (a run, a search) was stopped, if this guard stopped it."""
        if self.over is None:
            return None
        used, count = self.over
        return (
            f"The {what} was stopped at its memory limit: its {count} processes held "
            f"{used / MIB:,.0f} MiB together, past its {self.budget / MIB:,.0f} MiB."
        )
