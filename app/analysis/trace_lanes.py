"""The Chrome trace's lanes beyond "one per thread" (``app/analysis/trace.py``): child
processes as trace processes, the names and order of a process's lanes, and the GIL
lane.  Pure and standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.instrument.events import PROCESS_SEPARATOR, Event

MAIN_PID = 1  # the program's own process (the worker); a child process gets 2, 3…
RUN_LANE = 0
MAIN_THREAD = PROCESS_SEPARATOR + "MainThread"


def micros(t: float) -> float:
    return round(t * 1_000_000, 3)


@dataclass
class Lane:
    """A lane of the run (a thread or an asyncio task) as a trace thread."""

    name: str  # the run's name for it: ``Process-1/Thread-1 (worker)``
    tid: int  # unique in the whole trace, in order of appearance
    pid: int
    process: str | None  # None: the program's own process
    internal: bool = False  # a thread a library started for itself
    loop: str | None = None  # a task's loop's thread (None: not a task)


@dataclass
class Processes:
    """Child processes, known by their ``MainThread`` lane (``Process-1/MainThread``)."""

    pids: dict[str, int] = field(default_factory=dict)  # process → trace pid
    real: dict[str, Any] = field(default_factory=dict)  # process → its pid in the worker

    def note(self, ev: Event) -> None:
        thread = ev["thread"]
        if thread is None or not thread.endswith(MAIN_THREAD):
            return
        process = thread[: -len(MAIN_THREAD)]
        self.pids.setdefault(process, MAIN_PID + 1 + len(self.pids))
        if ev["detail"].get("pid") is not None:
            self.real[process] = ev["detail"]["pid"]

    def of(self, thread: str) -> str | None:
        """The process a lane belongs to: the longest known prefix, so that a thread
        whose own name has a ``/`` stays in the program's process."""
        best = None
        for process in self.pids:
            if thread.startswith(process + PROCESS_SEPARATOR) and len(process) > len(best or ""):
                best = process
        return best

    def new_lane(self, ev: Event, tid: int) -> Lane:
        thread = str(ev["thread"])
        process = self.of(thread)
        detail = ev["detail"]
        loop = detail.get("loop") if detail.get("task") is True else None
        return Lane(
            thread,
            tid,
            self.pids[process] if process is not None else MAIN_PID,
            process,
            internal=detail.get("internal") is True,
            loop=str(loop) if loop is not None else None,
        )


def display_name(lane: Lane) -> str:
    """Its name inside its trace process (which already says ``Process-1``); a task says
    whose loop runs it."""
    prefix = "" if lane.process is None else lane.process + PROCESS_SEPARATOR
    name = lane.name.removeprefix(prefix)
    if lane.loop is not None:
        name += f" (task on {lane.loop.removeprefix(prefix)})"
    return name


def process_names(processes: Processes, title: str) -> list[dict[str, Any]]:
    """The program's process first, then the children as they started."""
    meta = [
        meta_event("process_name", MAIN_PID, RUN_LANE, name=title),
        meta_event("process_sort_index", MAIN_PID, RUN_LANE, sort_index=0),
    ]
    for process, pid in processes.pids.items():
        real = processes.real.get(process)
        name = process if real is None else f"{process} (pid {real})"
        meta.append(meta_event("process_name", pid, 0, name=name))
        meta.append(meta_event("process_sort_index", pid, 0, sort_index=pid - MAIN_PID))
    return meta


def lane_names(lanes: list[Lane], first_index: int) -> list[dict[str, Any]]:
    """Names and sort indices, from ``first_index`` on: in each process, the program's
    threads in order of appearance, a task right after its loop's thread, the threads
    the library runs for itself last."""
    meta = []
    position = {lane.name: i for i, lane in enumerate(lanes)}

    def order(lane: Lane) -> tuple[int, int, int, int]:
        anchor = position.get(lane.loop or "", position[lane.name])
        return (lane.internal, anchor, lane.loop is not None, position[lane.name])

    for index, lane in enumerate(sorted(lanes, key=order), first_index):
        meta.append(meta_event("thread_name", lane.pid, lane.tid, name=display_name(lane)))
        meta.append(meta_event("thread_sort_index", lane.pid, lane.tid, sort_index=index))
    return meta


def meta_event(kind: str, pid: int, tid: int, **args: Any) -> dict[str, Any]:
    return {"name": kind, "ph": "M", "pid": pid, "tid": tid, "args": args}


@dataclass
class Holders:
    """Who holds the GIL when, from the ``gil`` events — or, in a controlled run, who
    has the scheduler's baton, from ``run``/``preempt``/``block``/``exit``.

    One slice per holding span, none while nobody holds it.  On a build without a GIL
    several threads execute at once: each gets a lane of its own, as overlapping slices
    on one trace thread would not nest."""

    baton: bool = False
    no_gil: bool = False
    off: bool = False  # the lane stopped measuring: nothing is known after
    open: dict[str | None, tuple[str, float, int]] = field(default_factory=dict)
    slices: list[tuple[str | None, str, float, float, int]] = field(default_factory=list)
    notes: list[tuple[float, str, dict[str, Any]]] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=lambda: [None])  # None: the main lane

    def gil(self, ev: Event, ts: float) -> None:
        detail = ev["detail"]
        if "method" in detail or "unavailable" in detail:  # the first: how it is measured
            self.no_gil = detail.get("gil") is False
            why = detail.get("unavailable")
            self.notes.append((ts, "GIL lane" if why is None else "GIL lane unavailable", detail))
        if "off" in detail:
            self.close_all(ts)
            self.off = True
            self.notes.append((ts, f"GIL lane off: {detail['off']}", detail))
        elif self.off:
            return
        elif "holders" in detail:
            now = {str(h) for h in detail["holders"]}
            for key in [k for k in self.open if k not in now]:
                self.close(key, ts)
            for holder in sorted(h for h in now if h not in self.open):
                self.hold(holder, holder, ts, ev["seq"])
        elif ev["thread"] is None:
            self.close(None, ts)
        else:
            self.hold(None, ev["thread"], ts, ev["seq"])

    def scheduled(self, ev: Event, ts: float) -> None:
        """A controlled run's thread event (not a task's, not a child process's: those
        do not take the baton)."""
        thread = ev["thread"]
        if ev["kind"] == "run" and thread is not None:
            self.hold(None, thread, ts, ev["seq"])
        elif ev["kind"] in ("preempt", "block", "exit") and thread == self.holder():
            self.close(None, ts)

    def holder(self) -> str | None:
        held = self.open.get(None)
        return held[0] if held else None

    def hold(self, key: str | None, holder: str, ts: float, seq: int) -> None:
        held = self.open.get(key)
        if held is not None and held[0] == holder:
            return
        self.close(key, ts)
        if key not in self.keys:
            self.keys.append(key)
        self.open[key] = (holder, ts, seq)

    def close(self, key: str | None, ts: float) -> None:
        held = self.open.pop(key, None)
        if held is not None:
            holder, start, seq = held
            self.slices.append((key, holder, start, ts, seq))

    def close_all(self, ts: float) -> None:
        for key in list(self.open):
            self.close(key, ts)

    def trace_events(self, end: float, first_tid: int) -> tuple[list[dict[str, Any]], list[int]]:
        """The slices and notes, on lanes ``first_tid``…; and their metadata."""
        self.close_all(end)
        tids = {key: tid for tid, key in enumerate(self.keys, first_tid)}
        events: list[dict[str, Any]] = []
        for ts, name, args in self.notes:
            note = {"name": name, "cat": "gil", "ph": "i", "s": "t", "ts": ts}
            events.append({**note, "pid": MAIN_PID, "tid": tids[None], "args": args})
        for key, holder, start, stop, seq in self.slices:
            events.append(
                {
                    "name": self.slice_name(holder),
                    "cat": "baton" if self.baton else "gil",
                    "ph": "X",
                    "ts": start,
                    "dur": round(stop - start, 3),
                    "pid": MAIN_PID,
                    "tid": tids[key],
                    "cname": "thread_state_running",
                    "args": {"holder": holder, "seq": seq},
                }
            )
        return events, list(tids.values())

    def slice_name(self, holder: str) -> str:
        if self.baton:
            return f"{holder} has the baton"
        return f"{holder} executes bytecode" if self.no_gil else f"{holder} holds the GIL"

    def lane_names(self) -> list[str]:
        if self.baton:
            return ["baton"]
        if self.no_gil:
            return ["no GIL", *(f"no GIL · {key}" for key in self.keys[1:])]
        return ["GIL"]
