"""The event log being written inside a run (standard library only).

Recording sits inside every lock acquire, so it only appends a tuple; turning tuples into
JSON happens later on the worker's writer thread (``take`` and ``encode_batch``).

How ``seq`` stays a consistent order without a lock on the hot path: ``seq`` comes from
``next()`` on an ``itertools.count`` — one atomic step under the GIL — taken *after* a
real acquire and *before* a real release (DESIGN principle 3).  Two threads may append
their tuples in the other order, so ``take`` sorts, hands out only the gap-free prefix
(``seq`` has no holes on the wire), and clamps ``t`` so that it never decreases.  On an
interpreter without a GIL (``python3.13t``) the same steps run under a lock instead.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from app.instrument.events import encode, make

Record = tuple[int, float, str, "str | None", "str | None", "str | None", "int | None", dict]
Final = tuple[str, "str | None", "str | None", "str | None", dict]


def gil_enabled() -> bool:
    return bool(getattr(sys, "_is_gil_enabled", lambda: True)())


class Recorder:
    """``clock`` is read raw (``time.perf_counter`` in free mode); ``t`` on the wire is
    that reading minus ``origin``."""

    def __init__(
        self,
        clock: Callable[[], float] = time.perf_counter,
        max_events: int = 0,
        on_limit: Callable[[int], None] | None = None,
    ) -> None:
        self.clock = clock
        self.origin = clock()
        self.max_events = max_events
        self._on_limit = on_limit
        self.next_seq = itertools.count(1).__next__
        self.pending: list[Record] = []
        self.enabled = True
        self.atomic = gil_enabled()
        self.lock = threading.Lock()  # used on the hot path only without a GIL
        self._take_lock = threading.Lock()
        self._held: dict[int, Record] = {}  # out of order, waiting for a lower seq
        self._emitted = 0  # highest seq handed out by take()
        self._last_t = self.origin

    def now(self) -> float:
        """Seconds since the run started, on this recorder's clock."""
        return self.clock() - self.origin

    def record(
        self,
        kind: str,
        thread: str | None,
        state: str | None,
        obj: str | None,
        line: int | None,
        detail: dict[str, Any],
    ) -> None:
        if not self.enabled:
            return
        if self.atomic:
            seq = self.next_seq()
            self.pending.append((seq, self.clock(), kind, thread, state, obj, line, detail))
        else:
            with self.lock:
                seq = self.next_seq()
                self.pending.append((seq, self.clock(), kind, thread, state, obj, line, detail))
        if seq == self.max_events:
            self.limit_reached(seq)

    def limit_reached(self, seq: int) -> None:
        if self._on_limit is not None:
            self._on_limit(seq)

    def recorded(self) -> int:
        """How many events have been recorded so far (a progress counter)."""
        return self._emitted + len(self._held) + len(self.pending)

    def take(self) -> list[Record]:
        """The next gap-free run of records in seq order, t clamped to never decrease."""
        with self._take_lock:
            batch = self._drain()
            held = self._held
            for rec in batch:
                held[rec[0]] = rec
            out: list[Record] = []
            seq, last_t = self._emitted + 1, self._last_t
            while seq in held:
                rec = held.pop(seq)
                if rec[1] < last_t:
                    rec = (rec[0], last_t, *rec[2:])
                last_t = rec[1]
                out.append(rec)
                seq += 1
            self._emitted, self._last_t = seq - 1, last_t
            return out

    def _drain(self) -> list[Record]:
        """Take what is pending.  Hot paths append to this very list concurrently: copy
        the first n, then delete the first n (one atomic step under the GIL), so an
        append in between lands past n and waits for the next drain."""
        pending = self.pending
        if not self.atomic:
            with self.lock:
                batch = pending[:]
                pending.clear()
            return batch
        n = len(pending)
        batch = pending[:n]
        del pending[:n]
        return batch

    def seal(self, last: list[Final]) -> list[Record]:
        """Stop recording and return what is left: the gap-free remainder, then ``last``
        (kind, thread, state, obj, detail) numbered after it.  Anything a cut-off thread
        was still writing is dropped, so nothing follows a thread's final exit."""
        self.enabled = False
        out = self.take()
        with self._take_lock:
            self._held.clear()
            seq, t = self._emitted, max(self._last_t, self.clock())
            for kind, thread, state, obj, detail in last:
                seq += 1
                out.append((seq, t, kind, thread, state, obj, None, detail))
            self._emitted, self._last_t = seq, t
        return out

    def to_event(self, record: Record) -> dict[str, Any]:
        seq, t, kind, thread, state, obj, line, detail = record
        return make(seq, round(t - self.origin, 6), kind, thread, state, obj, line, detail)

    def encode_batch(self, records: list[Record]) -> bytes:
        """JSON lines, one event a line, in the contract's canonical encoding."""
        if not records:
            return b""
        lines = [encode(self.to_event(r)) for r in records]
        return ("\n".join(lines) + "\n").encode()
