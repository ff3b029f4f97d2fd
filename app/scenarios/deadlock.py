"""The deadlock scenario's page: its program is ``programs/deadlock.py``."""

from app.contract import Goal
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="deadlock",
    module=__name__,
    program="deadlock.py",
    title="Deadlock: two locks, opposite order",
    group="Classic problems",
    concept="deadlock from inconsistent lock order",
    summary="T1 takes lock_a then lock_b, T2 takes lock_b then lock_a: each ends up "
    "holding what the other needs.",
    explanation=(
        "Each thread needs both locks, and each takes them in its own order. T1 gets "
        "lock_a, T2 gets lock_b, and now T1 waits for lock_b, which T2 holds, while T2 "
        "waits for lock_a, which T1 holds. Neither can go on, neither will let go: a "
        "deadlock. The program does not crash or slow down; it just stops.\n\n"
        "A deadlock needs four things at once: locks held exclusively, held while "
        "waiting for another, never taken away, and a cycle of threads each waiting for "
        "the next. The sleep between the two acquires only widens the window so that it "
        "happens every time; without it, it happens once in a while — in production, "
        "at night.\n\n"
        "The watchdog sees that every thread is blocked for good and ends the run; the "
        "wait-for graph shows the cycle."
    ),
    look_for=(
        "T1 holds lock_a, T2 holds lock_b, both sleeping.",
        "Then T1 is Blocked on lock_b and T2 on lock_a.",
        "The wait-for graph: T1 → lock_b → T2 → lock_a → T1, a cycle.",
    ),
    talking_point="How do you prevent deadlocks? Take locks in one global order "
    "(deadlock-ordered), or hold one lock at a time, or use timeouts and back off.",
    params=(
        Param(
            "pause",
            "float",
            0.05,
            "Seconds each thread waits between its two acquires (0: a real race).",
            0.0,
            1.0,
        ),
    ),
    goals=(Goal.DEADLOCK,),
    fixed_by="deadlock-ordered",
)
