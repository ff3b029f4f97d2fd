"""Verdicts of the challenges: did this run reach the goal?  ``facts["broken"]`` is
true when the program's own promise was broken (two threads inside, a seat sold
twice); "Break it" looks for that (``app/analysis/goals.py``)."""

from __future__ import annotations

from typing import Any

from app.analysis.history import History
from app.analysis.verdicts.base import Verdict, plural, said, status_text, verdict_for
from app.contract import Status


def _values(history: History, name: str) -> list[Any]:
    return [op.detail.get("value") for op in history.timeline.ops_of(name, "write")]


def _final(history: History, name: str) -> Any:
    res = history.resources.get(name)
    return res.value if res is not None else None


@verdict_for("busy-wait")
def busy_wait(params: dict[str, Any], history: History, status: str) -> Verdict:
    most = max((v for v in _values(history, "inside") if isinstance(v, int)), default=0)
    broken = most > 1
    facts = {"most_inside": most, "broken": broken}
    if broken:
        return said(f"Broken: {most} threads were inside the critical section at once.", [], facts)
    return said(
        "This time only one thread was inside at a time — but the flag guarantees nothing.",
        ["Try another schedule."],
        facts,
    )


@verdict_for("plus-equals")
def plus_equals(params: dict[str, Any], history: History, status: str) -> Verdict:
    expected = params["threads"] * params["iterations"]
    actual = _final(history, "counter.hits")
    if status != Status.FINISHED or not isinstance(actual, int):
        return {"summary": status_text(status), "facts": {"expected": expected}}
    lost = expected - actual
    facts = {"expected": expected, "actual": actual, "lost": lost}
    if lost:
        lost_text = f"{plural(lost, 'update')} lost inside a single `+=`"
        return said(f"Expected {expected}, got {actual}: {lost_text}.", [], facts)
    return said(
        f"Expected {expected}, got {actual}: nothing lost this time.",
        ["Try another schedule, or step it by bytecode to see where += tears."],
        facts,
    )


@verdict_for("forgotten-release")
def forgotten_release(params: dict[str, Any], history: History, status: str) -> Verdict:
    if status == Status.DEADLOCKED:
        holder = ", ".join(history.holders_of("account_lock")) or "a thread"
        summary = (
            f"Deadlock: {holder} returned early still holding account_lock, so the auditor "
            "waits for a lock that no living thread will release."
        )
        return said(summary, [], {Status.DEADLOCKED: True})
    return said(
        "Every path released the lock this time.",
        ["Find the order that skips it."],
        {Status.DEADLOCKED: False},
    )


@verdict_for("if-not-while")
def if_not_while(params: dict[str, Any], history: History, status: str) -> Verdict:
    errors = dict(history.errors)
    if errors:
        who, what = next(iter(errors.items()))
        summary = f"{who} was woken, found the list empty and died of {what}."
        return said(summary, [], {"errors": errors, "broken": True})
    return said(
        "Every consumer found an item this time.",
        ["Find the order that breaks it."],
        {"errors": errors, "broken": False},
    )


@verdict_for("check-then-act")
def check_then_act(params: dict[str, Any], history: History, status: str) -> Verdict:
    sold, seats = _final(history, "sold"), _final(history, "seats")
    broken = isinstance(sold, int) and sold > 1
    summary = (
        f"Broken: {sold} customers booked the one seat (seats = {seats})."
        if broken
        else f"{sold} seat sold, as it should be — this time."
    )
    return {"summary": summary, "facts": {"sold": sold, "seats": seats, "broken": broken}}


@verdict_for("barrier-three")
def barrier_three(params: dict[str, Any], history: History, status: str) -> Verdict:
    left = [t.name for t in history.threads.values() if t.waiting_for == "meeting"]
    if status == Status.DEADLOCKED and left:
        summary = f"{left[0]} waits at meeting for a partner who never comes; main waits for it."
    else:
        summary = status_text(status)
    return {"summary": summary, "facts": {"left_behind": left}}


@verdict_for("over-release")
def over_release(params: dict[str, Any], history: History, status: str) -> Verdict:
    errors = dict(history.errors)
    if errors:
        who, what = next(iter(errors.items()))
        summary = f"pool was released twice: {who} died of {what}."
    else:
        summary = "pool was released once, as it should be — this time."
    return {"summary": summary, "facts": {"errors": errors, "broken": bool(errors)}}
