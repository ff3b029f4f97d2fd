import threading
import time


def download(seconds):
    time.sleep(seconds)  # a slow job: stands in for downloading report.pdf
    print("worker: download finished")


def main(job=1.0, patience=0.3):
    worker = threading.Thread(target=download, args=(job,), name="worker")
    worker.start()
    worker.join(timeout=patience)  # returns after `patience` seconds at the latest…
    print(f"main: is_alive() = {worker.is_alive()}")  # … so check: it may still run
    if worker.is_alive():
        print("main: still downloading, I'll show a spinner and wait")
        worker.join()  # no timeout: wait until it has really ended
    print(f"main: is_alive() = {worker.is_alive()}")


if __name__ == "__main__":
    main()
