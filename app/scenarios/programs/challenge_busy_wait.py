import threading

busy = False  # "someone is inside"
inside = 0  # how many threads are in the critical section


def worker(rounds):
    global busy, inside
    for _ in range(rounds):
        while busy:  # wait until nobody is inside …
            pass
        busy = True  # … then claim it. Too late? Another thread may be here too.
        inside = inside + 1
        inside = inside - 1
        busy = False


def main(rounds=2):
    threads = [threading.Thread(target=worker, args=(rounds,), name=f"T{i + 1}") for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
