"""The event scenario's page: its program is ``programs/event.py``."""

from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="event",
    module=__name__,
    program="event.py",
    title="Event: a start signal",
    group="Synchronisation",
    concept="Event.set, clear and wait(timeout)",
    summary="Workers wait for a go signal; main sets it, clears it to pause them, and "
    "sets it again.",
    explanation=(
        "An Event is a flag that threads can wait for. wait() returns at once while the "
        "flag is set and blocks while it is clear; set() raises the flag and wakes every "
        "waiting thread together; clear() lowers it, so later waits block again.\n\n"
        "wait(timeout) returns the flag: False means the time ran out, not that the "
        "event happened, which lets a waiting thread do something else now and then "
        "(report progress, check for shutdown) and wait again.\n\n"
        "Here set() is a start signal and clear() a pause: workers between two steps "
        "wait until the flag is raised again."
    ),
    look_for=(
        "Before the first set(), the workers' waits time out every 0.1 s and they print.",
        "set() wakes all waiting workers at once; they run their steps.",
        "After clear(), workers finishing a step are Blocked on go again until the next set().",
    ),
    talking_point="Event vs Condition? An Event is a one-bit Condition with the lock "
    "built in: perfect for 'go', 'stop' or 'ready' signals.",
    params=(
        Param("workers", "int", 3, "Worker threads.", 1, 16),
        Param("steps", "int", 4, "Steps each worker does (one wait before each).", 1, 20),
        Param("timeout", "float", 0.1, "Seconds each wait() waits.", 0.01, 2.0),
    ),
)
