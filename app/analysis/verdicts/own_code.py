"""The verdict of a program nobody wrote a verdict for: the code a user pastes (its
runs have the scenario id ``OWN_CODE``).  Computed from the log alone.

It reports, most important first: a deadlock and its cycle; every thread that died of an
exception (a failed ``assert`` named with its line); lost updates; data races (the
lockset test, ``app/analysis/lockset.py``) even when this run lost nothing;
lock-order inversions (``app/analysis/lock_order.py``) even when this run did not
deadlock; unguarded reads.  Its facts also give each thread's fate, the locks held
longest and the threads that waited longest (docs/teaching.md, "Your own code's
verdict").  Every list is capped, so the verdict stays small whatever the program does.
"""

from __future__ import annotations

import ast
from typing import Any

from app.analysis.contention import Wait, longest_waits
from app.analysis.failures import Failure, failures
from app.analysis.history import History
from app.analysis.lock_order import Inversion, LockOrder
from app.analysis.lockset import Access, Finding, Lockset
from app.analysis.loop_blocking import blockers
from app.analysis.loop_blocking import sentence as loop_sentence
from app.analysis.lost_updates import Lost, LostUpdates
from app.analysis.ordering import in_order, walk
from app.analysis.verdicts.base import (
    Verdict,
    listing,
    plural,
    said,
    seconds,
    status_text,
    verdict_for,
)
from app.analysis.waitfor import describe
from app.contract import OWN_CODE, Status
from app.instrument.events import BLOCKED, DEAD, NEW

TOP = 5  # entries of each list in the facts
MAX_FATES = 20  # threads whose fate the facts spell out
IN_SUMMARY = 3  # the summary tells the first, its details the next; the rest: ``more_findings``
MAX_MORE = 10  # findings in ``more_findings``
MAX_NAMES = 4  # threads named in one sentence
MAX_CODE = 80  # characters of a line of code quoted
MAIN = "MainThread"
COMPILE_ERRORS = ("SyntaxError", "IndentationError", "TabError")


@verdict_for(OWN_CODE)
def own_code(params: dict[str, Any], history: History, status: str) -> Verdict:
    events = in_order(history)
    shared = frozenset(n for n, res in history.resources.items() if res.type == "Shared")
    lockset, order, lost = Lockset(shared, list(history.threads)), LockOrder(), LostUpdates(shared)
    held = walk(history, events, (lockset, order, lost))
    died = failures(history, events)
    inversions = order.inversions(TOP)
    deadlocked = status == Status.DEADLOCKED
    deadlock = describe(history) if deadlocked else None

    findings: list[str] = []
    if deadlock is not None:
        findings.append(f"Deadlock: {deadlock['text']}")
    failed = _alike(died)
    findings += [_failure(alike) for alike in failed]
    findings += [
        f"{holder} ended still holding {lock}."
        for lock, holder in held.still_held().items()
        if holder in history.threads and history.threads[holder].state == DEAD
    ]
    if lost.total:
        findings.append(_lost(lost))
    calm = not (died or deadlock)  # nothing went wrong that a race could have caused
    findings += [_race(f, lost, calm) for f in lockset.races()]
    stuck = (
        {r for e in deadlock["cycle"] for r in (*e["holds"], e["waits_for"])} if deadlock else set()
    )
    findings += [_inversion(i, deadlocked) for i in inversions if not set(i.locks) <= stuck]
    findings += [_unguarded(f) for f in lockset.unguarded()]
    loop_held = blockers(history)  # asyncio: a task that kept its event loop
    findings += [loop_sentence(b) for b in loop_held]
    waits = longest_waits(history, TOP)
    problems = bool(findings)
    if status not in (Status.FINISHED, Status.DEADLOCKED) and MAIN not in history.errors:
        # Cut short (a time limit, a cancel…): said after what went wrong before it.
        findings.insert(len(failed), status_text(status))
    if not findings:
        findings.append(_clean(history, waits))

    facts: dict[str, Any] = {
        "threads": len(history.threads),
        "events": history.last_seq,
        "errors": {f.thread: f.error for f in died},
        "failures": [_failure_fact(f) for f in died[:TOP]],
        "lost": lost.total,
        "lost_updates": [_lost_fact(v) for v in list(lost.found.values())[:TOP]],
        "races": [_race_fact(f) for f in lockset.races()[:TOP]],
        "unguarded_reads": [_race_fact(f) for f in lockset.unguarded()[:TOP]],
        "inversions": [_inversion_fact(i) for i in inversions],
        "loop_blocked": [
            {"task": b.task, "how": b.how, "line": b.line, "seconds": round(b.seconds, 6)}
            for b in loop_held[:TOP]
        ],
        **_fates(history, died),
        "held_longest": [
            {
                "lock": h.lock,
                "holder": h.holder,
                "seconds": round(h.seconds, 6),
                "until_end": h.until_end,
            }
            for h in held.longest(history.last_t, TOP)
        ],
        "waited_longest": [
            {
                "thread": w.thread,
                "on": w.on,
                "reason": w.reason,
                "seconds": round(w.seconds, 6),
                "times": w.times,
                "until_end": w.until_end,
            }
            for w in waits
        ],
    }
    if problems or status == Status.FINISHED:  # ok: the page shows the verdict green
        facts["ok"] = not problems
    if deadlock is not None:
        facts["cycle"] = deadlock["threads"]
        facts["stuck"] = deadlock["cycle"][:MAX_FATES]
    more = findings[IN_SUMMARY : IN_SUMMARY + MAX_MORE]
    if more:
        facts["more_findings"] = {str(i): text for i, text in enumerate(more, 1)}
    summary = findings[0]  # the most important, read first; the next ones right under it
    if len(findings) > 1:
        summary += f" ({plural(len(findings) - 1, 'more finding')} below.)"
    return said(summary, findings[1:IN_SUMMARY], facts)


# --- sentences ---------------------------------------------------------------------------


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _names(threads: list[str]) -> str:
    if len(threads) <= MAX_NAMES:
        return listing(threads)
    return listing([*threads[: MAX_NAMES - 1], plural(len(threads) - MAX_NAMES + 1, "other")])


def _on_line(line: int | None) -> str:
    return f" on line {line}" if line is not None else ""


def _assertion(code: str) -> str:
    """``assert x == 1, "msg"`` → ``assert x == 1``, as written."""
    try:
        tree = ast.parse(code)
    except SyntaxError:  # the first line of an assert on several
        return code
    node = tree.body[0] if len(tree.body) == 1 else None
    if isinstance(node, ast.Assert) and node.msg is not None:
        test = ast.get_source_segment(code, node.test)
        return f"assert {test}" if test else code
    return code


def _alike(died: list[Failure]) -> list[list[Failure]]:
    """The failures, those with the same error on the same line together (every worker
    failing the same assert is one finding)."""
    groups: dict[tuple[bool, int | None, str], list[Failure]] = {}
    for f in died:  # MainThread's stands alone: its sentence names no thread
        groups.setdefault((f.thread == MAIN, f.line, f.error), []).append(f)
    return list(groups.values())


def _failure(alike: list[Failure]) -> str:
    f = alike[0]
    where = _on_line(f.line)
    threads = _names([g.thread for g in alike])
    if f.is_assert and f.code is not None and f.code.startswith("assert"):
        code = _assertion(f.code)
        code = code if len(code) <= MAX_CODE else code[: MAX_CODE - 1] + "…"
        who = "" if f.thread == MAIN else f" in {threads}"
        values = ", ".join(f"{name} was {_show(v)}" for name, v in f.values.items())
        return f"{code} failed{where}{who}" + (f" ({values})." if values else ".")
    if f.thread == MAIN and f.error.split(":", 1)[0] in COMPILE_ERRORS:
        return f"The program does not compile: {f.error}{where}."
    if f.thread == MAIN:
        return f"The program raised {f.error}{where}."
    return f"{threads} died of {f.error}{where}."


def _lost(lost: LostUpdates) -> str:
    names = listing(list(lost.found)[:MAX_NAMES])
    text = f"{plural(lost.total, 'update')} of {names} lost"
    first = next(iter(lost.found.values()))
    ex = first.example
    if ex is None:
        return text + "."
    return (
        f"{text}: {ex.thread} read {first.variable} = {_show(ex.read)}, {ex.victim} wrote "
        f"{_show(ex.lost)}, then {ex.thread} wrote {_show(ex.stored)} over it"
        f"{_on_line(ex.line)}."
    )


def _held(access: Access) -> str:
    locks = sorted(access.locks)
    return f"{access.thread} held {listing(locks)}" if locks else f"{access.thread} held none"


def _race(f: Finding, lost: LostUpdates, calm: bool) -> str:
    text = (
        f"{f.variable} is written by {_names(list(f.writers))} with no lock held in common: "
        "a data race"
    )
    if f.pair is not None and any(a.locks for a in f.pair):
        text += f" ({_held(f.pair[1])}, {_held(f.pair[0])})"
    if calm and not lost.total:
        return text + ", though this run lost nothing."
    if calm and f.variable not in lost.found:
        return text + ", though this run lost none of its updates."
    return text + "."


def _unguarded(f: Finding) -> str:
    return (
        f"{f.variable} is written by {_names(list(f.writers))} and read by "
        f"{_names(list(f.readers))} with no lock held in common: what they read depends "
        "on the schedule."
    )


def _inversion(inv: Inversion, deadlocked: bool) -> str:
    edges = inv.edges
    if len(edges) == 2:
        a, b = edges
        text = (
            f"{a.thread} takes {a.held} then {a.wanted}{_on_line(a.line)}, {b.thread} takes "
            f"{b.held} then {b.wanted}{_on_line(b.line)}"
        )
    else:
        text = "; ".join(
            f"{e.thread} holds {e.held} and takes {e.wanted}{_on_line(e.line)}" for e in edges
        )
    tail = "" if deadlocked else ", though this run did not deadlock"
    return f"{text}: a possible deadlock{tail}."


def _clean(history: History, waits: list[Wait]) -> str:
    text = (
        f"The run finished. No failure, lost update, data race or lock-order inversion among its "
        f"{plural(len(history.threads), 'thread')}."
    )
    if waits and waits[0].seconds > 0:
        w = waits[0]
        text += f" {w.thread} waited longest, for {w.on} ({seconds(w.seconds)})."
    return text


# --- facts -------------------------------------------------------------------------------


def _failure_fact(f: Failure) -> dict[str, Any]:
    fact: dict[str, Any] = {"thread": f.thread, "error": f.error, "line": f.line}
    if f.code is not None:
        fact["code"] = f.code[:MAX_CODE]
    if f.values:
        fact["values"] = f.values
    return fact


def _lost_fact(lost: Lost) -> dict[str, Any]:
    fact: dict[str, Any] = {"variable": lost.variable, "lost": lost.count}
    ex = lost.example
    if ex is not None:
        fact["example"] = {
            "thread": ex.thread,
            "read": ex.read,
            "overwritten": ex.victim,
            "lost_value": ex.lost,
            "wrote": ex.stored,
            "line": ex.line,
        }
    return fact


def _race_fact(f: Finding) -> dict[str, Any]:
    fact: dict[str, Any] = {
        "variable": f.variable,
        "writers": list(f.writers)[:MAX_FATES],
        "readers": list(f.readers)[:MAX_FATES],
    }
    if f.pair is not None:
        fact["example"] = [
            {"thread": a.thread, "access": a.cls, "held": sorted(a.locks), "line": a.line}
            for a in reversed(f.pair)
        ]
    return fact


def _inversion_fact(inv: Inversion) -> dict[str, Any]:
    return {
        "locks": inv.locks,
        "threads": inv.threads,
        "steps": [
            {"thread": e.thread, "holds": e.held, "takes": e.wanted, "line": e.line}
            for e in inv.edges
        ],
    }


_ORDER = ("died", "blocked", "alive", "cut_off", "never_started", "completed")


def _fates(history: History, died: list[Failure]) -> dict[str, Any]:
    """``fates``: thread → what became of it; the threads with the worst fates first
    when there are too many to list."""
    why = {f.thread: f for f in died}
    fates: dict[str, dict[str, Any]] = {}
    for name, th in history.threads.items():
        exit_ = history.timeline.exits.get(name, {})
        fate: dict[str, Any]
        if th.state == DEAD and "error" in exit_:
            f = why.get(name)
            fate = {"fate": "died", "error": f.error if f else None, "line": f.line if f else None}
        elif th.state == DEAD:
            fate = {"fate": "cut_off" if "killed" in exit_ else "completed"}
        elif th.state == BLOCKED:
            fate = {"fate": "blocked", "waiting_for": th.waiting_for, "reason": th.reason}
        elif th.state == NEW:
            fate = {"fate": "never_started"}
        else:
            fate = {"fate": "alive"}
        if history.timeline.created.get(name, {}).get("daemon"):
            fate["daemon"] = True
        fates[name] = fate
    out: dict[str, Any] = {"fates": fates}
    if len(fates) > MAX_FATES:
        keep = sorted(fates, key=lambda n: _ORDER.index(fates[n]["fate"]))[:MAX_FATES]
        out["fates"] = {n: f for n, f in fates.items() if n in set(keep)}
        out["fates_left_out"] = len(fates) - MAX_FATES
    return out
