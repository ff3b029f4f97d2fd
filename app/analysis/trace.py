"""A run as a Chrome Trace Event file: opens in Perfetto (ui.perfetto.dev) and in
chrome://tracing.  Pure and standard library only: events in, one JSON object out.

    M  process_name, thread_name, thread_sort_index   one lane per thread, in order of
                                                      appearance; run-level events on lane 0
    X  one complete event per state span of a thread (New, Runnable, Running, Blocked),
       from the event that entered the state to the one that left it
    i  lock, queue, shared-variable… operations (thread scope), run events (global scope)
    s/f  a flow arrow from a release to the acquire it enabled: the next acquire of the
       same resource by another thread (``f`` binds to the enclosing slice, ``bp: "e"``)

Times are the events' ``t`` in microseconds (virtual time in controlled mode).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.instrument.events import BLOCKED, DEAD, NEW, RESOURCE_KINDS, RUNNABLE, RUNNING, Event

PID = 1
RUN_LANE = 0
# chrome://tracing's reserved colours (Perfetto colours by name instead).
COLOURS = {
    NEW: "thread_state_unknown",
    RUNNABLE: "thread_state_runnable",
    RUNNING: "thread_state_running",
    BLOCKED: "thread_state_uninterruptible",
}
OPERATIONS = frozenset(RESOURCE_KINDS)


def micros(t: float) -> float:
    return round(t * 1_000_000, 3)


@dataclass
class _Span:
    state: str
    start: float
    args: dict[str, Any]


@dataclass
class _Trace:
    events: list[dict[str, Any]] = field(default_factory=list)
    lanes: dict[str, int] = field(default_factory=dict)  # thread → tid
    spans: dict[str, _Span] = field(default_factory=dict)  # thread → its open span
    types: dict[str, str] = field(default_factory=dict)  # resource → its type
    released: dict[str, tuple[str, float, int]] = field(default_factory=dict)  # obj → release
    flows: int = 0

    def lane(self, thread: str) -> int:
        tid = self.lanes.get(thread)
        if tid is None:
            tid = self.lanes[thread] = len(self.lanes) + 1
        return tid

    def add(self, ev: Event) -> None:
        thread, ts = ev["thread"], micros(ev["t"])
        if thread is None:
            self.events.append(_run_instant(ev, ts))
            return
        tid = self.lane(thread)
        if ev["kind"] == "declare":
            self.types[ev["obj"]] = str(ev["detail"].get("type", ""))
        if ev["state"] is not None:
            self.change_state(thread, ev, ts)
        if ev["kind"] in OPERATIONS:
            self.events.append(self.instant(ev, tid, ts))
            self.flow(ev, thread, tid, ts)

    def change_state(self, thread: str, ev: Event, ts: float) -> None:
        span = self.spans.get(thread)
        if span is not None and span.state == ev["state"]:
            return
        self.close(thread, ts)
        if ev["state"] != DEAD:
            args = {"since": ev["kind"], "seq": ev["seq"]}
            if ev["kind"] == "block":
                args.update(on=ev["obj"], reason=ev["detail"].get("reason"))
            self.spans[thread] = _Span(ev["state"], ts, args)

    def close(self, thread: str, ts: float) -> None:
        span = self.spans.pop(thread, None)
        if span is None:
            return
        self.events.append(
            {
                "name": span.state,
                "cat": "state",
                "ph": "X",
                "ts": span.start,
                "dur": round(ts - span.start, 3),
                "pid": PID,
                "tid": self.lanes[thread],
                "cname": COLOURS.get(span.state, "generic_work"),
                "args": span.args,
            }
        )

    def instant(self, ev: Event, tid: int, ts: float) -> dict[str, Any]:
        obj = ev["obj"]
        return {
            "name": f"{ev['kind']} {obj}" if obj else ev["kind"],
            # The resource's type; "thread" for what is no resource: a join, a sleep.
            "cat": self.types.get(obj or "", "") or "thread",
            "ph": "i",
            "s": "t",
            "ts": ts,
            "pid": PID,
            "tid": tid,
            "args": {"seq": ev["seq"], "line": ev["line"], **ev["detail"]},
        }

    def flow(self, ev: Event, thread: str, tid: int, ts: float) -> None:
        obj = ev["obj"]
        if obj is None:
            return
        if ev["kind"] == "release":
            self.released[obj] = (thread, ts, tid)
        elif ev["kind"] == "acquire" and obj in self.released:
            releaser, start, from_tid = self.released.pop(obj)
            if releaser == thread:
                return
            self.flows += 1
            arrow = {"name": f"{obj} handed over", "cat": "handoff", "id": self.flows, "pid": PID}
            self.events.append({**arrow, "ph": "s", "ts": start, "tid": from_tid})
            self.events.append({**arrow, "ph": "f", "bp": "e", "ts": ts, "tid": tid})


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
        "pid": PID,
        "tid": RUN_LANE,
        "args": {"seq": ev["seq"], **detail},
    }


def chrome_trace(events: list[Event], about: dict[str, Any] | None = None) -> dict[str, Any]:
    """The trace of ``events``; ``about`` (scenario, status, seed…) goes to otherData."""
    about = about or {}
    trace = _Trace()
    for ev in events:
        trace.add(ev)
    end = micros(events[-1]["t"]) if events else 0.0
    for thread in list(trace.spans):
        trace.close(thread, end)
    title = f"Threadlab: {about['scenario']}" if "scenario" in about else "Threadlab run"
    meta: list[dict[str, Any]] = [
        _meta("process_name", RUN_LANE, name=title),
        _meta("thread_name", RUN_LANE, name="run"),
        _meta("thread_sort_index", RUN_LANE, sort_index=0),
    ]
    for thread, tid in trace.lanes.items():
        meta.append(_meta("thread_name", tid, name=thread))
        meta.append(_meta("thread_sort_index", tid, sort_index=tid))
    return {
        "traceEvents": meta + trace.events,
        "displayTimeUnit": "ms",
        "otherData": {"generator": "Threadlab", **about},
    }


def _meta(kind: str, tid: int, **args: Any) -> dict[str, Any]:
    return {"name": kind, "ph": "M", "pid": PID, "tid": tid, "args": args}
