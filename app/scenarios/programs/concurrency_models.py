import asyncio
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import get_context


def cpu_job(n):  # pure Python arithmetic: needs the GIL the whole time
    while n > 0:
        n -= 1


def io_job(seconds):  # a blocking wait, like a network call: releases the GIL
    time.sleep(seconds)


async def cpu_job_async(n, chunks=10):
    for _ in range(chunks):
        cpu_job(n // chunks)  # computes without awaiting: no other task runs meanwhile
        await asyncio.sleep(0)  # the only place where the event loop can switch tasks


async def io_job_async(seconds):
    await asyncio.sleep(seconds)  # hands control back to the event loop while waiting


async def in_tasks(job, args, name):  # one thread, one event loop, a task per job
    tasks = [asyncio.create_task(job(arg), name=f"{name}-{i}") for i, arg in enumerate(args, 1)]
    await asyncio.gather(*tasks)


def watch(tasks, n):  # the same small CPU-bound jobs three ways, one after another
    spawn = get_context("spawn")  # fresh interpreters: safe in a program that has threads
    for kind, start in (("thread", threading.Thread), ("process", spawn.Process)):
        workers = [
            start(target=cpu_job, args=(n,), name=f"{kind}-{i}") for i in range(1, tasks + 1)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    asyncio.run(in_tasks(cpu_job_async, [n] * tasks, "async"))


def timed(label, run):
    start = time.perf_counter()
    run()
    print(f"{label}: {time.perf_counter() - start:.3f} s")


def run_all(kind, job, job_async, args, threads, processes):
    timed(f"{kind}/sequential", lambda: [job(arg) for arg in args])
    timed(f"{kind}/threads", lambda: list(threads.map(job, args)))
    timed(f"{kind}/processes", lambda: list(processes.map(job, args)))
    timed(f"{kind}/asyncio", lambda: asyncio.run(in_tasks(job_async, args, kind)))


def main(tasks=4, millions=3, wait=0.1, rounds=2):
    print(f"cores: {os.cpu_count()}")
    watch(tasks, millions * 200_000)  # a fifth of a job each, not timed: watch the lanes
    print("timed rounds: the best of each variant counts")
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
