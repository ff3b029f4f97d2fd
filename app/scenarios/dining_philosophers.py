from contextlib import nullcontext

from app.instrument import Lock, Semaphore, Thread, io, sleep


def main(philosophers: int = 5, meals: int = 3, fix: str = "none", reach: float = 0.05) -> None:
    forks = [Lock(name=f"fork{i}") for i in range(philosophers)]
    # fix="waiter": at most n-1 may sit at the table, so one of them can always eat
    seats = Semaphore(philosophers - 1, name="waiter") if fix == "waiter" else nullcontext()

    def dine(i: int) -> None:
        left, right = forks[i], forks[(i + 1) % philosophers]
        if fix == "ordered":
            left, right = sorted((left, right), key=forks.index)  # lower number first
        for _ in range(meals):
            io(0.01, "think")
            with seats, left:  # sit down (fix="waiter"), then pick up the first fork
                sleep(reach)  # reach for the other fork: by now everyone holds one
                with right:
                    io(0.02, "eat")

    threads = [Thread(target=dine, args=(i,), name=f"P{i}") for i in range(philosophers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.contract import Goal  # noqa: E402
from app.scenarios.registry import Param, Scenario  # noqa: E402

ABOUT = Scenario(
    id="dining-philosophers",
    module=__name__,
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
        "fix=none: every Pi holds fork i and is Blocked on fork i+1; the wait-for graph "
        "is a circle through all five.",
        "fix=ordered: P4 reaches for fork0 first and competes with P0 instead of closing "
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
