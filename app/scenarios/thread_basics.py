"""The thread-basics scenario's page: its program is ``programs/thread_basics.py``."""

from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="thread-basics",
    module=__name__,
    program="thread_basics.py",
    title="Starting and joining threads",
    group="Basics",
    concept="Thread(target=…), Thread subclasses, start() and join()",
    summary="One thread from a target function, one from a Thread subclass; main starts "
    "both and joins them.",
    explanation=(
        "There are two ways to give a thread its work. Pass a function as target= "
        "(with args=), or subclass Thread and override run(). Either way, nothing "
        "happens until start(): it creates the operating-system thread, which then "
        "calls run(), and returns at once, so main carries on while the thread works.\n\n"
        "join() is how one thread waits for another to finish. Here main starts both "
        "threads, then joins them, so its last line is printed only after both are done.\n\n"
        "Override run(), never start(). Thread.start() is the part that creates the new "
        "thread; a start() of your own that just calls run() makes the work happen in "
        "the caller's thread, one step after another, and the Thread object itself is "
        "never started (join() then raises RuntimeError). Try it with override_start."
    ),
    look_for=(
        "Both threads are New until start(), then Runnable and Running.",
        "Their steps interleave: while one sleeps, the other prints.",
        "main is Blocked in join() until each thread is Dead.",
        "With override_start, from-subclass's steps are printed by MainThread, and "
        "from-subclass never leaves New.",
    ),
    talking_point="What is the difference between run() and start()? start() creates the "
    "thread, which then calls run(); calling run() yourself runs it in your own thread.",
    params=(
        Param("steps", "int", 3, "Steps each thread prints.", 1, 20),
        Param(
            "override_start",
            "bool",
            False,
            "Use a subclass that overrides start() instead of run() (the mistake).",
        ),
    ),
)
