"""The daemon scenario's page: its program is ``programs/daemon.py``."""

from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="daemon",
    module=__name__,
    program="daemon.py",
    title="Daemon and non-daemon threads",
    group="Basics",
    concept="daemon=True: the process does not wait for it",
    summary="When main ends, Python waits for the non-daemon worker but cuts the daemon "
    "logger off mid-loop.",
    explanation=(
        "When the main thread has nothing left to do, the interpreter does not exit at "
        "once: it waits for every non-daemon thread (the default) to finish. Daemon "
        "threads are not waited for; when the last non-daemon thread is done they are "
        "stopped abruptly, wherever they are, at interpreter shutdown.\n\n"
        "That makes daemon=True right for background helpers whose work may be lost — a "
        "heartbeat, a cache refresher, a progress logger — and wrong for anything that "
        "must finish, such as writing a file or committing to a database: no finally "
        "block, no with-block exit runs when a daemon is cut off."
    ),
    look_for=(
        "main is Dead first, while worker and logger still run.",
        "The process keeps going until worker is Dead.",
        "Then logger is cut off wherever it is — usually asleep between two heartbeats — "
        "and its exit is marked killed at interpreter shutdown.",
    ),
    talking_point="What is a daemon thread, and when would you not use one? When its work "
    "must complete: daemons are killed at shutdown without cleanup.",
    params=(
        Param("work", "float", 0.5, "Seconds the non-daemon worker needs.", 0.0, 5.0),
        Param("beat", "float", 0.1, "Seconds between two heartbeats of the logger.", 0.01, 1.0),
    ),
)
