from app.instrument import Condition, Thread


def main(consumers: int = 2) -> None:
    items: list[int] = []
    ready = Condition(name="ready")

    def consumer() -> None:
        with ready:
            if not items:  # BUG: `if`, not `while` — the list may be empty again on waking
                ready.wait()
            item = items.pop()  # IndexError if another consumer took it first
        print("got", item)

    def producer() -> None:
        for n in range(consumers):
            with ready:
                items.append(n)
                ready.notify_all()

    threads = [Thread(target=consumer, name=f"C{i + 1}") for i in range(consumers)]
    threads.append(Thread(target=producer, name="P"))
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.contract import Goal, Mode  # noqa: E402
from app.scenarios.registry import Param, Scenario  # noqa: E402

ABOUT = Scenario(
    id="if-not-while",
    module=__name__,
    title="Challenge: if instead of while",
    group="Challenges",
    concept="re-check the condition after Condition.wait()",
    summary="Consumers check with `if` before Condition.wait(). Find the order where one "
    "pops from an empty list.",
    explanation=(
        "Being woken from wait() only means the condition was true at some moment. By "
        "the time the woken thread gets the lock back, another consumer may have taken "
        "the item. With `if`, it pops anyway and crashes with IndexError; with `while` "
        "it would check again and wait again.\n\n"
        "notify_all() wakes every waiting consumer for each single item, which makes the "
        "bad order easy to reach."
    ),
    look_for=(
        "Two consumers wait on ready; P appends one item and calls notify_all().",
        "One consumer takes the item; the other pops an empty list and dies of IndexError.",
    ),
    talking_point="Why is Condition.wait() always called in a while loop?",
    params=(Param("consumers", "int", 2, "Consumers (and items produced).", 2, 4),),
    modes=(Mode.CONTROLLED,),
    goals=(Goal.ANY_FAILURE,),
    fixed_by="condition",
)
