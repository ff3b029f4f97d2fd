"""The notify-all scenario's page: its program is ``programs/notify_all.py``."""

from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="notify-all",
    module=__name__,
    program="notify_all.py",
    title="notify() vs notify_all()",
    group="Synchronisation",
    concept="who wakes: notify wakes one waiter, notify_all wakes them all",
    summary="Four threads wait at a gate; main opens it and calls notify() — one goes "
    "through, the others keep waiting.",
    explanation=(
        "notify() wakes one thread waiting on the Condition (here, the one that has "
        "waited longest), notify_all() wakes every one. Wake one when any single waiter "
        "can use the change — one new item for one consumer. Wake all when the change "
        "matters to every waiter — a gate opens, a shutdown flag is set, or the waiters "
        "wait for different things and only they can tell whose turn it is.\n\n"
        "Here the gate opens for everyone but main only calls notify(): one thread goes "
        "through and the rest sleep on, although the condition they wait for is true. "
        "Only their timeout saves them; without one, they would wait forever. Set wake "
        "to notify_all and all four go through at once."
    ),
    look_for=(
        "All waiters are Blocked on gate before main opens it.",
        "notify: the notify event wakes exactly one thread; the others stay Blocked "
        "until their timeout.",
        "notify_all: all waiters wake, and each takes gate.lock in turn.",
    ),
    talking_point="When is notify() a bug? When a waiter other than the one woken needed "
    "to know: a missed wake-up leaves it sleeping with the condition already true.",
    params=(
        Param("waiters", "int", 4, "Threads waiting at the gate.", 1, 16),
        Param("wake", "choice", "notify", "How main wakes them.", choices=("notify", "notify_all")),
        Param("patience", "float", 0.5, "Seconds a waiter waits before giving up.", 0.15, 5.0),
    ),
)
