import threading
import time

lock = threading.Lock()


def work(nap):
    time.sleep(nap)  # Blocked: sleeping, until the time is up
    with lock:  # Blocked: main holds the lock, until it releases it
        print("worker: got the lock")
    # returning from the target ends the thread: Dead


def main(nap=0.1, hold=0.2):
    # New: the Thread object exists, but no thread runs yet
    worker = threading.Thread(target=work, args=(nap,), name="worker")
    lock.acquire()
    worker.start()  # Runnable: ready to run, waiting for the CPU; then Running
    time.sleep(hold)  # main keeps the lock while the worker wants it
    lock.release()  # the worker is woken: Runnable, then Running again
    worker.join()  # main is Blocked until the worker is Dead


if __name__ == "__main__":
    main()
