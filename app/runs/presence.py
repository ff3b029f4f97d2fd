"""Presence: who watches a run, and where its presenter is in the playback.

A run's event stream closes after ``end``, but a class keeps following the teacher
through a recording long after that, so presence has its own stream per run
(``GET /api/runs/{id}/presence``).  It carries named messages only, never an ``id:``:

    event: presenter   {"active", "seq", "playing", "speed", "live", "version", "at"}
    event: viewers     {"count"}     how many people have the presence stream open

Only the latest message of each name is kept: a viewer who arrives late gets the current
position at once, then every change.  Every viewer holds nothing but the version it has
seen; one ``publish`` wakes them all through one shared ``asyncio.Event``.

    presenter ──POST /presenter──▶ PresenceHub.present() ──▶ Channel.present()
                                     │                ──wake──▶ viewer 1 … viewer 100
                                     └──▶ run.log.note("presenter") (live event streams)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any, NamedTuple

from app.runs.log import Stop, first_of, note_frame
from app.runs.run import Run, authorize

MAX_CHANNELS = 1000  # idle channels (nobody watching) past this are forgotten, oldest first


class Position(NamedTuple):
    """Where the presenter is: the last event shown, playing or paused, at what speed,
    and whether they follow a live run's newest event."""

    seq: int
    playing: bool
    speed: float = 1.0
    live: bool = False


class Channel:
    """The presence of one run."""

    def __init__(self) -> None:
        self.viewers = 0
        self.presented = 0  # presenter messages so far: their ``version``
        self.last: dict[str, Any] | None = None  # the latest presenter message
        self._notes: dict[str, tuple[int, bytes]] = {}  # name → (version, frame)
        self._version = 0
        self._changed: asyncio.Event | None = None

    def present(self, position: Position, active: bool = True) -> dict[str, Any]:
        """Publish the presenter's position; the message every viewer gets."""
        self.presented += 1
        self.last = message = {
            "active": active,
            "seq": position.seq,
            "playing": position.playing,
            "speed": position.speed,
            "live": position.live,
            "version": self.presented,
            "at": round(time.time() * 1000),  # server clock, ms since the epoch
        }
        self.publish("presenter", message)
        return message

    def publish(self, name: str, data: dict[str, Any]) -> None:
        self._version += 1
        self._notes[name] = (self._version, note_frame(name, data))
        changed, self._changed = self._changed, None
        if changed is not None:
            changed.set()

    async def follow(self, stop: Stop) -> AsyncIterator[bytes]:
        """The messages for one viewer: the latest of each name, then every change,
        until ``stop`` is set or the viewer hangs up."""
        seen = 0
        self._count(+1)
        try:
            while not stop.is_set():
                if self._version > seen:
                    fresh = sorted(note for note in self._notes.values() if note[0] > seen)
                    seen = self._version
                    yield b"".join(frame for _, frame in fresh)
                else:
                    await first_of(self._wait(seen), stop.wait())
        finally:
            self._count(-1)

    def _count(self, change: int) -> None:
        self.viewers += change
        self.publish("viewers", {"count": self.viewers})

    async def _wait(self, seen: int) -> None:
        while self._version <= seen:
            if self._changed is None:
                self._changed = asyncio.Event()
            await self._changed.wait()


class PresenceHub:
    """Every run's ``Channel``, made on first use."""

    def __init__(self) -> None:
        self._channels: dict[str, Channel] = {}

    def channel(self, run_id: str) -> Channel:
        channel = self._channels.get(run_id)
        if channel is None:
            channel = self._channels[run_id] = Channel()
            self._trim()
        return channel

    def present(self, run: Run, token: str | None, position: Position) -> dict[str, Any]:
        """The creator moves the playback of everyone who follows: on the presence
        stream, and as a note on the run's event stream while it is live."""
        authorize(run, token)
        return self._publish(run, position, active=True)

    def stop(self, run: Run, token: str | None) -> dict[str, Any]:
        """The creator stops presenting; followers keep the last position, paused."""
        authorize(run, token)
        last = self.channel(run.id).last or {"seq": 0, "speed": 1.0}
        return self._publish(run, Position(last["seq"], False, last["speed"]), active=False)

    def _publish(self, run: Run, position: Position, active: bool) -> dict[str, Any]:
        channel = self.channel(run.id)
        message = channel.present(position, active)
        run.log.note("presenter", message)
        return {**message, "viewers": channel.viewers}

    def _trim(self) -> None:
        idle = [run_id for run_id, ch in self._channels.items() if ch.viewers == 0]
        for run_id in idle[: max(0, len(self._channels) - MAX_CHANNELS)]:
            del self._channels[run_id]
