import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

progress = {}  # chunks done per task: each tick shows which thread ran when


def count_down(n):  # pure Python arithmetic: CPU-bound, holds the GIL while it runs
    while n > 0:
        n -= 1


def crunch(task, n, chunks=10):
    for chunk in range(1, chunks + 1):
        count_down(n // chunks)
        progress[task] = chunk


def in_sequence(tasks, n):
    for i in range(1, tasks + 1):
        crunch(f"task{i}", n)  # one after another, in main


def in_threads(tasks, n):
    threads = [
        threading.Thread(target=crunch, args=(f"T{i}", n), name=f"T{i}")
        for i in range(1, tasks + 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def in_processes(pool, tasks, n):  # each process has its own interpreter, and its own GIL
    list(pool.map(count_down, [n] * tasks))


def timed(run, *args):
    start = time.perf_counter()
    run(*args)
    return time.perf_counter() - start


def main(tasks=4, millions=5, rounds=2, switch_ms=5.0):
    sys.setswitchinterval(switch_ms / 1000)  # how long a thread may keep the GIL
    n = millions * 1_000_000
    print(f"cores: {os.cpu_count()}")
    gil_enabled = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True  # 3.13+
    print(f"GIL enabled: {gil_enabled}")
    print(f"switch interval: {sys.getswitchinterval() * 1e3:g} ms")
    in_threads(tasks, n // 10)  # a warm-up, not timed: watch the threads take turns
    print("timed rounds: the best of each variant counts")
    # "spawn": fresh interpreters, the safe way to start processes from a threaded program
    with ProcessPoolExecutor(tasks, mp_context=get_context("spawn")) as pool:
        print(f"process start-up: {timed(in_processes, pool, tasks, 0):.3f} s")
        for _ in range(rounds):  # the best of the rounds counts: other programs add noise
            print(f"sequential: {timed(in_sequence, tasks, n):.3f} s")
            print(f"threads: {timed(in_threads, tasks, n):.3f} s")
            print(f"processes: {timed(in_processes, pool, tasks, n):.3f} s")


if __name__ == "__main__":
    main()
