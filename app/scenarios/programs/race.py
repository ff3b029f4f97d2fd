import sys
import threading

counter = 0  # shared by every thread


def work(iterations):
    global counter
    for _ in range(iterations):
        counter += 1  # a read, an add and a write: another thread may run in between


def main(threads=4, iterations=1000, switch_interval_us=100):
    # CPython lets a thread run for a whole time slice (5 ms by default) before it
    # switches; a short slice gives the unlucky switch many more chances.
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
