"""The race-locked scenario's page: its program is ``programs/race_locked.py``."""

from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="race-locked",
    module=__name__,
    program="race_locked.py",
    title="Race fixed with a Lock",
    group="Synchronisation",
    concept="mutual exclusion with Lock",
    summary="The same counter, but each read-modify-write holds a Lock: no update is lost.",
    explanation=(
        "The same threads and the same counter as the race, with one change: the read "
        "and the write happen while holding a Lock. A thread that wants the lock while "
        "another holds it blocks until it is released, so no thread can slip in between "
        "another's read and write.\n\n"
        "The price is visible too: threads spend time Blocked, waiting their turn."
    ),
    look_for=(
        "At most one thread holds lock at any moment; the others are Blocked on it.",
        "Every read of counter is followed by the same thread's write.",
        "The final counter is exactly threads × iterations.",
    ),
    talking_point="How do you make a read-modify-write atomic? Hold a lock across it.",
    params=(
        Param("threads", "int", 4, "Threads incrementing the counter.", 1, 16),
        Param("iterations", "int", 1000, "Increments per thread.", 1, 100_000),
        Param(
            "switch_interval_us",
            "int",
            100,
            "CPython's thread switch interval, in microseconds (default 5000).",
            1,
            5000,
        ),
    ),
)
