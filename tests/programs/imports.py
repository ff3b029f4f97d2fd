"""Every way a program imports what the worker traces."""

import concurrent.futures
import queue
import threading as t
from concurrent import futures
from queue import Queue
from threading import Condition, Lock
from time import sleep

jobs = Queue(maxsize=2)
ready = Condition(Lock())
finished = []


def producer(count):
    for item in range(count):
        jobs.put(item)
    jobs.put(None)


def consumer():
    while True:
        item = jobs.get()
        if item is None:
            break
        sleep(0.001)
        with ready:
            finished.append(item)
            ready.notify_all()


def main(count=4):
    threads = [
        t.Thread(target=producer, args=(count,), name="producer"),
        t.Thread(target=consumer, name="consumer"),
    ]
    for thread in threads:
        thread.start()
    with ready:
        ready.wait_for(lambda: len(finished) == count)
    for thread in threads:
        thread.join()
    try:
        queue.Queue().get_nowait()
    except queue.Empty:
        print("empty")
    print(f"finished {finished}")
    print(futures is concurrent.futures, concurrent.futures.FIRST_COMPLETED)


if __name__ == "__main__":
    main()
