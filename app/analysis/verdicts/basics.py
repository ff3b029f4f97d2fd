"""Verdicts of the Basics group: starting, joining, the lifecycle, daemons."""

from __future__ import annotations

from typing import Any

from app.analysis.history import History
from app.analysis.timeline import Step
from app.analysis.verdicts.base import Verdict, listing, plural, seconds, unfinished, verdict_for
from app.instrument.events import DEAD, NEW

MAIN = "MainThread"


@verdict_for("thread-basics")
def thread_basics(params: dict[str, Any], history: History, status: str) -> Verdict:
    tl = history.timeline
    made = [name for name in tl.created if name != MAIN]
    how = {name: "target" if "target" in tl.created[name] else "subclass" for name in made}
    started = [name for name in made if any(s.kind == "start" for s in tl.steps.get(name, []))]
    never = [name for name in made if name not in started]
    ran_on_main = [text for by, text in tl.printed if by == MAIN and text.split(":")[0] in never]
    joined = [op.detail for name in started for op in tl.ops_of(name, "join", MAIN)]
    facts: dict[str, Any] = {
        "threads": {name: how[name] for name in made},
        "started": started,
        "never_started": never,
        "steps_on_main": len(ran_on_main),
        "joined": len([d for d in joined if not d.get("alive")]),
        "errors": dict(history.errors),
    }
    if never:
        who = never[0]
        summary = (
            f"{who} overrode start(): its {plural(len(ran_on_main), 'step')} ran on MainThread, "
            f"one after another, and {who} itself never started"
        )
        error = history.errors.get(MAIN)
        summary += f", so join() raised {error}." if error else "."
        return {"summary": summary, "facts": facts}
    if (early := unfinished(status, facts)) is not None:
        return early
    kinds = [
        f"{name} (from {'a target function' if how[name] == 'target' else 'a Thread subclass'})"
        for name in started
    ]
    summary = f"{listing(kinds)} each ran in a thread of its own, side by side"
    if facts["joined"] == len(started):
        summary += f"; main joined {'both' if len(started) == 2 else 'them all'} first."
    else:
        summary += f"; main joined only {facts['joined']} of them."
    return {"summary": summary, "facts": facts}


CAUSES = {"create": "created", "start": "start()", "run": "gets the CPU", "exit": "returns"}


def _cause(step: Step) -> str:
    if step.kind == "block":
        if step.reason in ("sleep", "io"):
            return step.reason
        return f"waits for {step.obj}" if step.obj else str(step.reason)
    if step.kind == "wake":
        return f"{step.obj} free" if step.obj else "time is up"
    return CAUSES.get(step.kind, step.kind)


@verdict_for("lifecycle")
def lifecycle(params: dict[str, Any], history: History, status: str) -> Verdict:
    steps = history.timeline.steps.get("worker", [])
    path = [{"state": s.after, "cause": _cause(s), "t": s.t} for s in steps]
    visited = list(dict.fromkeys(s.after for s in steps))
    facts: dict[str, Any] = {"path": path, "states": visited}
    if (early := unfinished(status, facts)) is not None:
        return early
    shown = []
    for s in steps:
        label = s.after
        if s.kind == "block":
            label += f" ({_cause(s)})"
        shown.append(label)
    tail = "all five states." if len(visited) == 5 else f"{plural(len(visited), 'state')}."
    return {"summary": f"worker went {' → '.join(shown)}: {tail}", "facts": facts}


@verdict_for("join-timeout")
def join_timeout(params: dict[str, Any], history: History, status: str) -> Verdict:
    tl = history.timeline
    blocks = [s for s in tl.steps.get(MAIN, []) if s.kind == "block" and s.obj == "worker"]
    joins = tl.ops_of("worker", "join", MAIN)
    rows: list[dict[str, Any]] = []
    for block, join in zip(blocks, joins, strict=False):
        rows.append(
            {
                "timeout": join.detail.get("timeout"),
                "waited": round(join.t - block.t, 6),
                "alive_after": bool(join.detail.get("alive")),
            }
        )
    end = tl.steps.get("worker", [])
    worker_end = end[-1].t if end and end[-1].after == DEAD else None
    facts: dict[str, Any] = {"joins": rows, "worker_ended": worker_end}
    if (early := unfinished(status, facts)) is not None:
        return early
    if not rows:
        return {"summary": "main never joined the worker.", "facts": facts}
    first = rows[0]
    if first["timeout"] is not None and first["alive_after"]:
        summary = (
            f"join(timeout={first['timeout']:g}) gave up after {seconds(first['waited'])} "
            "with the worker still alive (is_alive() is True); the worker kept going"
        )
        if worker_end is not None:
            summary += f" and finished at {seconds(worker_end)}, when the second join() returned."
        else:
            summary += "."
    else:
        summary = (
            f"join() saw the worker finish after {seconds(first['waited'])}, within its "
            "timeout: is_alive() is False at once."
        )
    return {"summary": summary, "facts": facts}


def _doing(steps: list[Step]) -> str:
    """What a thread was doing after ``steps``: 'Running', 'Blocked in sleep'…"""
    if not steps:
        return NEW
    last = steps[-1]
    return f"Blocked in {_cause(last)}" if last.kind == "block" else last.after


@verdict_for("daemon")
def daemon(params: dict[str, Any], history: History, status: str) -> Verdict:
    tl = history.timeline
    killed = [name for name, d in tl.exits.items() if d.get("killed")]
    waited_for = tl.exits.get(MAIN, {}).get("waiting_for", [])
    ends = {name: steps[-1].t for name, steps in tl.steps.items() if steps[-1].after == DEAD}
    last_state = {name: _doing(tl.steps[name][:-1]) for name in killed}
    beats = sum(1 for by, _ in tl.printed if by in killed)
    facts: dict[str, Any] = {
        "main_ended": ends.get(MAIN),
        "waited_for": waited_for,
        "killed": killed,
        "killed_while": last_state,
        "heartbeats": beats,
    }
    if (early := unfinished(status, facts)) is not None:
        return early
    parts = [f"main ended at {seconds(ends.get(MAIN, 0.0))}"]
    if waited_for:
        last = max(ends.get(name, 0.0) for name in waited_for)
        parts.append(
            f"the process waited for {listing(waited_for)} (non-daemon) until {seconds(last)}"
        )
    if killed:
        states = listing(f"{name} (daemon) while it was {last_state[name]}" for name in killed)
        parts.append(f"then cut off {states}, after {plural(beats, 'heartbeat')}")
    else:
        parts.append("no daemon thread was still running to be cut off")
    return {"summary": "; ".join(parts) + ".", "facts": facts}
