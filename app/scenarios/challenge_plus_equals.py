from app.instrument import Shared, Thread


class Counter:
    hits = 0


def main(threads: int = 2, iterations: int = 3) -> None:
    counter = Counter()

    def work() -> None:
        for _ in range(iterations):
            counter.hits += 1  # one line, but several bytecodes: load, add, store

    workers = [Thread(target=work, name=f"T{i + 1}") for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    Shared("hits", counter.hits)  # show the final count in the log


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.contract import Goal, Granularity, Mode  # noqa: E402
from app.scenarios.registry import Param, Scenario  # noqa: E402

ABOUT = Scenario(
    id="plus-equals",
    module=__name__,
    title="Challenge: is += atomic?",
    group="Challenges",
    concept="a lost update inside one line of Python",
    summary="A plain counter.hits += 1 in two threads. Find the bytecode where it tears.",
    explanation=(
        "counter.hits += 1 is one line but several bytecode instructions: load the "
        "attribute, add one, store it back. CPython may switch threads between any two "
        "of them.\n\n"
        "Run it with granularity 'bytecode': the scheduler may then switch between "
        "instructions, and the code panel shows which one each thread stopped at. Find "
        "a schedule where a thread stores a stale value and an update is lost. With "
        "granularity 'operation' nothing here is a scheduling point, so it never tears."
    ),
    look_for=(
        "A thread is preempted after loading hits but before storing it.",
        "The final hits is below threads × iterations.",
    ),
    talking_point="Is `x += 1` atomic in CPython? No: it is a load, an add and a store.",
    params=(
        Param("threads", "int", 2, "Threads incrementing.", 2, 4),
        Param("iterations", "int", 3, "Increments per thread.", 1, 50),
    ),
    modes=(Mode.CONTROLLED,),
    goals=(Goal.LOST_UPDATE,),
    fixed_by="race-locked",
    extra={"options": {"granularity": Granularity.BYTECODE}},
)
