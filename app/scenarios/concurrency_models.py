import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context

from app.instrument import measure


def cpu_job(n: int) -> None:  # pure Python arithmetic: needs the GIL the whole time
    while n > 0:
        n -= 1


def io_job(seconds: float) -> None:  # a blocking wait, like a network call: releases the GIL
    time.sleep(seconds)


async def cpu_job_async(n: int) -> None:
    cpu_job(n)  # never awaits: the event loop can run nothing else meanwhile


async def io_job_async(seconds: float) -> None:
    await asyncio.sleep(seconds)  # hands control back to the event loop while waiting


# one thread, one event loop
async def in_coroutines(job: Callable[..., Awaitable[None]], args: Sequence[float]) -> None:
    await asyncio.gather(*(job(arg) for arg in args))


def timed(label: str, run: Callable[[], object]) -> None:
    start = time.perf_counter()
    run()
    measure(label, time.perf_counter() - start)


def run_all(
    kind: str,
    job: Callable[..., object],
    job_async: Callable[..., Awaitable[None]],
    args: Sequence[float],
    threads: Executor,
    processes: Executor,
) -> None:
    timed(f"{kind}/sequential", lambda: [job(arg) for arg in args])
    timed(f"{kind}/threads", lambda: list(threads.map(job, args)))
    timed(f"{kind}/processes", lambda: list(processes.map(job, args)))
    timed(f"{kind}/asyncio", lambda: asyncio.run(in_coroutines(job_async, args)))


def main(tasks: int = 4, millions: int = 5, wait: float = 0.1, rounds: int = 2) -> None:
    with (
        ThreadPoolExecutor(tasks) as threads,
        ProcessPoolExecutor(tasks, mp_context=get_context("spawn")) as processes,
    ):
        timed("process start-up", lambda: list(processes.map(cpu_job, [0] * tasks)))
        for _ in range(rounds):  # the verdict keeps the best of each: other programs add noise
            cpu_args = [millions * 1_000_000] * tasks
            run_all("cpu", cpu_job, cpu_job_async, cpu_args, threads, processes)
            run_all("io", io_job, io_job_async, [wait] * tasks, threads, processes)


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.contract import Mode  # noqa: E402
from app.scenarios.registry import Param, Scenario  # noqa: E402

ABOUT = Scenario(
    id="concurrency-models",
    module=__name__,
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
