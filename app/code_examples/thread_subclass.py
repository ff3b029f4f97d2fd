"""A Thread subclass: the thread's body is its run() method."""

import threading
import time


class Downloader(threading.Thread):
    def __init__(self, url, parts):
        super().__init__(name=f"get {url}")
        self.url = url
        self.parts = parts
        self.received = 0

    def run(self):  # start() calls run() in the new thread; never call run() yourself
        for _ in range(self.parts):
            time.sleep(0.01)  # waiting for the network
            self.received += 1
        print(f"{self.url}: {self.received} parts")


def main():
    jobs = [Downloader("a.example", 2), Downloader("b.example", 3)]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join()
    print("total:", sum(job.received for job in jobs), "parts")


if __name__ == "__main__":
    main()
