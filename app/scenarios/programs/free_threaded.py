import os
import sys
import sysconfig
import threading
import time


def count_down(n):  # pure Python arithmetic: CPU-bound
    while n > 0:
        n -= 1


def timed(run, *args):
    start = time.perf_counter()
    run(*args)
    return time.perf_counter() - start


def in_sequence(tasks, n):
    for _ in range(tasks):
        count_down(n)


def in_threads(tasks, n):
    workers = [
        threading.Thread(target=count_down, args=(n,), name=f"T{i + 1}") for i in range(tasks)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def main(threads=4, millions=5, rounds=2):
    n = millions * 1_000_000
    # Python 3.13 and later can be built without the GIL ("python3.13t")
    free_threaded_build = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    gil_enabled = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
    version = sys.version.split()[0]
    print(f"Python {version} ({sys.executable})")
    print(f"free-threaded build: {free_threaded_build}")
    print(f"GIL enabled: {gil_enabled}")
    print(f"cores: {os.cpu_count()}")
    in_threads(threads, min(n, 1_000_000) // 10)  # a warm-up, not timed: watch the threads
    print("timed rounds: the best of each variant counts")

    best = {"sequential": float("inf"), "threads": float("inf")}
    for _ in range(rounds):  # the best of the rounds counts: other programs add noise
        for name, run in (("sequential", in_sequence), ("threads", in_threads)):
            took = timed(run, threads, n)
            best[name] = min(best[name], took)
            print(f"{name}: {took:.3f} s")
    speedup = best["sequential"] / best["threads"]
    gil = "with the GIL" if gil_enabled else "without the GIL"
    print(f"So Python {version} {gil} ran {threads} threads {speedup:.2f}× as fast as one "
          f"task after another.")  # fmt: skip


if __name__ == "__main__":
    main()
