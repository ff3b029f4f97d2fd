"""The concurrency-models scenario's page: its program is ``programs/concurrency_models.py``."""

from app.contract import Mode
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="concurrency-models",
    module=__name__,
    program="concurrency_models.py",
    title="threading vs multiprocessing vs asyncio",
    group="The GIL and the alternatives",
    concept="choosing a concurrency model from measured times",
    summary="The same CPU-bound and I/O-bound jobs, run sequentially, in threads, in "
    "processes and with asyncio: a table of times measured in this run.",
    explanation=(
        "Python offers three ways to do several things at once. Threads share one "
        "interpreter and its GIL: cheap to start, good at overlapping waits, no help "
        "for pure-Python computation. Processes each have their own interpreter: real "
        "parallelism for computation, at the price of start-up time and of copying data "
        "between them. asyncio runs many coroutines in a single thread: the cheapest "
        "way to overlap thousands of waits, but only with libraries written for it "
        "(await), and a coroutine that computes blocks all the others.\n\n"
        "Each job runs here the four ways (the best of several rounds counts), and the "
        "verdict builds the table and picks the fastest models for each kind of job from "
        "the numbers of this run. The process pool is started once, first, and its "
        "start-up time is shown on its own: it matters for short jobs and disappears in "
        "long ones."
    ),
    look_for=(
        "cpu: threads and asyncio take about as long as sequential; processes win, up "
        "to the number of cores.",
        "io: threads, processes and asyncio all take about one wait instead of four; "
        "threads and asyncio are far cheaper to start.",
    ),
    talking_point="When do you pick threading, multiprocessing or asyncio? CPU-bound: "
    "processes. I/O-bound: threads for a handful of blocking calls, asyncio for very "
    "many concurrent connections with async libraries.",
    params=(
        Param("tasks", "int", 4, "Jobs of each kind (and workers).", 1, 8),
        Param("millions", "int", 5, "Millions of loop steps per CPU job.", 1, 20),
        Param("wait", "float", 0.1, "Seconds each I/O job waits.", 0.01, 2.0),
        Param("rounds", "int", 2, "Times each variant runs (the best counts).", 1, 5),
    ),
    modes=(Mode.FREE,),
)
