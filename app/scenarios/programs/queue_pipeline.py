import queue
import threading
import time


def produce(jobs, name, items):
    for i in range(1, items + 1):
        jobs.put(f"{name}-{i}")  # blocks while the queue is full


def consume(jobs):
    while True:
        job = jobs.get()  # blocks while the queue is empty
        if job is None:  # the stop sign
            jobs.task_done()
            return
        time.sleep(0.02)  # stands in for processing the job
        jobs.task_done()  # tell the queue this job is finished


def main(items=8, producers=2, consumers=2, maxsize=3):
    jobs = queue.Queue(maxsize=maxsize)  # put() blocks while it holds maxsize items
    makers = [
        threading.Thread(target=produce, args=(jobs, f"P{i + 1}", items), name=f"P{i + 1}")
        for i in range(producers)
    ]
    takers = [
        threading.Thread(target=consume, args=(jobs,), name=f"C{i + 1}") for i in range(consumers)
    ]
    for thread in makers + takers:
        thread.start()
    for thread in makers:
        thread.join()
    jobs.join()  # blocks until every job put so far is task_done()
    print("main: every job is done")
    for _ in takers:
        jobs.put(None)  # one stop sign per consumer
    for thread in takers:
        thread.join()


if __name__ == "__main__":
    main()
