from app.instrument import Condition, Shared, Thread, io, sleep


class ReadWriteLock:
    """Many readers at once, or one writer alone."""

    def __init__(self, prefer_writers: bool) -> None:
        self.prefer_writers = prefer_writers
        self.changed = Condition(name="rw")
        self.readers = Shared("readers", 0)  # readers inside now
        self.writing = Shared("writing", False)  # is a writer inside?
        self.writers_waiting = Shared("writers_waiting", 0)

    def acquire_read(self) -> None:
        with self.changed:
            # readers-first: only a writer inside stops a reader; writers-first: a writer
            # waiting at the door stops new readers too
            while self.writing.value or (self.prefer_writers and self.writers_waiting.value):
                self.changed.wait()
            self.readers.value += 1

    def release_read(self) -> None:
        with self.changed:
            self.readers.value -= 1
            if self.readers.value == 0:
                self.changed.notify_all()  # the last reader out lets a writer in

    def acquire_write(self) -> None:
        with self.changed:
            self.writers_waiting.value += 1
            while self.writing.value or self.readers.value:
                self.changed.wait()
            self.writers_waiting.value -= 1
            self.writing.value = True

    def release_write(self) -> None:
        with self.changed:
            self.writing.value = False
            self.changed.notify_all()


def main(readers: int = 4, reads: int = 6, prefer: str = "readers") -> None:
    rw = ReadWriteLock(prefer_writers=(prefer == "writers"))

    def read(i: int) -> None:
        sleep(0.015 * i)  # staggered: there is nearly always someone reading
        for _ in range(reads):
            rw.acquire_read()
            io(0.06, "read the table")
            rw.release_read()
            sleep(0.01)

    def write() -> None:
        sleep(0.05)  # arrives while the readers are busy
        rw.acquire_write()
        io(0.03, "update the table")
        rw.release_write()

    threads = [Thread(target=read, args=(i,), name=f"R{i + 1}") for i in range(readers)]
    threads.append(Thread(target=write, name="W"))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.scenarios.registry import Param, Scenario  # noqa: E402

ABOUT = Scenario(
    id="readers-writers",
    module=__name__,
    title="Readers and writers",
    group="Classic problems",
    concept="shared reading, exclusive writing, and writer starvation",
    summary="Readers may read together, a writer needs the table alone; with readers "
    "first, a steady stream of readers starves the writer.",
    explanation=(
        "Reading shared data does no harm as long as nobody changes it, so a "
        "read-write lock lets any number of readers in together and a writer in only "
        "alone. It is built here from one Condition and three shared counters.\n\n"
        "The policy decides who goes first when both wait. Readers-first: a new reader "
        "may join as long as no writer is inside — so while readers keep overlapping, "
        "the writer waits and waits (starvation), although it is never deadlocked. "
        "Writers-first: once a writer is waiting, new readers wait too; the readers "
        "inside finish, the writer goes in, then the readers resume. Each policy can "
        "starve the other side; real implementations often alternate.\n\n"
        "Python's standard library has no read-write lock; this is the classic "
        "textbook construction."
    ),
    look_for=(
        "readers goes above 1: several readers inside at once.",
        "writing is True only while readers is 0.",
        "prefer=readers: W is Blocked on rw from its arrival until the readers are "
        "done with all their reads.",
        "prefer=writers: W gets in as soon as the readers inside leave.",
    ),
    talking_point="What is starvation, and how is it different from deadlock? A thread "
    "that could run but is always overtaken; nothing is stuck, it just never gets a turn.",
    params=(
        Param("readers", "int", 4, "Reader threads.", 1, 10),
        Param("reads", "int", 6, "Reads each reader does.", 1, 30),
        Param(
            "prefer",
            "choice",
            "readers",
            "Who goes first when both wait.",
            choices=("readers", "writers"),
        ),
    ),
)
