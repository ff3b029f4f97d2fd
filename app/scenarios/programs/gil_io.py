import threading
import time


def fetch(latency):
    time.sleep(latency)  # stands in for a network request: waiting releases the GIL


def main(requests=8, latency=0.2):
    start = time.perf_counter()
    for _ in range(requests):
        fetch(latency)  # one after another: the waits add up
    print(f"sequential: {time.perf_counter() - start:.3f} s")

    start = time.perf_counter()
    threads = [
        threading.Thread(target=fetch, args=(latency,), name=f"T{page}")
        for page in range(1, requests + 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()  # the waits overlap
    print(f"threads: {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
