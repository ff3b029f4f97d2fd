import threading
import time


def log_heartbeat(beat):
    beats = 0
    while True:  # a background loop that never ends by itself
        beats += 1
        print(f"logger: heartbeat {beats}")
        time.sleep(beat)


def save_files(seconds):
    time.sleep(seconds)  # stands in for writing the files: must not be cut off half-way
    print("worker: files saved")


def main(work=0.5, beat=0.1):
    logger = threading.Thread(target=log_heartbeat, args=(beat,), name="logger", daemon=True)
    worker = threading.Thread(target=save_files, args=(work,), name="worker")  # not a daemon
    logger.start()
    worker.start()
    print("main: done; Python waits for the worker, not for the logger")
    # main ends here: the interpreter waits for non-daemon threads, then kills daemons


if __name__ == "__main__":
    main()
