"""Objects made at module level, shared by every thread; run twice, it must start
afresh each time."""

import threading
import time
from threading import Lock

lock = Lock()  # made while the module body runs, before main
done = []  # what the workers did, under the lock
runs = 0  # how many times main ran in this module
seen_before = hasattr(threading, "marked")  # did an earlier run mark this threading?
threading.marked = True


def work(rounds):
    for _ in range(rounds):
        with lock:
            done.append(threading.current_thread().name)
        time.sleep(0.001)


def main(threads=2, rounds=3):
    global runs
    runs += 1
    workers = [
        threading.Thread(target=work, args=(rounds,), name=f"W{i + 1}") for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(f"runs={runs} done={len(done)} seen_before={seen_before}")


if __name__ == "__main__":
    main()
