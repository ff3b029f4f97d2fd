"""Thread(target=...): two threads running one function."""

import threading
import time


def count(name, steps):
    for step in range(1, steps + 1):
        print(f"{name} counts {step}")
        time.sleep(0.01)  # pretend to work: the other thread runs meanwhile


def main():
    a = threading.Thread(target=count, args=("Ann", 3))
    b = threading.Thread(target=count, args=("Bob", 3))
    a.start()  # returns at once: Ann runs alongside main
    b.start()
    a.join()  # wait for each thread to finish
    b.join()
    print("main: both threads have finished")


if __name__ == "__main__":
    main()
