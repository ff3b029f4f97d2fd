"""Two threads add to a plain global without a lock."""

import threading

counter = 0


def work(iterations):
    global counter
    for _ in range(iterations):
        counter += 1


def main(threads=2, iterations=3):
    workers = [
        threading.Thread(target=work, args=(iterations,), name=f"T{i + 1}") for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(f"counter={counter}")


if __name__ == "__main__":
    main()
