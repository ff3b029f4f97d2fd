"""The lock-reentry scenario's page: its program is ``programs/lock_reentry.py``."""

from app.contract import Goal
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="lock-reentry",
    module=__name__,
    program="lock_reentry.py",
    title="A Lock taken twice deadlocks on itself",
    group="Synchronisation",
    concept="self-deadlock of a non-reentrant Lock",
    summary="The same recursion with a plain Lock: the thread waits for a lock it holds "
    "itself, forever.",
    explanation=(
        "A plain Lock does not know who holds it, only that it is held. When the thread "
        "that holds it calls acquire() again, it waits for the lock to be released — by "
        "itself, which is waiting. Nothing can ever wake it: a deadlock with a single "
        "thread.\n\n"
        "Here the recursion takes the lock at level 1 and blocks at level 2. The watchdog "
        "notices that every thread is blocked for good and ends the run. The fix is an "
        "RLock (see the rlock scenario), or restructuring the code so that the locked "
        "part does not call back into itself."
    ),
    look_for=(
        "T1 acquires lock at level 1, then is Blocked on lock at level 2.",
        "The wait-for graph has a loop from T1 to itself.",
        "main is Blocked in join() behind it, so the whole program hangs.",
    ),
    talking_point="Can a thread deadlock alone? Yes: by acquiring a non-reentrant lock "
    "it already holds.",
    params=(Param("depth", "int", 4, "Recursion depth.", 1, 50),),
    goals=(Goal.DEADLOCK,),
    fixed_by="rlock",
)
