from app.instrument import Shared, Thread


def main(customers: int = 2) -> None:
    seats = Shared("seats", 1)
    sold = Shared("sold", 0)

    def book() -> None:
        if seats.value > 0:  # check …
            seats.value = seats.value - 1  # … then act: the check may be stale by now
            sold.value = sold.value + 1

    threads = [Thread(target=book, name=f"customer{i + 1}") for i in range(customers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.contract import Goal, Mode  # noqa: E402
from app.scenarios.registry import Param, Scenario  # noqa: E402

ABOUT = Scenario(
    id="check-then-act",
    module=__name__,
    title="Challenge: the last seat, sold twice",
    group="Challenges",
    concept="check-then-act races",
    summary="One seat left, two customers. Find the order that sells it twice.",
    explanation=(
        "Each customer checks that a seat is left, then takes it. Between the check and "
        "the act another customer may check too: both see one seat, both book, and seats "
        "goes negative.\n\n"
        "The check and the act must be one atomic step: hold a lock across both."
    ),
    look_for=(
        "Both customers read seats = 1 before either writes.",
        "sold ends at 2 for a single seat; seats ends below zero.",
    ),
    talking_point="What is a check-then-act race, and how do you fix it?",
    params=(Param("customers", "int", 2, "Customers trying to book.", 2, 6),),
    modes=(Mode.CONTROLLED,),
    goals=(Goal.ANY_FAILURE,),
    fixed_by="race-locked",
)
