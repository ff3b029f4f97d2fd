def main():
    n = 0
    while True:  # computes forever, no traced operation
        n += 1


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.scenarios.registry import Scenario  # noqa: E402

ABOUT = Scenario(
    id="test-spin",
    module=__name__,
    title="Test: spins forever",
    group="Tests",
    concept="an endless loop",
    summary="Never ends and never calls a traced primitive.",
    explanation="Only the wall-time limit (free) or the stall watchdog (controlled) ends it.",
    look_for=(),
)
