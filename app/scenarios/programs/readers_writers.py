import threading
import time


class ReadWriteLock:
    """Many readers at once, or one writer alone."""

    def __init__(self, prefer_writers):
        self.prefer_writers = prefer_writers
        self.changed = threading.Condition()
        self.readers = 0  # readers inside now
        self.writing = False  # is a writer inside?
        self.writers_waiting = 0

    def acquire_read(self):
        with self.changed:
            # readers-first: only a writer inside stops a reader; writers-first: a writer
            # waiting at the door stops new readers too
            while self.writing or (self.prefer_writers and self.writers_waiting):
                self.changed.wait()
            self.readers += 1

    def release_read(self):
        with self.changed:
            self.readers -= 1
            if self.readers == 0:
                self.changed.notify_all()  # the last reader out lets a writer in

    def acquire_write(self):
        with self.changed:
            self.writers_waiting += 1
            while self.writing or self.readers:
                self.changed.wait()
            self.writers_waiting -= 1
            self.writing = True

    def release_write(self):
        with self.changed:
            self.writing = False
            self.changed.notify_all()


def read(rw, i, reads):
    time.sleep(0.015 * i)  # staggered: there is nearly always someone reading
    for _ in range(reads):
        rw.acquire_read()
        time.sleep(0.06)  # stands in for reading the table
        rw.release_read()
        time.sleep(0.01)


def write(rw):
    time.sleep(0.05)  # arrives while the readers are busy
    rw.acquire_write()
    time.sleep(0.03)  # stands in for updating the table
    rw.release_write()


def main(readers=4, reads=6, prefer="readers"):
    rw = ReadWriteLock(prefer_writers=(prefer == "writers"))
    threads = [
        threading.Thread(target=read, args=(rw, i, reads), name=f"R{i + 1}") for i in range(readers)
    ]
    threads.append(threading.Thread(target=write, args=(rw,), name="W"))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
