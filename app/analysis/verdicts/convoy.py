"""The gil-convoy verdict: the I/O thread's wait for the GIL after each reply, timed
from the server's send (a clock read outside the waiting thread), counted reply by
reply, beside what the GIL lane saw."""

from __future__ import annotations

from typing import Any

from app.analysis.history import History
from app.analysis.measurements import numbers, series
from app.analysis.verdicts.base import Verdict, said, verdict_for
from app.analysis.verdicts.gil import lane, missing
from app.contract import Status

ALONE, BUSY = "alone", "beside a CPU-bound thread"
EACH = ", after each reply"  # the label of the per-reply line, after the variant's


@verdict_for("gil-convoy")
def gil_convoy(params: dict[str, Any], history: History, status: str) -> Verdict:
    times = numbers(history.timeline)  # in µs, as printed
    alone, busy = times.get(ALONE), times.get(BUSY)
    interval = times.get("switch interval")
    facts: dict[str, Any] = {
        "table": [
            {"variant": ALONE, "microseconds": alone},
            {"variant": BUSY, "microseconds": busy},
        ],
        "switch_interval_us": interval,
        "slowdown": round(busy / alone, 1) if alone and busy else None,
        # The wait after each reply: from the server's send (a timestamp taken in the
        # server process, outside the waiting thread) to the thread running again.
        "after_reply_us": {
            ALONE: times.get(f"{ALONE}, after the reply"),
            BUSY: times.get(f"{BUSY}, after the reply"),
        },
    }
    waits = series(history.timeline)
    each = {v: waits[v + EACH] for v in (ALONE, BUSY) if v + EACH in waits}
    if each:
        # Drawn reply by reply (static/js/views/chart.js) and counted against half a
        # switch interval: a wait that long is the GIL, not the pipe.
        facts["each_reply_us"] = each
        if interval:
            facts["long_waits"] = {v: _longer(w, interval / 2) for v, w in each.items()}
    measured = lane(history, ["io-busy", "cpu"])
    if measured:
        facts["lane"] = measured
        facts["lane"]["takeovers"] = _takeovers(history, "cpu", "io-busy")
    if status != Status.FINISHED or alone is None or busy is None:
        return missing(status, facts)
    summary, details = _sentences(params, facts, alone, busy, interval)
    return said(summary, details, facts)


def _sentences(
    params: dict[str, Any], facts: dict[str, Any], alone: float, busy: float, interval: float | None
) -> tuple[str, list[str]]:
    """The summary (the two medians) and the sentences that say how it was measured."""
    rounds = params.get("rounds", 100)
    head = (
        f"Alone, the I/O thread got each reply in {alone:,.0f} µs (median of {rounds}); "
        f"beside a CPU-bound thread, in {busy:,.0f} µs"
    )
    if facts["slowdown"] >= 2:
        tail = (
            f" — {facts['slowdown']}× slower: after every reply it waited for the GIL, up "
            f"to the {interval or 0:,.0f} µs switch interval."
        )
    else:
        tail = (
            f" — {facts['slowdown']}×: hardly a convoy this time; this interpreter hands "
            "the GIL back quickly to threads returning from I/O."
        )
    details = []
    waited = facts["after_reply_us"]
    if waited[ALONE] is not None and waited[BUSY] is not None:
        details.append(
            f"Timed from the moment the server sent each reply (its clock, outside the "
            f"waiting thread): {waited[ALONE]:,.0f} µs alone, "
            f"{waited[BUSY]:,.0f} µs beside the CPU-bound thread."
        )
    long = facts.get("long_waits", {})
    if BUSY in long and interval:
        count, of = long[BUSY], len(facts["each_reply_us"][BUSY])
        details.append(
            f"{count} of {of} replies waited longer than half the switch interval "
            f"({interval / 2:,.0f} µs) beside it, {long.get(ALONE, 0)} alone."
        )
    for variant, value in waited.items():  # drawn as bars beside the replies
        if value is not None:
            facts["table"].append(
                {"variant": f"{variant}: wait after the reply", "microseconds": value}
            )
    if "lane" in facts:
        details.append(
            f"The GIL lane saw the GIL go from cpu to io-busy {facts['lane']['takeovers']} times."
        )
    return head + tail, details


def _longer(waits: list[float], limit: float) -> int:
    return sum(w > limit for w in waits)


def _takeovers(history: History, src: str, dst: str) -> int:
    """How often the GIL lane shows ``dst`` taking the GIL right after ``src`` held it."""
    count, last = 0, None
    for _t, who in history.gil:
        if who is None:
            continue
        count += last == src and who == dst
        last = who
    return count
