"""The barrier-three challenge's page: its program is ``programs/challenge_barrier_three.py``."""

from app.contract import Goal, Mode
from app.scenarios.registry import Scenario

ABOUT = Scenario(
    id="barrier-three",
    module=__name__,
    program="challenge_barrier_three.py",
    title="Challenge: three threads, a barrier for two",
    group="Challenges",
    concept="a Barrier's parties must match the threads that wait",
    summary="Three runners wait on Barrier(2). Which one is left behind, and why does the "
    "whole program hang?",
    explanation=(
        "A Barrier(2) opens each time two threads have arrived. With three runners, two "
        "pass together and the third waits for a partner who never comes. main joins it, "
        "so main waits forever too.\n\n"
        "Which runner is left behind depends on the schedule; that one is left behind "
        "does not."
    ),
    look_for=(
        "Two runners reach meeting and both pass.",
        "The third blocks on meeting; main blocks joining it: deadlocked.",
    ),
    talking_point="What happens when fewer threads than parties reach a Barrier?",
    modes=(Mode.CONTROLLED,),
    goals=(Goal.DEADLOCK,),
    fixed_by="barrier",
)
