"""The terminal timeline of ``threadlab run``: one lane per thread, legend, verdict."""

from __future__ import annotations

from app.analysis.lanes import ASCII, gil_legend, lanes, render
from app.instrument.events import make

EVENTS = [
    make(1, 0.0, "create", "A", "New"),
    make(2, 0.0, "start", "A", "Runnable"),
    make(3, 0.0, "run", "A", "Running"),
    make(4, 0.0, "create", "B", "New"),
    make(5, 0.0, "start", "B", "Runnable"),
    make(6, 0.0, "block", "A", "Blocked", "lock", detail={"reason": "acquire"}),
    make(7, 0.0, "run", "B", "Running"),
    make(8, 0.0, "output", detail={"text": "hello"}),
    make(9, 0.0, "exit", "B", "Dead"),
]
ABOUT = {
    "scenario": "demo",
    "mode": "controlled",
    "seed": 7,
    "policy": "pct",
    "status": "deadlocked",
    "verdict": {"summary": "A waits forever."},
    "message": "Deadlock.",
}


def test_one_column_per_event_when_they_fit() -> None:
    assert lanes(EVENTS) == [
        "A   ·███▒▒▒▒  Blocked: acquire lock",
        "B      ··██   Dead",
    ]


def test_long_logs_are_squeezed_into_the_width() -> None:
    rows = lanes(EVENTS, width=3)
    assert [len(row.split("  ")[1]) for row in rows] == [3, 3]


def test_the_report_is_plain_text_with_an_ascii_fallback() -> None:
    text = render(ABOUT, EVENTS, ascii=True)
    assert text.splitlines() == [
        "demo · controlled · seed 7 · policy pct · 9 events",
        "A   .###~~~~  Blocked: acquire lock",
        "B      ..##   Dead",
        "   # running  . runnable  ~ blocked",
        "printed:",
        "  hello",
        "verdict: A waits forever.",
        "status: deadlocked — Deadlock.",
    ]


def test_the_verdicts_details_are_printed_under_its_summary() -> None:
    details = ["An RLock would have counted it.", "Try another schedule."]
    about = {**ABOUT, "verdict": {"summary": "A waits forever.", "facts": {"details": details}}}
    lines = render(about, EVENTS, ascii=True).splitlines()
    start = lines.index("verdict: A waits forever.")
    assert lines[start + 1 : start + 4] == [
        "         An RLock would have counted it.",
        "         Try another schedule.",
        "status: deadlocked — Deadlock.",
    ]


GIL_EVENTS = [
    make(1, 0.0, "create", "MainThread", "New"),
    make(2, 0.0, "run", "MainThread", "Running"),
    make(3, 0.0, "gil", detail={"gil": True, "method": "settrace", "resolution": "a line"}),
    make(4, 0.0, "gil", "MainThread"),
    make(5, 0.0, "create", "T1", "New"),
    make(6, 0.0, "start", "T1", "Runnable"),
    make(7, 0.0, "run", "T1", "Running"),
    make(8, 0.0, "gil", "T1"),
    make(9, 0.0, "block", "T1", "Blocked", detail={"reason": "sleep", "seconds": 1}),
    make(10, 0.0, "gil"),  # T1 sleeps: nobody holds it
    make(11, 0.0, "gil", "MainThread"),
    make(12, 0.0, "gil", detail={"off": "time"}),  # not measured from here
    make(13, 0.0, "exit", "MainThread", "Dead"),
    make(14, 0.0, "gil", "T1"),  # after the end of the lane: ignored
]


def test_a_run_with_gil_events_gets_a_gil_line_and_its_legend() -> None:
    about = {**ABOUT, "mode": "free", "status": "finished", "verdict": None, "message": None}
    assert render(about, GIL_EVENTS).splitlines() == [
        "demo · free · 14 events",
        "GIL            111122·1   ",
        "MainThread   ███████████    Dead",
        "T1               ·██▒▒▒▒▒▒  Blocked",  # its last event is a hand-off: not its state
        "            █ running  · runnable  ▒ blocked",
        "            GIL: 1 MainThread  2 T1  · nobody",
        "status: finished",
    ]
    # Five columns of 2-3 events: a tie goes to a holder, the first one seen.
    assert lanes(GIL_EVENTS, width=5, glyphs=ASCII)[0] == "GIL          112 "


def test_without_a_gil_the_line_counts_who_executes_at_once() -> None:
    events = [
        make(1, 0.0, "create", "A", "New"),
        make(2, 0.0, "create", "B", "New"),
        make(3, 0.0, "gil", detail={"gil": False, "method": "m", "resolution": "r"}),
        make(4, 0.0, "gil", detail={"holders": ["A"]}),
        make(5, 0.0, "gil", detail={"holders": ["A", "B"]}),
        make(6, 0.0, "gil", detail={"holders": []}),
    ]
    assert lanes(events)[0] == "no GIL     12·"
    assert gil_legend(events) == "no GIL: how many threads execute bytecode at once  · none"


def test_a_lane_that_could_not_measure_draws_no_line() -> None:
    events = [*EVENTS, make(10, 0.0, "gil", detail={"gil": True, "unavailable": "a debugger"})]
    assert lanes(events) == ["A   ·███▒▒▒▒▒  Blocked: acquire lock", "B      ··██    Dead"]
    assert gil_legend(events) is None and gil_legend(EVENTS) is None
