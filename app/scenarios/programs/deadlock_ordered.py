import threading
import time

lock_a = threading.Lock()
lock_b = threading.Lock()
LOCK_ORDER = [lock_a, lock_b]  # the one global order every thread follows


def transfer(x, y, pause, rounds):
    first, second = sorted((x, y), key=LOCK_ORDER.index)  # the fix: a before b, always
    for _ in range(rounds):
        with first:
            time.sleep(pause)
            with second:
                print("got both locks")


def main(pause=0.05, rounds=3):
    t1 = threading.Thread(target=transfer, args=(lock_a, lock_b, pause, rounds), name="T1")
    # T2 asks for b, then a, and gets them as a, then b
    t2 = threading.Thread(target=transfer, args=(lock_b, lock_a, pause, rounds), name="T2")
    t1.start()
    t2.start()
    t1.join()
    t2.join()


if __name__ == "__main__":
    main()
