"""The runs in memory: every live run, and the newest ended ones.

Memory is bounded: ended runs stay up to ``keep_runs`` runs and ``keep_events`` events,
oldest forgotten first; the newest ended run always stays, however big.  With a store,
a forgotten run is still recorded, and ``RunManager.find`` loads it back from there.

    add(run) ── live ──▶ ended(run) ──▶ counted ──(past a bound)──▶ forgotten
             └─ already ended (loaded) ─▶ counted
    drop(run id): forget an ended run now (deleted or pruned)
"""

from __future__ import annotations

from collections import deque

from app.runs.run import Run


class RunCache:
    def __init__(self, keep_runs: int, keep_events: int) -> None:
        self.keep_runs = keep_runs
        self.keep_events = keep_events
        self._runs: dict[str, Run] = {}
        self._ended: deque[str] = deque()  # oldest first
        self._ended_events = 0

    def get(self, run_id: str) -> Run | None:
        return self._runs.get(run_id)

    def add(self, run: Run) -> Run:
        """Keep the run, or the one with its id already here (loaded meanwhile by
        another request); that one is returned."""
        kept = self._runs.setdefault(run.id, run)
        if kept is run and run.is_over:
            self.ended(run)
        return kept

    def ended(self, run: Run) -> None:
        """The run has ended: count it, and forget the oldest ended runs past the bounds."""
        self._ended.append(run.id)
        self._ended_events += len(run.log)
        while len(self._ended) > 1 and (
            len(self._ended) > self.keep_runs or self._ended_events > self.keep_events
        ):
            old = self._runs.pop(self._ended.popleft())
            self._ended_events -= len(old.log)

    def drop(self, run_id: str) -> None:
        """Forget an ended run (a live one stays: it is not over yet)."""
        run = self._runs.get(run_id)
        if run is None or not run.is_over:
            return
        del self._runs[run_id]
        if run_id in self._ended:
            self._ended.remove(run_id)
            self._ended_events -= len(run.log)

    def newest_first(self) -> list[Run]:
        return list(reversed(self._runs.values()))
