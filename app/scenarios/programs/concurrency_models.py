import asyncio
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context


def cpu_job(n):  # pure Python arithmetic: needs the GIL the whole time
    while n > 0:
        n -= 1


def io_job(seconds):  # a blocking wait, like a network call: releases the GIL
    time.sleep(seconds)


async def cpu_job_async(n):
    cpu_job(n)  # never awaits: the event loop can run nothing else meanwhile


async def io_job_async(seconds):
    await asyncio.sleep(seconds)  # hands control back to the event loop while waiting


async def in_coroutines(job, args):  # one thread, one event loop
    await asyncio.gather(*(job(arg) for arg in args))


def timed(label, run):
    start = time.perf_counter()
    run()
    print(f"{label}: {time.perf_counter() - start:.3f} s")


def run_all(kind, job, job_async, args, threads, processes):
    timed(f"{kind}/sequential", lambda: [job(arg) for arg in args])
    timed(f"{kind}/threads", lambda: list(threads.map(job, args)))
    timed(f"{kind}/processes", lambda: list(processes.map(job, args)))
    timed(f"{kind}/asyncio", lambda: asyncio.run(in_coroutines(job_async, args)))


def main(tasks=4, millions=5, wait=0.1, rounds=2):
    with (
        ThreadPoolExecutor(tasks) as threads,
        ProcessPoolExecutor(tasks, mp_context=get_context("spawn")) as processes,
    ):
        timed("process start-up", lambda: list(processes.map(cpu_job, [0] * tasks)))
        for _ in range(rounds):  # the best of the rounds counts: other programs add noise
            cpu_args = [millions * 1_000_000] * tasks
            run_all("cpu", cpu_job, cpu_job_async, cpu_args, threads, processes)
            run_all("io", io_job, io_job_async, [wait] * tasks, threads, processes)


if __name__ == "__main__":
    main()
