import sys
import threading

counter = 0  # shared by every thread
lock = threading.Lock()


def work(iterations):
    global counter
    for _ in range(iterations):
        with lock:  # only one thread at a time between the read and the write
            counter += 1


def main(threads=4, iterations=1000, switch_interval_us=100):
    sys.setswitchinterval(switch_interval_us / 1_000_000)
    workers = [
        threading.Thread(target=work, args=(iterations,), name=f"T{i + 1}") for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(f"expected {threads * iterations}, got {counter}")


if __name__ == "__main__":
    main()
