"""A run as text for a terminal: one lane per thread, then what the run printed and its
verdict (``threadlab run``).  Pure and standard library only.

    deadlock · controlled · seed 7 · policy pct · 26 events
    MainThread  ██··· ········▒▒▒▒▒▒▒▒▒  Blocked: join T1
    T1            ·████········▒▒▒▒▒▒▒▒  Blocked: acquire lock_b
    T2             ········█████▒▒▒▒▒▒▒  Blocked: acquire lock_a
                █ running  · runnable  ▒ blocked

Columns are stretches of the event log (by seq, not by time), so a controlled run
draws the same text on every machine.  A column shows the state the thread was in for
most of its stretch (a tie goes to running, then blocked, then runnable).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.contract import Mode
from app.instrument.events import BLOCKED, DEAD, NEW, RUNNABLE, RUNNING, Event

MAX_PRINTED = 10  # printed lines shown; the rest are counted
SAMPLES = 32  # events looked at per column
RUN_SHARE = 0.25  # a thread that ran for this share of a column is drawn running


@dataclass(frozen=True)
class Glyphs:
    running: str
    runnable: str
    blocked: str
    idle: str = " "  # not started yet, or ended


UNICODE = Glyphs("█", "·", "▒")
ASCII = Glyphs("#", ".", "~")
RANK = {RUNNING: 3, BLOCKED: 2, RUNNABLE: 1}


def lanes(events: Sequence[Event], width: int = 64, glyphs: Glyphs = UNICODE) -> list[str]:
    """One line per thread, in order of appearance, with the state it ended in."""
    changes: dict[str, tuple[list[int], list[str]]] = {}  # thread → (at index, new state)
    last: dict[str, Event] = {}
    for i, ev in enumerate(events):
        thread, state = ev["thread"], ev["state"]
        if thread is None:
            continue
        at, states = changes.setdefault(thread, ([], []))
        last[thread] = ev
        if state is not None and (not states or states[-1] != state):
            at.append(i)
            states.append(state)
    if not changes:
        return []
    columns = max(1, min(width, len(events)))
    bounds = [c * len(events) // columns for c in range(columns + 1)]
    name_width = max(len(t) for t in changes)
    rows = []
    for thread, (at, states) in changes.items():
        cells = "".join(
            _glyph(_main_state(at, states, bounds[c], bounds[c + 1]), glyphs)
            for c in range(columns)
        )
        rows.append(f"{thread:<{name_width}}  {cells}  {_final(last[thread])}")
    return rows


def _main_state(at: list[int], states: list[str], start: int, stop: int) -> str | None:
    """What the thread did over events ``start``..``stop`` (sampled at up to SAMPLES of
    them): Running if it ran for RUN_SHARE of it, else its most common state (a tie
    goes to the more telling one)."""
    step = max(1, (stop - start) // SAMPLES)
    counts: dict[str | None, int] = {}
    for i in range(start, stop, step):
        j = bisect_right(at, i) - 1
        state = states[j] if j >= 0 else None
        counts[state] = counts.get(state, 0) + 1
    if counts.get(RUNNING, 0) >= RUN_SHARE * sum(counts.values()):
        return RUNNING
    return max(counts, key=lambda state: (counts[state], RANK.get(state or "", 0)))


def _glyph(state: str | None, glyphs: Glyphs) -> str:
    rank = RANK.get(state or "", 0)
    return {3: glyphs.running, 2: glyphs.blocked, 1: glyphs.runnable}.get(rank, glyphs.idle)


def _final(ev: Event | None) -> str:
    if ev is None or ev["state"] is None:
        return ""
    if ev["state"] == BLOCKED and ev["obj"]:
        return f"Blocked: {ev['detail'].get('reason') or ev['kind']} {ev['obj']}"
    if ev["state"] == DEAD and ev["detail"].get("error"):
        return f"Dead: {ev['detail']['error']}"
    return str(ev["state"]) if ev["state"] != NEW else "New (never started)"


def render(
    about: dict[str, Any], events: Sequence[Event], width: int = 64, ascii: bool = False
) -> str:
    """The whole report: heading, lanes, legend, printed lines, deadlock, verdict."""
    glyphs = ASCII if ascii else UNICODE
    head = [about["scenario"], about["mode"]]
    if about["mode"] == Mode.CONTROLLED:  # a free run's interleaving has no seed
        head += [f"seed {about['seed']}", f"policy {about['policy']}"]
    head.append(f"{len(events):,} events")
    out = [" · ".join(head)]
    rows = lanes(events, width, glyphs)
    if rows:
        indent = " " * (rows[0].index("  ") + 2)
        legend = f"{glyphs.running} running  {glyphs.runnable} runnable  {glyphs.blocked} blocked"
        out += [*rows, indent + legend]
    out += _printed(events)
    verdict = (about.get("verdict") or {}).get("summary")
    if verdict:
        out.append(f"verdict: {verdict}")
    status = f"status: {about['status']}"
    message = about.get("message")
    if message and message != verdict:
        status += f" — {message.splitlines()[0]}"
    out.append(status)
    return "\n".join(out) + "\n"


def _printed(events: Sequence[Event]) -> list[str]:
    lines = [str(e["detail"].get("text", "")) for e in events if e["kind"] == "output"]
    if not lines:
        return []
    shown = [f"  {line}" for line in lines[:MAX_PRINTED]]
    if len(lines) > MAX_PRINTED:
        shown.append(f"  … {len(lines) - MAX_PRINTED:,} more lines")
    return ["printed:", *shown]
