"""Semaphore(3): a pool of three database connections."""

import threading
import time

connections = threading.Semaphore(3)  # the pool has three connections


def query(user):
    with connections:  # the fourth user waits here until someone gives one back
        print(f"{user} queries the database")
        time.sleep(0.05)  # a pretend database call
    print(f"{user} has the answer")


def main():
    users = [threading.Thread(target=query, args=(f"user{i}",)) for i in range(1, 6)]
    for user in users:
        user.start()
    for user in users:
        user.join()


if __name__ == "__main__":
    main()
