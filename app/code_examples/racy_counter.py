"""Challenge: make assert counter == 2000 fail.

Two threads add 1000 each to a counter, without a lock.

Run it free: it usually prints 2000. Then run it controlled, or press "Break it":
can you make the assert fail? Then add a lock and try again.
"""

import threading

counter = 0


def add(times):
    global counter
    for _ in range(times):
        counter += 1  # read, add, write: another thread may write in between


def main():
    a = threading.Thread(target=add, args=(1000,))
    b = threading.Thread(target=add, args=(1000,))
    a.start()
    b.start()
    a.join()
    b.join()
    print("counter =", counter)
    assert counter == 2000


if __name__ == "__main__":
    main()
