"""The if-not-while challenge's page: its program is ``programs/challenge_if_not_while.py``."""

from app.contract import Goal, Mode
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="if-not-while",
    module=__name__,
    program="challenge_if_not_while.py",
    title="Challenge: if instead of while",
    group="Challenges",
    concept="re-check the condition after Condition.wait()",
    summary="Consumers check with `if` before Condition.wait(). Find the order where one "
    "pops from an empty list.",
    explanation=(
        "Being woken from wait() only means the condition was true at some moment. By "
        "the time the woken thread gets the lock back, another consumer may have taken "
        "the item. With `if`, it pops anyway and crashes with IndexError; with `while` "
        "it would check again and wait again.\n\n"
        "notify_all() wakes every waiting consumer for each single item, which makes the "
        "bad order easy to reach."
    ),
    look_for=(
        "Two consumers wait on ready; P appends one item and calls notify_all().",
        "One consumer takes the item; the other pops an empty list and dies of IndexError.",
    ),
    talking_point="Why is Condition.wait() always called in a while loop?",
    params=(Param("consumers", "int", 2, "Consumers (and items produced).", 2, 4),),
    modes=(Mode.CONTROLLED,),
    goals=(Goal.ANY_FAILURE,),
    fixed_by="condition",
)
