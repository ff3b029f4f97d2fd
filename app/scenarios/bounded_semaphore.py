"""The bounded-semaphore scenario's page: its program is ``programs/bounded_semaphore.py``."""

from app.contract import Goal
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="bounded-semaphore",
    module=__name__,
    program="bounded_semaphore.py",
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
