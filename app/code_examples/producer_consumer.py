"""Producer and consumer: a list and a Condition to wait on."""

import threading

items = []
ready = threading.Condition()
DONE = None  # the producer puts this last: nothing more will come


def producer():
    for n in [1, 2, 3, DONE]:
        with ready:
            items.append(n)
            ready.notify()  # wake the consumer if it waits


def consumer():
    while True:
        with ready:
            while not items:  # while, not if: check again after every wake-up
                ready.wait()  # releases the lock while it waits
            n = items.pop(0)
        if n is DONE:
            return
        print("consumed", n)


def main():
    threads = [threading.Thread(target=consumer), threading.Thread(target=producer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
