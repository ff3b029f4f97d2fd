from app.instrument import BoundedSemaphore, Shared, Thread


def main() -> None:
    pool = BoundedSemaphore(1, name="pool")
    stuck = Shared("stuck", False)

    def worker() -> None:
        pool.acquire()
        stuck.value = True  # "I might be slow"
        stuck.value = False
        pool.release()

    def reaper() -> None:
        if stuck.value:  # looks stuck: release its slot for it …
            pool.release()  # … but the worker will release it too

    threads = [Thread(target=worker, name="worker"), Thread(target=reaper, name="reaper")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.contract import Goal, Mode  # noqa: E402
from app.scenarios.registry import Scenario  # noqa: E402

ABOUT = Scenario(
    id="over-release",
    module=__name__,
    title="Challenge: released twice",
    group="Challenges",
    concept="BoundedSemaphore catches a release too many",
    summary="A reaper releases a slot on behalf of a worker that looks stuck. Find the "
    "order where the pool is released twice.",
    explanation=(
        "Only the thread that acquired a permit should release it. Here a reaper "
        "'helps' a worker that looks stuck. If it looks at the right moment, the permit "
        "is released twice; a BoundedSemaphore notices and raises ValueError, where a "
        "plain Semaphore would silently let two threads in next time."
    ),
    look_for=(
        "reaper reads stuck = True while the worker holds pool.",
        "The worker's own release then raises ValueError: released too many times.",
    ),
    talking_point="Why use BoundedSemaphore rather than Semaphore?",
    modes=(Mode.CONTROLLED,),
    goals=(Goal.ANY_FAILURE,),
    fixed_by="bounded-semaphore",
)
