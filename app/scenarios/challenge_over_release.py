"""The over-release challenge's page: its program is ``programs/challenge_over_release.py``."""

from app.contract import Goal, Mode
from app.scenarios.registry import Scenario

ABOUT = Scenario(
    id="over-release",
    module=__name__,
    program="challenge_over_release.py",
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
