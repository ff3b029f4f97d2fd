import threading
import time
from contextlib import nullcontext


def dine(i, forks, waiter, meals, reach, ordered):
    left, right = forks[i], forks[(i + 1) % len(forks)]
    if ordered:
        left, right = sorted((left, right), key=forks.index)  # lower number first
    for meal in range(1, meals + 1):
        time.sleep(0.01)  # think
        with waiter, left:  # sit down (fix="waiter"), then pick up the first fork
            time.sleep(reach)  # reach for the other fork: by now everyone holds one
            with right:
                print(f"P{i} eats meal {meal}")
                time.sleep(0.02)  # eat


def main(philosophers=5, meals=3, fix="none", reach=0.05):
    forks = [threading.Lock() for _ in range(philosophers)]
    # fix="waiter": at most n-1 may sit at the table, so one of them can always eat
    waiter = threading.Semaphore(philosophers - 1) if fix == "waiter" else nullcontext()
    threads = [
        threading.Thread(
            target=dine, args=(i, forks, waiter, meals, reach, fix == "ordered"), name=f"P{i}"
        )
        for i in range(philosophers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
