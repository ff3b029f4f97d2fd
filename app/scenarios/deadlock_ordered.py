"""The deadlock-ordered scenario's page: its program is ``programs/deadlock_ordered.py``."""

from app.contract import Goal
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="deadlock-ordered",
    module=__name__,
    program="deadlock_ordered.py",
    title="Deadlock fixed: one lock order",
    group="Classic problems",
    concept="preventing deadlock with a global lock order",
    summary="The same two threads, but both take lock_a before lock_b: a cycle is "
    "impossible, so the deadlock is too.",
    explanation=(
        "A deadlock needs a cycle: T1 waiting for T2 while T2 waits for T1. If every "
        "thread acquires locks in the same global order — here the order of the list "
        "LOCK_ORDER, lock_a before lock_b — no cycle can form: whoever holds lock_a can "
        "always go on to lock_b, because nobody holds lock_b while waiting for lock_a.\n\n"
        "The order can be anything, as long as everyone follows it: a list, names, "
        "account numbers. The cost is that a thread sometimes waits earlier than it "
        "would have, at its first lock."
    ),
    look_for=(
        "T2 asks for (lock_b, lock_a) but takes lock_a first, like T1.",
        "Whoever gets lock_a first gets both; the other waits on lock_a, holding nothing.",
        "The run always finishes, whatever the pause.",
    ),
    talking_point="Why does lock ordering prevent deadlock? It makes a cycle in the "
    "wait-for graph impossible.",
    params=(
        Param("pause", "float", 0.05, "Seconds between the two acquires.", 0.0, 1.0),
        Param("rounds", "int", 3, "Transfers each thread makes.", 1, 50),
    ),
    goals=(Goal.DEADLOCK,),
)
