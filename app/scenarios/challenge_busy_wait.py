"""The busy-wait challenge's page: its program is ``programs/challenge_busy_wait.py``."""

from app.contract import Goal, Mode
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="busy-wait",
    module=__name__,
    program="challenge_busy_wait.py",
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
