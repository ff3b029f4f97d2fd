"""The rlock scenario's page: its program is ``programs/rlock.py``."""

from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="rlock",
    module=__name__,
    program="rlock.py",
    title="RLock: a lock you can re-enter",
    group="Synchronisation",
    concept="reentrant locking with RLock",
    summary="A recursive function takes the same RLock at every level; the lock counts "
    "how deep its owner holds it.",
    explanation=(
        "A recursive function, or a locked method that calls another locked method, "
        "wants a lock it already holds. An RLock (re-entrant lock) allows exactly that: "
        "it remembers which thread owns it and how many times that thread has acquired "
        "it. Each acquire by the owner adds one, each release takes one away, and the "
        "lock is free for other threads only when the count is back to zero.\n\n"
        "Other threads still wait, as with a plain Lock: the whole recursion of one "
        "thread happens while the others are Blocked."
    ),
    look_for=(
        "rlock's depth rises 1, 2, 3… as the recursion goes down and falls as it returns.",
        "Only one thread holds rlock at a time; the other is Blocked until depth is 0.",
        "Compare with lock-reentry: the same code with a plain Lock hangs at depth 2.",
    ),
    talking_point="When do you need an RLock instead of a Lock? When the thread holding "
    "the lock may acquire it again, e.g. through recursion or nested locked methods.",
    params=(
        Param("depth", "int", 4, "Recursion depth (levels of the lock).", 1, 50),
        Param("threads", "int", 2, "Threads doing the recursion.", 1, 8),
    ),
)
