"""The readers-writers scenario's page: its program is ``programs/readers_writers.py``."""

from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="readers-writers",
    module=__name__,
    program="readers_writers.py",
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
        "rw.readers goes above 1: several readers inside at once.",
        "rw.writing is True only while rw.readers is 0.",
        "prefer=readers: W is Blocked on rw.changed from its arrival until the readers are "
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
