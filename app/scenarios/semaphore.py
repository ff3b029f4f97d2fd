"""The semaphore scenario's page: its program is ``programs/semaphore.py``."""

from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="semaphore",
    module=__name__,
    program="semaphore.py",
    title="Semaphore: at most N at once",
    group="Synchronisation",
    concept="capping concurrency with a Semaphore",
    summary="Ten workers share a pool of three database connections: never more than "
    "three inside at once.",
    explanation=(
        "A Semaphore is a counter of permits. acquire() takes one, or blocks while there "
        "are none left; release() puts one back and wakes a waiting thread. With N "
        "permits, at most N threads are between acquire and release at any moment.\n\n"
        "That is how you cap concurrency: a pool of database connections, a limit on "
        "parallel downloads, a rate limit on an API. Unlike a Lock, a Semaphore does not "
        "belong to a thread; it only counts."
    ),
    look_for=(
        "pool's permits go 3, 2, 1, 0 as the first workers get in.",
        "The other workers are Blocked on pool until someone leaves.",
        "The verdict reports the most holders seen at once: never more than the limit.",
    ),
    talking_point="How would you limit a crawler to 5 concurrent requests? A "
    "Semaphore(5) around each request (or a pool of 5 workers).",
    params=(
        Param("workers", "int", 10, "Worker threads that need a connection.", 1, 40),
        Param("connections", "int", 3, "Permits in the pool.", 1, 20),
        Param("query", "float", 0.1, "Seconds each query holds its connection.", 0.0, 2.0),
    ),
)
