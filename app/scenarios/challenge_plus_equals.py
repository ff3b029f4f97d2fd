"""The plus-equals challenge's page: its program is ``programs/challenge_plus_equals.py``."""

from app.contract import Goal, Granularity, Mode
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="plus-equals",
    module=__name__,
    program="challenge_plus_equals.py",
    title="Challenge: is += atomic?",
    group="Challenges",
    concept="a lost update inside one line of Python",
    summary="A plain counter.hits += 1 in two threads. Find the bytecode where it tears.",
    explanation=(
        "counter.hits += 1 is one line but several bytecode instructions: load the "
        "attribute, add one, store it back. CPython may switch threads between any two "
        "of them.\n\n"
        "Run it with granularity 'bytecode': the scheduler may then switch between "
        "instructions, and the code panel shows which one each thread stopped at. Find "
        "a schedule where a thread stores a stale value and an update is lost. With "
        "granularity 'operation' the steps are the read and the write of counter.hits, "
        "and it tears there too: the += is no more atomic at either granularity."
    ),
    look_for=(
        "A thread is preempted after reading counter.hits but before writing it back.",
        "It prints expected threads × iterations, got less: an update is lost.",
    ),
    talking_point="Is `x += 1` atomic in CPython? No: it is a load, an add and a store.",
    params=(
        Param("threads", "int", 2, "Threads incrementing.", 2, 4),
        Param("iterations", "int", 3, "Increments per thread.", 1, 50),
    ),
    modes=(Mode.CONTROLLED,),
    goals=(Goal.LOST_UPDATE,),
    fixed_by="race-locked",
    extra={"options": {"granularity": Granularity.BYTECODE}},
)
