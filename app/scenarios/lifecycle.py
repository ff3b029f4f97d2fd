"""The lifecycle scenario's page: its program is ``programs/lifecycle.py``."""

from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="lifecycle",
    module=__name__,
    program="lifecycle.py",
    title="The life of a thread",
    group="Basics",
    concept="thread states: New → Runnable → Running → Blocked → Dead",
    summary="One thread visits every state — created, started, running, sleeping, blocked "
    "on a lock, woken, ended — and each change is labelled with its cause.",
    explanation=(
        "A thread is New when the Thread object is created: nothing runs yet. start() "
        "makes it Runnable, ready to run, and it is Running when it actually gets the "
        "CPU (in CPython: when it holds the GIL).\n\n"
        "A running thread becomes Blocked whenever it cannot go on by itself: it sleeps, "
        "waits for I/O, waits for a lock someone else holds, or joins another thread. "
        "Whatever it waits for wakes it, and it is Runnable again — it still has to get "
        "the CPU before it runs. When its run() returns (or raises), it is Dead, for good: "
        "a thread cannot be started twice.\n\n"
        "Here the worker first sleeps, then wants a lock that main holds on purpose, so it "
        "blocks twice for two different reasons."
    ),
    look_for=(
        "worker: New, then Runnable at start(), Running once it gets the CPU.",
        "Blocked in sleep(), woken when the nap is over.",
        "Blocked again on lock while main holds it; woken by main's release().",
        "Dead when its function returns; main's join() returns right after.",
    ),
    talking_point="Name the states of a thread and what moves it between them.",
    params=(
        Param("nap", "float", 0.1, "Seconds the worker sleeps first.", 0.0, 2.0),
        Param("hold", "float", 0.2, "Seconds main holds the lock after starting it.", 0.0, 2.0),
    ),
)
