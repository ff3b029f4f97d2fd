"""The terminal timeline of ``threadlab run``: one lane per thread, legend, verdict."""

from __future__ import annotations

from app.analysis.lanes import lanes, render
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
