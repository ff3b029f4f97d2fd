import threading

pool = threading.BoundedSemaphore(1)
stuck = False


def worker():
    global stuck
    pool.acquire()
    stuck = True  # "I might be slow"
    stuck = False
    pool.release()


def reaper():
    if stuck:  # looks stuck: release its slot for it …
        pool.release()  # … but the worker will release it too


def main():
    threads = [
        threading.Thread(target=worker, name="worker"),
        threading.Thread(target=reaper, name="reaper"),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
