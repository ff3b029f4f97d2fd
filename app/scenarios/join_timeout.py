"""The join-timeout scenario's page: its program is ``programs/join_timeout.py``."""

from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="join-timeout",
    module=__name__,
    program="join_timeout.py",
    title="join() with a timeout",
    group="Basics",
    concept="join(timeout) and is_alive()",
    summary="join(timeout) gives up waiting, not the thread: the worker keeps running, and "
    "is_alive() tells you which happened.",
    explanation=(
        "join(timeout=…) waits at most that long for the thread to end. It returns None "
        "either way, so it does not tell you whether the thread finished: ask is_alive() "
        "right after.\n\n"
        "A timed-out join does not stop, cancel or pause the thread — Python has no way "
        "to kill a thread from outside. The worker carries on, and main can do something "
        "useful (show progress, try again later, give up on the result) before joining "
        "again."
    ),
    look_for=(
        "main is Blocked in join for patience seconds, then Running again while the "
        "worker is still Blocked in time.sleep(), its stand-in for the download.",
        "The first is_alive() prints True; after the second join it prints False.",
        "Set patience above job and the first join sees the worker end.",
    ),
    talking_point="How do you stop a thread that takes too long? You can't from outside: "
    "join(timeout) only stops waiting; the thread must check a flag or Event itself.",
    params=(
        Param("job", "float", 1.0, "Seconds the worker's download takes.", 0.0, 5.0),
        Param("patience", "float", 0.3, "join() timeout, in seconds.", 0.0, 5.0),
    ),
)
