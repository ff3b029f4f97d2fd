"""The wait-for graph: who holds what, who waits for what, and the cycle of a deadlock.
Standard library only."""

from __future__ import annotations

from typing import Any

from app.analysis.history import History
from app.instrument.events import BLOCKED


def edges(history: History) -> list[tuple[str, str, str]]:
    """(thread, resource-or-thread, holder) for every blocked thread and each holder of
    what it waits for; a join waits for the joined thread itself."""
    out: list[tuple[str, str, str]] = []
    for th in history.threads.values():
        if th.state != BLOCKED or th.waiting_for is None:
            continue
        target = th.waiting_for
        if th.reason == "join" and target in history.threads:
            out.append((th.name, target, target))
            continue
        for holder in history.holders_of(target):
            out.append((th.name, target, holder))
    return out


def find_cycle(history: History) -> list[str]:
    """Threads on a wait-for cycle, in order (T1 waits for T2 … waits for T1); empty if
    none."""
    nexts: dict[str, list[str]] = {}
    for waiter, _res, holder in edges(history):
        nexts.setdefault(waiter, []).append(holder)
    for start in sorted(nexts):
        path: list[str] = []
        seen: set[str] = set()
        node: str | None = start
        while node is not None and node not in seen:
            seen.add(node)
            path.append(node)
            node = nexts.get(node, [None])[0]
        if node is not None and node in path:
            return path[path.index(node) :]
    return []


def describe(history: History) -> dict[str, Any]:
    """The ``deadlock`` event's detail: the cycle as threads with what each holds and
    waits for, and the same in one sentence."""
    cycle = find_cycle(history)
    stuck = cycle or [t.name for t in history.threads.values() if t.state == BLOCKED]
    entries = []
    for name in stuck:
        th = history.threads[name]
        holds = [r.name for r in history.resources.values() if r.holders.get(name, 0) > 0]
        entries.append(
            {"thread": name, "holds": holds, "waits_for": th.waiting_for, "reason": th.reason}
        )
    what, why = sentences(entries, bool(cycle))
    return {"cycle": entries, "threads": stuck, "text": f"{what} {why}".strip()}


def sentences(entries: list[dict[str, Any]], is_cycle: bool) -> tuple[str, str]:
    """Who waits for what, and why nothing can change it: two sentences (the second
    empty when no thread is blocked)."""
    parts = []
    for e in entries:
        holds = f"holds {' and '.join(e['holds'])} and " if e["holds"] else ""
        verb = "waits to join" if e["reason"] == "join" else "waits for"
        parts.append(f"{e['thread']} {holds}{verb} {e['waits_for']}")
    if not parts:
        return "No thread is blocked.", ""
    text = "; ".join(parts) + "."
    why = (
        "Each waits for the next: none can go on."
        if is_cycle
        else "Nothing left running can wake them."
    )
    return text[0].upper() + text[1:], why
