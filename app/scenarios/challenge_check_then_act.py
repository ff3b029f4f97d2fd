"""The check-then-act challenge's page: its program is ``programs/challenge_check_then_act.py``."""

from app.contract import Goal, Mode
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="check-then-act",
    module=__name__,
    program="challenge_check_then_act.py",
    title="Challenge: the last seat, sold twice",
    group="Challenges",
    concept="check-then-act races",
    summary="One seat left, two customers. Find the order that sells it twice.",
    explanation=(
        "Each customer checks that a seat is left, then takes it. Between the check and "
        "the act another customer may check too: both see one seat, both book, and seats "
        "goes negative.\n\n"
        "The check and the act must be one atomic step: hold a lock across both."
    ),
    look_for=(
        "Both customers read seats = 1 before either writes.",
        "sold ends at 2 for a single seat; seats ends below zero.",
    ),
    talking_point="What is a check-then-act race, and how do you fix it?",
    params=(Param("customers", "int", 2, "Customers trying to book.", 2, 6),),
    modes=(Mode.CONTROLLED,),
    goals=(Goal.ANY_FAILURE,),
    fixed_by="race-locked",
)
