import threading


class Counter:
    def __init__(self):
        self.hits = 0


def work(counter, iterations):
    for _ in range(iterations):
        counter.hits += 1  # one line, but several bytecodes: load, add, store


def main(threads=2, iterations=3):
    counter = Counter()
    workers = [
        threading.Thread(target=work, args=(counter, iterations), name=f"T{i + 1}")
        for i in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(f"expected {threads * iterations}, got {counter.hits}")


if __name__ == "__main__":
    main()
