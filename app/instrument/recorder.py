"""The event log being written inside a run (standard library only).

Recording sits inside every lock acquire, so it only appends a tuple; turning tuples into
JSON happens later on the worker's writer thread (``take`` and ``encode_batch``).

How ``seq`` stays a consistent order without a lock on the hot path: ``seq`` comes from
``next()`` on an ``itertools.count`` — one atomic step under the GIL — taken *after* a
real acquire and *before* a real release (docs/contracts.md, "The log is a consistent
history").  Two threads may append
their tuples in the other order, so ``take`` sorts, hands out only the gap-free prefix
(``seq`` has no holes on the wire), and clamps ``t`` so that it never decreases.  On an
interpreter without a GIL (``python3.13t``) the same steps run under a lock instead.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from bisect import bisect_right
from collections.abc import Callable
from types import CodeType
from typing import Any

from app.instrument.events import encode, make

# (seq, t, kind, thread, state, obj, line, detail) ...
LineRecord = tuple[int, float, str, str | None, str | None, str | None, int | None, dict[str, Any]]
# ... or, from the hot path of ``Runtime.op``, the code object where the line goes and the
# instruction offset as a 9th field: the writer looks the line up (``line_of``).
CodeRecord = tuple[
    int, float, str, str | None, str | None, str | None, CodeType, dict[str, Any], int
]
Record = LineRecord | CodeRecord
# What ``seal`` appends after the log: (kind, thread, state, obj, detail).
Final = tuple[str, str | None, str | None, str | None, dict[str, Any]]


_LINES: dict[CodeType, tuple[list[int], list[int | None]]] = {}


def line_of(code: CodeType, offset: int) -> int | None:
    """The source line of the instruction at byte ``offset`` of ``code`` (what
    ``frame.f_lineno`` says), from the code's line table, cached per code object."""
    table = _LINES.get(code)
    if table is None:
        starts: list[int] = []
        lines: list[int | None] = []
        for start, _end, line in code.co_lines():
            starts.append(start)
            lines.append(line)
        table = _LINES[code] = (starts, lines)
    i = bisect_right(table[0], offset) - 1
    return table[1][i] if i >= 0 else None


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
        self._stopped_at: float | None = None  # the clock when recording stopped
        self.atomic = gil_enabled()
        self.lock = threading.Lock()  # used on the hot path only without a GIL
        self._take_lock = threading.Lock()
        self._held: list[Record] = []  # past a gap, waiting for the missing seq
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
        """The next gap-free run of records in seq order.  (``t`` is made monotonic in
        ``to_event``.)  The usual batch is already complete: one sort in C, no loop."""
        with self._take_lock:
            batch = self._drain()
            if self._held:
                batch.extend(self._held)
                self._held = []
            if not batch:
                return batch
            batch.sort()  # by seq: seqs are unique, so no other field is compared
            first = self._emitted + 1
            if batch[0][0] == first and batch[-1][0] == first + len(batch) - 1:
                self._emitted = batch[-1][0]
                return batch
            # A gap: a thread took its seq but has not appended yet.  Hand out what comes
            # before it; the rest waits for the next take.
            n = 0
            while n < len(batch) and batch[n][0] == first + n:
                n += 1
            self._held = batch[n:]
            self._emitted = first + n - 1
            return batch[:n]

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

    def stop(self) -> float:
        """Record nothing more; the time of the first stop, which stamps the final events
        ``seal`` adds: a daemon thread that keeps sleeping in virtual time until the
        seal must not move them (two trials of one seed gave 0.5 s and 426 s)."""
        if self._stopped_at is None:
            self._stopped_at = self.clock()
        self.enabled = False
        return self._stopped_at

    def seal(self, last: list[Final]) -> list[Record]:
        """Stop recording and return what is left: the gap-free remainder, then ``last``
        (kind, thread, state, obj, detail) numbered after it.  Anything a cut-off thread
        was still writing is dropped, so nothing follows a thread's final exit."""
        t = self.stop()
        out = self.take()
        with self._take_lock:
            self._held.clear()
            seq = self._emitted
            for kind, thread, state, obj, detail in last:
                seq += 1
                out.append((seq, t, kind, thread, state, obj, None, detail))
            self._emitted = seq
        return out

    def to_event(self, record: Record) -> dict[str, Any]:
        """The event of a record.  Records must come in seq order (as ``take`` gives
        them): ``t`` is clamped here so that it never decreases — a thread may read the
        clock a moment after a thread with a higher seq did."""
        line: int | None
        if len(record) == 9:  # from the hot path: code and offset in place of the line
            hot: CodeRecord = record  # type: ignore[assignment]  # len() narrows ≤ 8 items
            seq, t, kind, thread, state, obj, code, detail, offset = hot
            line = line_of(code, offset)
        else:
            flat: LineRecord = record  # type: ignore[assignment]  # len() narrows ≤ 8 items
            seq, t, kind, thread, state, obj, line, detail = flat
        if t < self._last_t:
            t = self._last_t
        self._last_t = t
        return make(seq, round(t - self.origin, 6), kind, thread, state, obj, line, detail)

    def encode_batch(self, records: list[Record]) -> bytes:
        """JSON lines, one event a line, in the contract's canonical encoding."""
        if not records:
            return b""
        lines = [encode(self.to_event(r)) for r in records]
        return ("\n".join(lines) + "\n").encode()
