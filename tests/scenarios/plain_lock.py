"""A test scenario's page: its program is ``programs/plain_lock.py``."""

from app.scenarios.registry import Scenario

ABOUT = Scenario(
    id="test-plain-lock",
    module=__name__,
    program="plain_lock.py",
    title="Test: deadlock on a plain _thread lock",
    group="Tests",
    concept="a deadlock outside traced primitives",
    summary="Re-acquires a plain _thread lock, which no watchdog can see.",
    explanation="Only the wall-time limit (free) or the stall watchdog (controlled) ends it.",
    look_for=(),
)
