import threading


def main():
    lock = threading.Lock()  # a plain lock: invisible to the tracer and the scheduler
    lock.acquire()
    lock.acquire()  # self-deadlock, forever


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.scenarios.registry import Scenario  # noqa: E402

ABOUT = Scenario(
    id="test-plain-lock",
    module=__name__,
    title="Test: deadlock on a plain threading.Lock",
    group="Tests",
    concept="a deadlock outside traced primitives",
    summary="Re-acquires a plain threading.Lock, which no watchdog can see.",
    explanation="Only the wall-time limit (free) or the stall watchdog (controlled) ends it.",
    look_for=(),
)
