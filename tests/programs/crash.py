"""A thread whose target raises: the traceback shows this file's lines."""

import threading


def work():
    values = {}
    return values["missing"]  # KeyError


def main():
    worker = threading.Thread(target=work, name="worker")
    worker.start()
    worker.join()
    print("main goes on")


if __name__ == "__main__":
    main()
