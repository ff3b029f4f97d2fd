"""A test scenario's page: its program is ``programs/spin.py``."""

from app.scenarios.registry import Scenario

ABOUT = Scenario(
    id="test-spin",
    module=__name__,
    program="spin.py",
    title="Test: spins forever",
    group="Tests",
    concept="an endless loop",
    summary="Never ends and never calls a traced primitive.",
    explanation="Only the wall-time limit (free) or the stall watchdog (controlled) ends it.",
    look_for=(),
)
