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
    print(f"Python {sys.version.split()[0]} ({sys.executable})")
    print(f"free-threaded build: {free_threaded_build}")
    print(f"GIL enabled: {gil_enabled}")

    for _ in range(rounds):  # the best of the rounds counts: other programs add noise
        print(f"sequential: {timed(in_sequence, threads, n):.3f} s")
        print(f"threads: {timed(in_threads, threads, n):.3f} s")


if __name__ == "__main__":
    main()
