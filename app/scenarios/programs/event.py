import threading
import time

go = threading.Event()  # a flag threads can wait for: starts cleared


def work(steps, timeout):
    name = threading.current_thread().name
    for _ in range(steps):
        while not go.wait(timeout):  # True once set; False when the timeout expires
            print(f"{name}: no signal yet, still waiting")
        time.sleep(0.05)  # stands in for one step of the work


def main(workers=3, steps=4, timeout=0.1):
    threads = [
        threading.Thread(target=work, args=(steps, timeout), name=f"W{i + 1}")
        for i in range(workers)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.25)
    go.set()  # wakes every waiting thread at once
    time.sleep(0.08)
    go.clear()  # pause: the next wait() blocks again
    time.sleep(0.25)
    go.set()  # resume: stays set, so later waits return at once
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
