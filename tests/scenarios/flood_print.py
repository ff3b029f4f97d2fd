def main():
    while True:  # every line is an ``output`` event: only the event limit ends it
        print("flood")


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.scenarios.registry import Scenario  # noqa: E402

ABOUT = Scenario(
    id="test-flood-print",
    module=__name__,
    title="Test: prints a flood",
    group="Tests",
    concept="endless output",
    summary="Prints lines as fast as it can, forever.",
    explanation="Only the event limit ends it.",
    look_for=(),
)
