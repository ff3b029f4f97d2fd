from app.instrument import Semaphore, Thread, io


def main(workers: int = 10, connections: int = 3, query: float = 0.1) -> None:
    pool = Semaphore(connections, name="pool")  # one permit per database connection

    def run_query(i: int) -> None:
        with pool:  # takes a permit; waits while all of them are taken
            io(query, f"SELECT … (request {i})")
        # leaving the with-block gives the permit back and wakes one waiting worker

    threads = [Thread(target=run_query, args=(i,), name=f"W{i}") for i in range(1, workers + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.scenarios.registry import Param, Scenario  # noqa: E402

ABOUT = Scenario(
    id="semaphore",
    module=__name__,
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
