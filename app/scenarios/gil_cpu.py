import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from multiprocessing import get_context

from app.instrument import Shared, Thread, measure


def count_down(n: int) -> None:  # pure Python arithmetic: CPU-bound, holds the GIL while it runs
    while n > 0:
        n -= 1


def crunch(progress: Shared, n: int, chunks: int = 10) -> None:
    for chunk in range(1, chunks + 1):
        count_down(n // chunks)
        progress.value = chunk  # a visible tick: shows which thread ran when


def in_sequence(tasks: int, n: int) -> None:
    for i in range(1, tasks + 1):
        crunch(Shared(f"task{i}", 0), n)  # one after another, in main


def in_threads(tasks: int, n: int) -> None:
    threads = [
        Thread(target=crunch, args=(Shared(f"T{i}", 0), n), name=f"T{i}")
        for i in range(1, tasks + 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def in_processes(
    pool: Executor, tasks: int, n: int
) -> None:  # each process has its own interpreter, and its own GIL
    list(pool.map(count_down, [n] * tasks))


def timed(run: Callable[..., None], *args: object) -> float:
    start = time.perf_counter()
    run(*args)
    return time.perf_counter() - start


def main(tasks: int = 4, millions: int = 5, rounds: int = 2) -> None:
    n = millions * 1_000_000
    measure("cores", os.cpu_count() or 1, unit="cores")
    measure("GIL enabled", int(getattr(sys, "_is_gil_enabled", lambda: True)()), unit="flag")
    # "spawn": fresh interpreters, the safe way to start processes from a threaded program
    with ProcessPoolExecutor(tasks, mp_context=get_context("spawn")) as pool:
        measure("process start-up", timed(in_processes, pool, tasks, 0))
        for _ in range(rounds):  # the verdict keeps the best of each: other programs add noise
            measure("sequential", timed(in_sequence, tasks, n))
            measure("threads", timed(in_threads, tasks, n))
            measure("processes", timed(in_processes, pool, tasks, n))


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.contract import Mode  # noqa: E402
from app.scenarios.registry import Param, Scenario  # noqa: E402

ABOUT = Scenario(
    id="gil-cpu",
    module=__name__,
    title="The GIL: CPU-bound threads don't run faster",
    group="The GIL and the alternatives",
    concept="the GIL serialises Python bytecode: no speed-up for CPU-bound threads",
    summary="The same CPU-bound work one after another, in N threads and in N processes, "
    "timed on this machine right now.",
    explanation=(
        "CPython's Global Interpreter Lock (GIL) lets only one thread execute Python "
        "bytecode at a time. Threads take turns: the running one hands the GIL over "
        "every few milliseconds (sys.getswitchinterval(), 5 ms by default) or when it "
        "blocks. For pure-Python computation that means N threads take about as long as "
        "doing the work one task after another — sometimes longer, because of the "
        "hand-overs.\n\n"
        "Processes don't share a GIL: each has its own interpreter, so on a machine with "
        "several cores they really do compute in parallel. They pay for it in start-up "
        "time (measured separately here: the pool is started once, before the rounds) "
        "and in copying arguments and results between processes.\n\n"
        "The times are measured in this run, on the interpreter and machine that ran it; "
        "each variant runs several rounds and the best time counts, because other "
        "programs on the machine slow some runs down. Each thread ticks its own progress "
        "counter; the ticks of different threads alternate: the GIL changing hands."
    ),
    look_for=(
        "Sequential: main ticks task1 up to 10, then task2, and so on.",
        "Threads: the T1…T4 ticks interleave — the GIL passing from thread to thread — "
        "and the whole takes about as long as sequential.",
        "Processes: faster, up to the number of cores, once they are started.",
    ),
    talking_point="Why don't threads speed up CPU-bound Python code, and what do you use "
    "instead? The GIL; use multiprocessing (or a free-threaded build, or C extensions "
    "that release the GIL, such as NumPy).",
    params=(
        Param("tasks", "int", 4, "Tasks, threads and processes.", 1, 8),
        Param("millions", "int", 5, "Millions of loop steps per task.", 1, 50),
        Param("rounds", "int", 2, "Times each variant runs (the best counts).", 1, 5),
    ),
    modes=(Mode.FREE,),
)
