from app.instrument import Shared, Thread


def main(rounds: int = 2) -> None:
    busy = Shared("busy", False)  # "someone is inside"
    inside = Shared("inside", 0)  # how many threads are in the critical section

    def worker() -> None:
        for _ in range(rounds):
            while busy.value:  # wait until nobody is inside …
                pass
            busy.value = True  # … then claim it. Too late? Another thread may be here too.
            inside.value = inside.value + 1
            inside.value = inside.value - 1
            busy.value = False

    threads = [Thread(target=worker, name=f"T{i + 1}") for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.contract import Goal, Mode  # noqa: E402
from app.scenarios.registry import Param, Scenario  # noqa: E402

ABOUT = Scenario(
    id="busy-wait",
    module=__name__,
    title="Challenge: a home-made lock",
    group="Challenges",
    concept="check-then-act on a flag is not mutual exclusion",
    summary="Two threads guard a critical section with a busy flag. Get both inside at once.",
    explanation=(
        "Each thread spins until the flag busy is False, then sets it and enters. It "
        "looks like a lock, but checking the flag and setting it are two separate steps: "
        "if the scheduler switches threads between them, both see False and both enter.\n\n"
        "Step the threads by hand (policy manual) until inside reaches 2, or press "
        "Break it to let the search find such an interleaving."
    ),
    look_for=(
        "T1 reads busy = False, then T2 reads busy = False before T1 writes True.",
        "inside is written as 2: two threads in the critical section.",
    ),
    talking_point="Why can't you build a lock from a plain boolean flag?",
    params=(Param("rounds", "int", 2, "Times each thread enters.", 1, 5),),
    modes=(Mode.CONTROLLED,),
    goals=(Goal.ANY_FAILURE,),
)
