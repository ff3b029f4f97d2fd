import _thread


def main():
    lock = _thread.allocate_lock()  # a plain lock: invisible to the tracer and the scheduler
    lock.acquire()
    lock.acquire()  # self-deadlock, forever


if __name__ == "__main__":
    main()
