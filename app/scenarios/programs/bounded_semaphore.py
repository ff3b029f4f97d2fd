import threading
import time


def handle_request(pool):
    pool.acquire()
    try:
        time.sleep(0.05)  # stands in for the query
    finally:
        pool.release()
    pool.release()  # the bug: an extra release, say from a copy-pasted cleanup path


def main(connections=2):
    plain = threading.Semaphore(connections)
    bounded = threading.BoundedSemaphore(connections)
    first = threading.Thread(target=handle_request, args=(plain,), name="with-plain")
    second = threading.Thread(target=handle_request, args=(bounded,), name="with-bounded")
    for thread in (first, second):
        thread.start()
    for thread in (first, second):
        thread.join()
    # plain now has connections + 1 permits: one more than there are connections


if __name__ == "__main__":
    main()
