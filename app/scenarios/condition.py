"""The condition scenario's page: its program is ``programs/condition.py``."""

from app.contract import Goal
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="condition",
    module=__name__,
    program="condition.py",
    title="Condition: producer and consumers",
    group="Synchronisation",
    concept="Condition.wait / notify, and why the wait sits in a while loop",
    summary="Consumers wait on a Condition until the producer adds an item; each wake-up "
    "is re-checked in a while loop.",
    explanation=(
        "A Condition pairs a lock with a waiting room. A consumer holds the lock, sees "
        "the buffer is empty and calls wait(): that releases the lock and sleeps until a "
        "notify() — or until its timeout — then takes the lock back before returning. "
        "The producer adds an item under the same lock and calls notify() to wake one "
        "waiter.\n\n"
        "Waking up is not a promise that there is an item. wait(timeout) returns when "
        "the timeout expires, another consumer may grab the item between the notify and "
        "the moment the woken one gets the lock back, and some platforms allow spurious "
        "wake-ups. So the check goes in a while loop (or use wait_for(predicate)): after "
        "every wake-up, look again.\n\n"
        "Set recheck to false and the check becomes an if: the consumers' first waits "
        "time out while the producer is still starting, they go on with an empty buffer, "
        "and crash with IndexError."
    ),
    look_for=(
        "A consumer's wait releases changed.lock: the producer can get in.",
        "The first waits end by timeout (nothing produced yet); the while loop waits again.",
        "notify wakes one consumer; it must get changed.lock back before it runs.",
        "With recheck off, C1 and C2 die of IndexError after their first timeout.",
    ),
    talking_point="Why is Condition.wait() always called in a while loop? Because being "
    "woken does not mean the condition holds: timeouts, stolen wake-ups, spurious wake-ups.",
    params=(
        Param("items", "int", 6, "Items the producer makes.", 1, 100),
        Param("consumers", "int", 2, "Consumer threads.", 1, 8),
        Param("timeout", "float", 0.1, "Seconds a consumer waits before re-checking.", 0.01, 2.0),
        Param("recheck", "bool", True, "Re-check in a while loop (false: a single if)."),
    ),
    goals=(Goal.ANY_FAILURE,),
)
