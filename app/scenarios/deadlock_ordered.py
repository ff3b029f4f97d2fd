from app.instrument import Lock, Thread, sleep


def main(pause: float = 0.05, rounds: int = 3) -> None:
    lock_a = Lock(name="lock_a")
    lock_b = Lock(name="lock_b")

    order = [lock_a, lock_b]  # the one global order every thread follows

    def transfer(x: Lock, y: Lock) -> None:
        first, second = sorted((x, y), key=order.index)  # the fix: a before b, always
        for _ in range(rounds):
            with first:
                sleep(pause)
                with second:
                    print("got both locks")

    t1 = Thread(target=transfer, args=(lock_a, lock_b), name="T1")
    t2 = Thread(target=transfer, args=(lock_b, lock_a), name="T2")  # asks b, a: gets a, b
    t1.start()
    t2.start()
    t1.join()
    t2.join()


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.contract import Goal  # noqa: E402
from app.scenarios.registry import Param, Scenario  # noqa: E402

ABOUT = Scenario(
    id="deadlock-ordered",
    module=__name__,
    title="Deadlock fixed: one lock order",
    group="Classic problems",
    concept="preventing deadlock with a global lock order",
    summary="The same two threads, but both take lock_a before lock_b: a cycle is "
    "impossible, so the deadlock is too.",
    explanation=(
        "A deadlock needs a cycle: T1 waiting for T2 while T2 waits for T1. If every "
        "thread acquires locks in the same global order — here the order of a list, "
        "lock_a before lock_b — no cycle can form: whoever holds lock_a can always go on "
        "to lock_b, because nobody holds lock_b while waiting for lock_a.\n\n"
        "The order can be anything, as long as everyone follows it: a list, names, "
        "account numbers. The cost is that a thread sometimes waits earlier than it "
        "would have, at its first lock."
    ),
    look_for=(
        "T2 asks for (lock_b, lock_a) but takes lock_a first, like T1.",
        "Whoever gets lock_a first gets both; the other waits on lock_a, holding nothing.",
        "The run always finishes, whatever the pause.",
    ),
    talking_point="Why does lock ordering prevent deadlock? It makes a cycle in the "
    "wait-for graph impossible.",
    params=(
        Param("pause", "float", 0.05, "Seconds between the two acquires.", 0.0, 1.0),
        Param("rounds", "int", 3, "Transfers each thread makes.", 1, 50),
    ),
    goals=(Goal.DEADLOCK,),
)
