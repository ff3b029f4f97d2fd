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
    summary="The same CPU-bound jobs as threads, processes and asyncio tasks, one below "
    "the other on one time axis with the GIL lane; then a table of times measured in this "
    "run, sequential, threads, processes and asyncio, for CPU-bound and I/O-bound jobs.",
    explanation=(
        "Python offers three ways to do several things at once. Threads share one "
        "interpreter and its GIL: cheap to start, good at overlapping waits, no help "
        "for pure-Python computation. Processes each have their own interpreter: real "
        "parallelism for computation, at the price of start-up time and of copying data "
        "between them. asyncio runs many coroutines in a single thread: the cheapest "
        "way to overlap thousands of waits, but only with libraries written for it "
        "(await), and a coroutine that computes blocks all the others until it awaits.\n\n"
        "First the program runs small CPU-bound jobs three ways, to watch: four threads, "
        "four processes, four asyncio tasks. The GIL lane at the top of the timeline "
        "measures this part: the threads take turns holding the GIL, a few milliseconds "
        "each; the processes have a GIL each, so they compute at the same time on the "
        "machine's cores; the tasks share one thread and switch only where they await. "
        "The lane's tracer slows every line of the threads and tasks about tenfold (not "
        "the processes', which it cannot see), so compare speeds in the table, not "
        "here.\n\n"
        "Then the timed rounds, without the lane's tracer: each job runs the four ways "
        "(the best of several rounds counts), and the verdict builds the table and picks "
        "the fastest models for each kind of job from the numbers of this run. The process "
        "pool is started once, first, and its start-up time is shown on its own: it "
        "matters for short jobs and disappears in long ones."
    ),
    look_for=(
        "thread-1…thread-4: all Running, but the GIL lane above shows one colour at a "
        "time — the threads take turns, about one switch interval each.",
        "process-1…process-4: Running at the same time (each has its own interpreter and "
        "GIL); with more processes than cores, the operating system shares the cores.",
        "async-1…async-4 (asyncio tasks): one Running at a time, in MainThread's event "
        "loop; each switch is at the line await asyncio.sleep(0) — a task computing "
        "between awaits keeps the others waiting.",
        "The table, timed without the lane: cpu — threads and asyncio take about as long "
        "as sequential, processes win up to the number of free cores; io — threads, "
        "processes and asyncio all take about one wait instead of four.",
    ),
    talking_point="When do you pick threading, multiprocessing or asyncio? CPU-bound: "
    "processes. I/O-bound: threads for a handful of blocking calls, asyncio for very "
    "many concurrent connections with async libraries.",
    params=(
        Param("tasks", "int", 4, "Jobs of each kind (and workers).", 1, 8),
        Param("millions", "int", 3, "Millions of loop steps per CPU job.", 1, 20),
        Param("wait", "float", 0.1, "Seconds each I/O job waits.", 0.01, 2.0),
        Param("rounds", "int", 2, "Times each variant runs (the best counts).", 1, 5),
    ),
    modes=(Mode.FREE,),
    # The GIL lane measures the watch phase, until the program prints "timed rounds"; the
    # rounds run without its tracer, every variant at full speed (app/instrument/gil.py).
    extra={"gil_lane": "timed rounds"},
)
