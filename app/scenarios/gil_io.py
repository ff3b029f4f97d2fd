import time

from app.instrument import Thread, io, measure


def fetch(page: int, latency: float) -> None:
    io(latency, f"GET /page/{page}")  # waiting for the network releases the GIL


def main(requests: int = 8, latency: float = 0.2) -> None:
    start = time.perf_counter()
    for page in range(1, requests + 1):
        fetch(page, latency)  # one after another: the waits add up
    measure("sequential", time.perf_counter() - start)

    start = time.perf_counter()
    threads = [
        Thread(target=fetch, args=(page, latency), name=f"T{page}")
        for page in range(1, requests + 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()  # the waits overlap
    measure("threads", time.perf_counter() - start)


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.contract import Mode  # noqa: E402
from app.scenarios.registry import Param, Scenario  # noqa: E402

ABOUT = Scenario(
    id="gil-io",
    module=__name__,
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
        "Threads: all of them are Blocked at the same time, each on its own request.",
        "The speed-up is close to the number of requests.",
    ),
    talking_point="If the GIL allows one thread at a time, why do threads help with "
    "I/O? Because a thread waiting on I/O has released the GIL.",
    params=(
        Param("requests", "int", 8, "Requests (and threads).", 1, 32),
        Param("latency", "float", 0.2, "Seconds each request waits.", 0.01, 2.0),
    ),
    modes=(Mode.FREE,),
)
