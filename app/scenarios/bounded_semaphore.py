from app.instrument import BoundedSemaphore, Semaphore, Thread, io


def handle_request(pool: Semaphore) -> None:
    pool.acquire()
    try:
        io(0.05, "query")
    finally:
        pool.release()
    pool.release()  # the bug: an extra release, say from a copy-pasted cleanup path


def main(connections: int = 2) -> None:
    plain = Semaphore(connections, name="plain")
    bounded = BoundedSemaphore(connections, name="bounded")
    first = Thread(target=handle_request, args=(plain,), name="with-plain")
    second = Thread(target=handle_request, args=(bounded,), name="with-bounded")
    for thread in (first, second):
        thread.start()
    for thread in (first, second):
        thread.join()
    # plain now has connections + 1 permits: one more than there are connections


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.contract import Goal  # noqa: E402
from app.scenarios.registry import Param, Scenario  # noqa: E402

ABOUT = Scenario(
    id="bounded-semaphore",
    module=__name__,
    title="BoundedSemaphore catches one release too many",
    group="Synchronisation",
    concept="BoundedSemaphore vs Semaphore",
    summary="The same buggy code releases a permit twice: a Semaphore silently grows, a "
    "BoundedSemaphore raises ValueError.",
    explanation=(
        "A Semaphore only counts, so releasing more often than acquiring is not an error: "
        "the count simply goes up. After this bug the pool believes it has one more "
        "connection than exists, and the limit it was meant to enforce is quietly gone.\n\n"
        "A BoundedSemaphore remembers its starting value and raises ValueError when a "
        "release would go above it. The bug fails loudly, where it happens, instead of "
        "causing an overload much later. When the permits stand for a fixed number of "
        "real things, use a BoundedSemaphore."
    ),
    look_for=(
        "plain goes from 2 to 1 and back to 2, then to 3: no error, one permit too many.",
        "bounded goes from 2 to 1 and back to 2; the extra release raises ValueError and "
        "with-bounded dies with it.",
    ),
    talking_point="Why use BoundedSemaphore? It turns an extra release — a silent "
    "capacity bug — into an immediate ValueError.",
    params=(Param("connections", "int", 2, "Permits each semaphore starts with.", 1, 10),),
    goals=(Goal.ANY_FAILURE,),
)
