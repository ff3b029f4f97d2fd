import threading
import time

lock_a = threading.Lock()
lock_b = threading.Lock()


def transfer(first, second, pause):
    with first:
        time.sleep(pause)  # meanwhile the other thread takes its first lock
        with second:  # … which is this one: each waits for the other
            print("got both locks")


def main(pause=0.05):
    t1 = threading.Thread(target=transfer, args=(lock_a, lock_b, pause), name="T1")  # a, b
    t2 = threading.Thread(target=transfer, args=(lock_b, lock_a, pause), name="T2")  # b, a
    t1.start()
    t2.start()
    t1.join()
    t2.join()


if __name__ == "__main__":
    main()
