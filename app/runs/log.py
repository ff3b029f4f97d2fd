"""One run's event log: the single in-memory history every viewer reads.

Each event is kept twice, side by side: as a dict (for analysis and counts) and as its
SSE frame, built exactly once here (around the worker's own JSON bytes when it has
them).  Every viewer gets the very same bytes and holds nothing but its position (an
index) in ``frames``.

    Supervisor (the worker's events) ──┐
    RunManager (deadlock, end) ────────┴─append()──▶ RunLog ──wake──▶ viewer 1 (position 17)
                                                       │    ──wake──▶ viewer 2 (position 0)
                                                       └── ``end`` closes the log; viewers
                                                           drain it and stop

The log keeps the contract's promises itself: seq 1, 2, 3… without gaps, ``t`` never
decreasing, every field present; nothing is appended after ``end``.

Besides events, a live run has *notes*: the latest state of something that is not
history, such as "the worker waits for a step by T1 or T2".  A note goes out with its
own ``event:`` name and no ``id:`` (so it never moves a client's Last-Event-ID), only
the latest of each name is kept, and a viewer gets it once it has caught up with the
events; a finished run has no notes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Coroutine
from typing import Any, Protocol

from app.instrument.events import Event, encode, validate

# How many frames one viewer sends in a single write: big enough that a viewer
# catching up on a long log is bounded by the network, not by per-write overhead.
BATCH = 512


def frame(event: Event, text: bytes | None = None) -> bytes:
    """The SSE message of one event; the run's last event (``end``) is named.  ``text``
    is the event's JSON as the worker already encoded it, reused when it is one line."""
    head = b"event: end\n" if event["kind"] == "end" else b""
    if text is None or b"\r" in text or b"\n" in text:
        text = encode(event).encode()
    return b"%sid: %d\ndata: %s\n\n" % (head, event["seq"], text)


def body(event_frame: bytes) -> bytes:
    """The event JSON an event's SSE frame carries (what recordings and exports keep)."""
    return event_frame[event_frame.index(b"data: ") + 6 : -2]


def note_frame(name: str, data: dict[str, Any]) -> bytes:
    """A named SSE message without ``id:``: it never moves a client's Last-Event-ID."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return b"event: %s\ndata: %s\n\n" % (name.encode(), text.encode())


class RunLog:
    """Append-only event log of one run, shared by all its viewers."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.frames: list[bytes] = []
        self.closed = False
        # Replaced after each wake-up: every waiting viewer shares one Event, and a
        # viewer that disconnects cancels only its own wait, never the others'.
        self._changed: asyncio.Event | None = None
        self._notes: dict[str, tuple[int, bytes]] = {}  # name → (version, frame)
        self._note_version = 0

    def __len__(self) -> int:
        return len(self.events)

    @property
    def last_t(self) -> float:
        return self.events[-1]["t"] if self.events else 0.0

    def append(self, event: Event, text: bytes | None = None) -> None:
        """Add the next event; ValueError (a sentence) if it breaks the contract.
        ``text``: the event's canonical JSON if the caller has it (saves re-encoding)."""
        if self.closed:
            raise ValueError(f"the log has ended; event {event.get('seq')!r} came after it")
        problem = validate(event)
        if problem:
            raise ValueError(problem)
        if event["seq"] != len(self.events) + 1:
            raise ValueError(f"expected seq {len(self.events) + 1}, got {event['seq']}")
        if event["t"] < self.last_t:
            raise ValueError(f"t went back in time: {event['t']} after {self.last_t}")
        self.frames.append(frame(event, text))
        self.events.append(event)
        if event["kind"] == "end":
            self.closed = True
            self._notes.clear()
        self._wake()

    def note(self, name: str, data: dict[str, Any]) -> None:
        """Set the latest ``name`` note for live viewers (ignored once the log ended)."""
        if self.closed:
            return
        self._note_version += 1
        self._notes[name] = (self._note_version, note_frame(name, data))
        self._wake()

    def drop_note(self, name: str) -> None:
        """Forget the ``name`` note: it is no longer true (a step answered ``waiting``),
        so a viewer who connects now must not be told it."""
        self._notes.pop(name, None)

    def _notes_after(self, version: int) -> bytes:
        fresh = sorted(note for note in self._notes.values() if note[0] > version)
        return b"".join(frame for _, frame in fresh)

    def _wake(self) -> None:
        changed, self._changed = self._changed, None
        if changed is not None:
            changed.set()

    async def wait(
        self, position: int, notes_seen: int | None = None, stop: Stop | None = None
    ) -> None:
        """Return once the log holds more than ``position`` frames, has ended, (if
        ``notes_seen`` is given) has a note newer than that version, or ``stop`` is set."""
        while (
            len(self.frames) <= position
            and not self.closed
            and (notes_seen is None or self._note_version <= notes_seen)
            and (stop is None or not stop.is_set())
        ):
            if self._changed is None:
                self._changed = asyncio.Event()
            await self._changed.wait()

    async def follow(self, after: int = 0, stop: Stop | None = None) -> AsyncIterator[bytes]:
        """The SSE bytes of every event after seq ``after``, live until ``end`` — or
        until ``stop`` is set (the server is shutting down) — with the notes between."""
        position, notes_seen = after, 0
        # One watcher per viewer wakes the shared wait when the server stops (racing two
        # tasks at every wake-up cost a viewer more CPU than sending its events).
        watcher = asyncio.ensure_future(self._wake_on(stop)) if stop is not None else None
        try:
            while stop is None or not stop.is_set():
                chunk = self.frames[position : position + BATCH]
                if chunk:
                    position += len(chunk)
                    yield b"".join(chunk)
                elif self.closed:
                    return
                elif self._note_version > notes_seen:
                    notes, notes_seen = self._notes_after(notes_seen), self._note_version
                    if notes:
                        yield notes
                else:
                    await self.wait(position, notes_seen, stop)
        finally:
            if watcher is not None:
                watcher.cancel()

    async def _wake_on(self, stop: Stop) -> None:
        await stop.wait()
        self._wake()


class Stop(Protocol):
    """An event that ends a viewer's stream early (asyncio.Event, anyio.Event)."""

    def is_set(self) -> bool: ...
    async def wait(self) -> Any: ...


async def first_of(*waits: Coroutine[Any, Any, Any]) -> None:
    """Wait until one of ``waits`` is done; cancel the others."""
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
