import sys

from app.instrument import Shared, Thread


def main(threads: int = 4, iterations: int = 1000, switch_interval_us: int = 100) -> None:
    # CPython lets a thread run for a whole time slice (5 ms by default) before it
    # switches; a short slice makes the unlucky switch below happen in seconds.
    sys.setswitchinterval(switch_interval_us / 1_000_000)
    counter = Shared("counter", 0)

    def work() -> None:
        for _ in range(iterations):
            value = counter.value  # read …
            counter.value = value + 1  # … then write: another thread may run in between

    workers = [Thread(target=work, name=f"T{i + 1}") for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(f"expected {threads * iterations}, got {counter.value}")


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.contract import Goal  # noqa: E402
from app.scenarios.registry import Param, Scenario  # noqa: E402

ABOUT = Scenario(
    id="race",
    module=__name__,
    title="Race condition: lost updates",
    group="Synchronisation",
    concept="race condition on read-modify-write",
    summary="Several threads add 1 to a shared counter without a lock, and updates vanish.",
    explanation=(
        "Each thread reads the counter, adds one, and writes it back. If another thread "
        "runs between the read and the write, both write the same value and one increment "
        "is lost.\n\n"
        "CPython only switches threads every sys.getswitchinterval() seconds (5 ms by "
        "default), so a short loop usually finishes inside one time slice and never "
        "tears. This demo splits the read and the write into two statements and shortens "
        "the switch interval (the switch_interval_us parameter) so that the race shows "
        "in seconds instead of hours. Nothing else is staged: the lost updates are real."
    ),
    look_for=(
        "Two threads read the same value of counter, then both write value + 1.",
        "The final counter is below threads × iterations; the verdict counts the loss.",
        "Set switch_interval_us to 5000 (CPython's default) and the loss mostly disappears.",
    ),
    talking_point="Is `x += 1` atomic in Python? No: it is a read, an add and a write.",
    params=(
        Param("threads", "int", 4, "Threads incrementing the counter.", 1, 16),
        Param("iterations", "int", 1000, "Increments per thread.", 1, 100_000),
        Param(
            "switch_interval_us",
            "int",
            100,
            "CPython's thread switch interval, in microseconds (default 5000).",
            1,
            5000,
        ),
    ),
    goals=(Goal.LOST_UPDATE,),
    fixed_by="race-locked",
)
