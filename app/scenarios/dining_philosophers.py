"""The dining-philosophers scenario's page: its program is
``programs/dining_philosophers.py``."""

from app.contract import Goal
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="dining-philosophers",
    module=__name__,
    program="dining_philosophers.py",
    title="The dining philosophers",
    group="Classic problems",
    concept="circular wait among many threads, and two ways to break it",
    summary="Five philosophers, five forks, two forks to eat: if everyone picks up the "
    "left fork first, nobody ever eats.",
    explanation=(
        "Five philosophers sit around a table with one fork between each pair. To eat, a "
        "philosopher needs both neighbouring forks. Each picks up the left fork, then "
        "the right one. If all of them pick up their left fork at the same moment, every "
        "right fork is someone's left fork: each waits for a neighbour, around the whole "
        "table. A deadlock with five threads, the same cycle as the two-lock deadlock, "
        "only longer.\n\n"
        "Two classic fixes, chosen with the fix parameter. ordered: number the forks "
        "and always take the lower number first; the last philosopher then reaches "
        "right before left, and the cycle cannot close. waiter: a Semaphore lets at most "
        "four sit down at once; with one seat empty, at least one philosopher always "
        "gets both forks."
    ),
    look_for=(
        "fix=none: every Pi holds forks[i] and is Blocked on forks[i+1]; the wait-for graph "
        "is a circle through all five.",
        "fix=ordered: P4 reaches for forks[0] first and competes with P0 instead of closing "
        "the circle.",
        "fix=waiter: one philosopher is Blocked on waiter, so the other four cannot all "
        "hold one fork each.",
    ),
    talking_point="Name the four conditions for deadlock and how each fix breaks one: "
    "ordering breaks the circular wait; the waiter limits how many hold and wait.",
    params=(
        Param("philosophers", "int", 5, "Philosophers (and forks).", 2, 10),
        Param("meals", "int", 3, "Meals each philosopher eats.", 1, 20),
        Param(
            "reach",
            "float",
            0.05,
            "Seconds between picking up the two forks (0: the deadlock is a matter of luck).",
            0.0,
            1.0,
        ),
        Param(
            "fix",
            "choice",
            "none",
            "How to avoid the deadlock.",
            choices=("none", "ordered", "waiter"),
        ),
    ),
    goals=(Goal.DEADLOCK,),
)
