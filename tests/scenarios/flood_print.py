"""A test scenario's page: its program is ``programs/flood_print.py``."""

from app.scenarios.registry import Scenario

ABOUT = Scenario(
    id="test-flood-print",
    module=__name__,
    program="flood_print.py",
    title="Test: prints a flood",
    group="Tests",
    concept="endless output",
    summary="Prints lines as fast as it can, forever.",
    explanation="Only the event limit ends it.",
    look_for=(),
)
