"""A run as a Chrome Trace Event file: opens in Perfetto (ui.perfetto.dev) and in
chrome://tracing.  Pure and standard library only: events in, one JSON object out.

    M  process_name, process_sort_index, thread_name, thread_sort_index: one trace
       process (pid 1) for the program, one per child process (pid 2, 3… in order of
       appearance, named ``Process-1 (pid 4242)``: its real pid when the log says it),
       each with its lanes; a lane's tid is unique in the trace, in order of
       appearance; run-level events on lane 0 of pid 1.  A lane is named as in the run
       (a child's without its process's prefix), an asyncio task ``Task-1 (task on
       MainThread)``; in a process, a task sorts right after its loop's thread and a
       thread the library runs for itself (``internal``) after the program's own
    X  one complete event per state span of a lane (New, Runnable, Running, Blocked),
       from the event that entered the state to the one that left it
    X  the GIL lane (pid 1, sorted right after lane 0), when the log has ``gil`` events:
       one slice per holding span, ``T1 holds the GIL``, none while nobody holds it;
       its first event and its end (``off``) as instants on it.  On a build without a
       GIL, one lane per thread (``no GIL · T1``), as several execute at once.  A
       controlled run has no ``gil`` events: the lane is the scheduler's ``baton``
       (``T1 has the baton``), from its threads' run/preempt/block/exit
    i  lock, queue, shared-variable… operations (thread scope), run events (global scope)
    s/f  a flow arrow from a release to the acquire it enabled: the next acquire of the
       same resource by another thread (``f`` binds to the enclosing slice, ``bp: "e"``)

Times are the events' ``t`` in microseconds (virtual time in controlled mode).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.analysis.trace_lanes import (
    MAIN_PID,
    RUN_LANE,
    Holders,
    Lane,
    Processes,
    lane_names,
    meta_event,
    micros,
    process_names,
)
from app.contract import Mode
from app.instrument.events import (
    BLOCKED,
    DEAD,
    GIL,
    NEW,
    RESOURCE_KINDS,
    RUNNABLE,
    RUNNING,
    Event,
)

__all__ = ["chrome_trace", "micros"]

# chrome://tracing's reserved colours (Perfetto colours by name instead).
COLOURS = {
    NEW: "thread_state_unknown",
    RUNNABLE: "thread_state_runnable",
    RUNNING: "thread_state_running",
    BLOCKED: "thread_state_uninterruptible",
}
OPERATIONS = frozenset(RESOURCE_KINDS)


@dataclass
class _Span:
    state: str
    start: float
    args: dict[str, Any]


@dataclass
class _Trace:
    events: list[dict[str, Any]] = field(default_factory=list)
    lanes: dict[str, Lane] = field(default_factory=dict)  # thread → its lane
    processes: Processes = field(default_factory=Processes)
    gil: Holders = field(default_factory=Holders)
    baton: Holders = field(default_factory=lambda: Holders(baton=True))
    spans: dict[str, _Span] = field(default_factory=dict)  # thread → its open span
    types: dict[str, str] = field(default_factory=dict)  # resource → its type
    released: dict[str, tuple[float, Lane]] = field(default_factory=dict)  # obj → release
    measured: bool = False  # the log has a GIL lane
    flows: int = 0

    def lane(self, ev: Event) -> Lane:
        thread = str(ev["thread"])
        lane = self.lanes.get(thread)
        if lane is None:
            lane = self.lanes[thread] = self.processes.new_lane(ev, len(self.lanes) + 1)
        return lane

    def add(self, ev: Event) -> None:
        thread, ts = ev["thread"], micros(ev["t"])
        if ev["kind"] == GIL:  # a hand-off: no thread's state, no lane of its own
            self.measured = True
            self.gil.gil(ev, ts)
            return
        if thread is None:
            self.events.append(_run_instant(ev, ts))
            return
        self.processes.note(ev)
        lane = self.lane(ev)
        if lane.process is None and lane.loop is None:  # a task's loop keeps the baton
            self.baton.scheduled(ev, ts)
        if ev["kind"] == "declare":
            self.types[ev["obj"]] = str(ev["detail"].get("type", ""))
        if ev["state"] is not None:
            self.change_state(lane, ev, ts)
        if ev["kind"] in OPERATIONS:
            self.events.append(self.instant(ev, lane, ts))
            self.flow(ev, lane, ts)

    def change_state(self, lane: Lane, ev: Event, ts: float) -> None:
        span = self.spans.get(lane.name)
        if span is not None and span.state == ev["state"]:
            return
        self.close(lane.name, ts)
        if ev["state"] != DEAD:
            args = {"since": ev["kind"], "seq": ev["seq"]}
            if ev["kind"] == "block":
                args.update(on=ev["obj"], reason=ev["detail"].get("reason"))
            self.spans[lane.name] = _Span(ev["state"], ts, args)

    def close(self, thread: str, ts: float) -> None:
        span = self.spans.pop(thread, None)
        if span is None:
            return
        lane = self.lanes[thread]
        self.events.append(
            {
                "name": span.state,
                "cat": "state",
                "ph": "X",
                "ts": span.start,
                "dur": round(ts - span.start, 3),
                "pid": lane.pid,
                "tid": lane.tid,
                "cname": COLOURS.get(span.state, "generic_work"),
                "args": span.args,
            }
        )

    def instant(self, ev: Event, lane: Lane, ts: float) -> dict[str, Any]:
        obj = ev["obj"]
        return {
            "name": f"{ev['kind']} {obj}" if obj else ev["kind"],
            # The resource's type; "thread" for what is no resource: a join, a sleep.
            "cat": self.types.get(obj or "", "") or "thread",
            "ph": "i",
            "s": "t",
            "ts": ts,
            "pid": lane.pid,
            "tid": lane.tid,
            "args": {"seq": ev["seq"], "line": ev["line"], **ev["detail"]},
        }

    def flow(self, ev: Event, lane: Lane, ts: float) -> None:
        obj = ev["obj"]
        if obj is None:
            return
        if ev["kind"] == "release":
            self.released[obj] = (ts, lane)
        elif ev["kind"] == "acquire" and obj in self.released:
            start, releaser = self.released.pop(obj)
            if releaser is lane:
                return
            self.flows += 1
            arrow = {"name": f"{obj} handed over", "cat": "handoff", "id": self.flows}
            self.events.append(
                {**arrow, "ph": "s", "ts": start, "pid": releaser.pid, "tid": releaser.tid}
            )
            self.events.append(
                {**arrow, "ph": "f", "bp": "e", "ts": ts, "pid": lane.pid, "tid": lane.tid}
            )


def _run_instant(ev: Event, ts: float) -> dict[str, Any]:
    detail = ev["detail"]
    name = ev["kind"]
    if ev["kind"] == "output":
        name = f"output: {detail.get('text', '')}"[:120]
    elif ev["kind"] == "end":
        name = f"end: {detail.get('status')}"
    return {
        "name": name,
        "cat": "run",
        "ph": "i",
        "s": "g",
        "ts": ts,
        "pid": MAIN_PID,
        "tid": RUN_LANE,
        "args": {"seq": ev["seq"], **detail},
    }


def chrome_trace(events: list[Event], about: dict[str, Any] | None = None) -> dict[str, Any]:
    """The trace of ``events``; ``about`` (scenario, status, seed, mode…) goes to
    otherData, and its ``mode`` says whether a run without ``gil`` events has a baton."""
    about = about or {}
    trace = _Trace()
    for ev in events:
        trace.add(ev)
    end = micros(events[-1]["t"]) if events else 0.0
    for thread in list(trace.spans):
        trace.close(thread, end)
    title = f"Threadlab: {about['scenario']}" if "scenario" in about else "Threadlab run"
    meta = [
        *process_names(trace.processes, title),
        meta_event("thread_name", MAIN_PID, RUN_LANE, name="run"),
        meta_event("thread_sort_index", MAIN_PID, RUN_LANE, sort_index=0),
    ]
    holders = trace.gil if trace.measured else trace.baton
    baton = about.get("mode") == Mode.CONTROLLED and bool(holders.slices or holders.open)
    shown = trace.measured or baton
    gil_tids: list[int] = []
    if shown:  # after every thread's tid, so that a thread's tid does not depend on it
        gil_events, gil_tids = holders.trace_events(end, len(trace.lanes) + 1)
        trace.events += gil_events
        for index, (tid, name) in enumerate(zip(gil_tids, holders.lane_names(), strict=True), 1):
            meta.append(meta_event("thread_name", MAIN_PID, tid, name=name))
            meta.append(meta_event("thread_sort_index", MAIN_PID, tid, sort_index=index))
    meta += lane_names(list(trace.lanes.values()), len(gil_tids) + 1)
    return {
        "traceEvents": meta + trace.events,
        "displayTimeUnit": "ms",
        "otherData": {"generator": "Threadlab", **about},
    }
