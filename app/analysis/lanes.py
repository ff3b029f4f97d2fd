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

A run with ``gil`` events (the GIL lane, free mode) gets a GIL line above the threads:
per column, who held the GIL for most of its stretch, as the holder's row number (1 the
first row, then 2…9, a…z), ``·`` nobody, blank where the lane did not measure; and a
legend line for it.  On a build without a GIL the line is ``no GIL`` and says how many
threads executed bytecode at once.  A run without ``gil`` events is drawn as before.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.contract import Mode
from app.instrument.events import BLOCKED, DEAD, GIL, NEW, RUNNABLE, RUNNING, Event

MAX_PRINTED = 10  # printed lines shown; the rest are counted
SAMPLES = 32  # events looked at per column
RUN_SHARE = 0.25  # a thread that ran for this share of a column is drawn running
ROW_DIGITS = "123456789abcdefghijklmnopqrstuvwxyz"  # a GIL holder's row; "+" beyond


@dataclass(frozen=True)
class Glyphs:
    running: str
    runnable: str
    blocked: str
    idle: str = " "  # not started yet, or ended; the GIL line: not measured
    nobody: str = "·"  # the GIL line: nobody holds the GIL


UNICODE = Glyphs("█", "·", "▒")
ASCII = Glyphs("#", ".", "~", nobody=".")
RANK = {RUNNING: 3, BLOCKED: 2, RUNNABLE: 1}


def lanes(events: Sequence[Event], width: int = 64, glyphs: Glyphs = UNICODE) -> list[str]:
    """One line per thread, in order of appearance, with the state it ended in; the GIL
    line above them if the run has ``gil`` events."""
    changes: dict[str, tuple[list[int], list[str]]] = {}  # thread → (at index, new state)
    last: dict[str, Event] = {}
    for i, ev in enumerate(events):
        thread, state = ev["thread"], ev["state"]
        if thread is None or ev["kind"] == GIL:  # a hand-off is no state of its thread
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
    gil = _gil_marks(events, list(changes), glyphs)
    label = ("no GIL" if gil[2] else "GIL") if gil is not None else ""
    name_width = max(len(label), *(len(t) for t in changes))
    rows = []
    if gil is not None:
        at, marks, _ = gil
        cells = "".join(
            _main_mark(at, marks, bounds[c], bounds[c + 1], glyphs) for c in range(columns)
        )
        rows.append(f"{label:<{name_width}}  {cells}")
    for thread, (at, states) in changes.items():
        cells = "".join(
            _glyph(_main_state(at, states, bounds[c], bounds[c + 1]), glyphs)
            for c in range(columns)
        )
        rows.append(f"{thread:<{name_width}}  {cells}  {_final(last[thread])}")
    return rows


def _gil_marks(
    events: Sequence[Event], rows: list[str], glyphs: Glyphs
) -> tuple[list[int], list[str], bool] | None:
    """The GIL line's changes, (at event index, glyph), and whether the build has no
    GIL; None for a run without ``gil`` events."""
    at: list[int] = []
    marks: list[str] = []
    no_gil = off = False
    for i, ev in enumerate(events):
        if ev["kind"] != GIL or off:
            continue
        detail = ev["detail"]
        if "unavailable" in detail:  # the lane could not measure: no line
            return None
        no_gil = no_gil or detail.get("gil") is False or "holders" in detail
        if "off" in detail:  # it stopped measuring: nothing is known after
            off, mark = True, glyphs.idle
        elif "holders" in detail:
            count = len(detail["holders"])
            mark = ROW_DIGITS[count - 1] if 0 < count <= 9 else "+" if count else glyphs.nobody
        elif ev["thread"] is None:
            mark = glyphs.nobody if at else glyphs.idle  # its first event: nobody yet
        else:
            mark = _row_digit(rows, ev["thread"])
        at.append(i)
        marks.append(mark)
    return (at, marks, no_gil) if at else None


def _row_digit(rows: list[str], thread: str) -> str:
    if thread not in rows:  # a thread with no event but hand-offs: counted after the rows
        rows.append(thread)
    index = rows.index(thread)
    return ROW_DIGITS[index] if index < len(ROW_DIGITS) else "+"


def _main_mark(at: list[int], marks: list[str], start: int, stop: int, glyphs: Glyphs) -> str:
    """Who held the GIL over events ``start``..``stop`` (sampled like a thread's state):
    the most common mark, a tie going to a holder, then to nobody."""
    step = max(1, (stop - start) // SAMPLES)
    counts: dict[str, int] = {}
    for i in range(start, stop, step):
        j = bisect_right(at, i) - 1
        mark = marks[j] if j >= 0 else glyphs.idle
        counts[mark] = counts.get(mark, 0) + 1
    rank = {glyphs.idle: 0, glyphs.nobody: 1}
    return max(counts, key=lambda mark: (counts[mark], rank.get(mark, 2)))


def gil_legend(events: Sequence[Event], glyphs: Glyphs = UNICODE) -> str | None:
    """The GIL line's legend: which row number is which thread; None without one."""
    rows: list[str] = []
    for ev in events:
        if ev["thread"] is not None and ev["kind"] != GIL and ev["thread"] not in rows:
            rows.append(ev["thread"])
    gil = _gil_marks(events, rows, glyphs)
    if gil is None:
        return None
    if gil[2]:
        return f"no GIL: how many threads execute bytecode at once  {glyphs.nobody} none"
    held = {ev["thread"] for ev in events if ev["kind"] == GIL and ev["thread"] is not None}
    keys = [f"{_row_digit(rows, t)} {t}" for t in rows if t in held]
    return "GIL: " + "  ".join([*keys, f"{glyphs.nobody} nobody"])


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
        gil = gil_legend(events, glyphs)
        if gil is not None:  # the GIL row is first: its label, padded, then one cell a column
            indent = " " * (len(rows[0]) - max(1, min(width, len(events))))
        legend = f"{glyphs.running} running  {glyphs.runnable} runnable  {glyphs.blocked} blocked"
        out += [*rows, indent + legend]
        if gil is not None:
            out.append(indent + gil)
    out += _printed(events)
    verdict = (about.get("verdict") or {}).get("summary")
    if verdict:
        out.append(f"verdict: {verdict}")
        details = ((about.get("verdict") or {}).get("facts") or {}).get("details") or []
        out += [f"         {sentence}" for sentence in details]
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
