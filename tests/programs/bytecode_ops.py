"""One access of each kind in two threads, for the bytecode steps' names."""

import threading


class Hits:
    def __init__(self):
        self.total = 0


stock = {"apples": 4, "pears": 4}
log = []


def main():
    hits = Hits()
    seen = 0

    def shop(item):
        nonlocal seen
        for _ in range(2):
            hits.total += 1
            stock[item] -= 1
            log.append(item)
            seen = seen + 1

    threads = [threading.Thread(target=shop, args=(item,)) for item in ("apples", "pears")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(hits.total, stock, len(log), seen)


if __name__ == "__main__":
    main()
