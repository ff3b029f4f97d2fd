"""A counter guarded by a Lock: no update is lost."""

import threading

counter = 0
lock = threading.Lock()


def add(times):
    global counter
    for _ in range(times):
        with lock:  # only one thread at a time reads, adds and writes
            counter += 1


def main():
    workers = [threading.Thread(target=add, args=(100,)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print("counter =", counter)
    assert counter == 300


if __name__ == "__main__":
    main()
