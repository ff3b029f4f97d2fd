"""A daemon logger: the program ends without waiting for it."""

import queue
import threading
import time


def logger(messages):
    while True:  # never returns: as a daemon, it is cut off when main ends
        line = messages.get()
        print("log:", line)


def main():
    messages = queue.Queue()
    threading.Thread(target=logger, args=(messages,), name="logger", daemon=True).start()
    for step in ("open", "read", "close"):
        messages.put(step)
        time.sleep(0.01)
    print("main ends; the daemon logger is stopped with it")


if __name__ == "__main__":
    main()
