"""The gil-io scenario's page: its program is ``programs/gil_io.py``."""

from app.contract import Mode
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="gil-io",
    module=__name__,
    program="gil_io.py",
    title="The GIL: I/O-bound threads do overlap",
    group="The GIL and the alternatives",
    concept="blocking I/O releases the GIL, so waiting threads overlap",
    summary="Eight slow requests one after another, then in eight threads: the waits "
    "overlap and the speed-up is close to eight.",
    explanation=(
        "The GIL is held only while a thread executes Python bytecode. A thread that "
        "blocks on I/O — a socket read, a file read, a database query, time.sleep — "
        "releases it for the whole wait, so other threads run meanwhile.\n\n"
        "Most of the time of an I/O-bound program is waiting. Sequentially, the waits "
        "add up; in threads, they happen at the same time, and the total is about one "
        "wait instead of N. That is why threads remain the simple, right tool for "
        "I/O-bound work in Python — downloads, API calls, database queries — GIL or "
        "not.\n\n"
        "Each request here is a blocking wait of the given latency (the stand-in for "
        "a network round trip), measured with the wall clock in this run."
    ),
    look_for=(
        "Sequential: main is Blocked in one request after another.",
        "Threads: all of them are Blocked at the same time, each in its own request.",
        "The speed-up is close to the number of requests.",
        "The GIL lane at the top of the timeline is empty while the threads sleep: "
        "nobody needs the GIL to wait, so the waits overlap.",
    ),
    talking_point="If the GIL allows one thread at a time, why do threads help with "
    "I/O? Because a thread waiting on I/O has released the GIL.",
    params=(
        Param("requests", "int", 8, "Requests (and threads).", 1, 32),
        Param("latency", "float", 0.2, "Seconds each request waits.", 0.01, 2.0),
    ),
    modes=(Mode.FREE,),
    extra={"gil_lane": True},  # the GIL lane, for the whole run (app/instrument/gil.py)
)
