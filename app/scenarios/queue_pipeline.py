"""The queue scenario's page: its program is ``programs/queue_pipeline.py``."""

from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="queue",
    module=__name__,
    program="queue_pipeline.py",
    title="queue.Queue: producers and consumers",
    group="Synchronisation",
    concept="a bounded, thread-safe queue: put, get, task_done, join",
    summary="Two producers and two consumers share a bounded queue: put blocks when it is "
    "full, get when it is empty, and every job is handled exactly once.",
    explanation=(
        "queue.Queue is the safest way to hand work between threads: all the locking is "
        "inside it. get() takes an item or waits while the queue is empty; with a maxsize, "
        "put() waits while it is full, so fast producers cannot run away from slow "
        "consumers (back-pressure). Each item goes to exactly one get().\n\n"
        "task_done() and join() add a second count: every put() adds an unfinished task, "
        "every task_done() removes one, and join() waits until none is left — the moment "
        "all the work is not only taken but finished. Then main sends each consumer a "
        "stop sign (None), the usual way to end consumer threads."
    ),
    look_for=(
        "Producers are Blocked on jobs (put) while it holds maxsize items.",
        "Consumers are Blocked on jobs (get) when it runs empty, at the start and the end.",
        "main's jobs.join() returns when the last task_done() brings unfinished to 0.",
        "Every job a producer put is got once, by one consumer (the verdict checks).",
    ),
    talking_point="Why prefer queue.Queue over a list and a lock? It does the locking, "
    "the waiting and the back-pressure for you, and it is hard to get wrong.",
    params=(
        Param("items", "int", 8, "Jobs each producer puts.", 1, 200),
        Param("producers", "int", 2, "Producer threads.", 1, 8),
        Param("consumers", "int", 2, "Consumer threads.", 1, 8),
        Param("maxsize", "int", 3, "Queue capacity (0: unbounded).", 0, 50),
    ),
)
