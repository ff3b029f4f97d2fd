"""The race scenario's page: its program is ``programs/race.py``."""

from app.contract import Goal
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="race",
    module=__name__,
    program="race.py",
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
        "tears. This demo shortens the switch interval (the switch_interval_us "
        "parameter) so that the race shows in seconds instead of hours. Tracing makes it "
        "likelier still: recording each read and write of counter takes time, so a "
        "switch lands between them more often than in the plain program. Run the copied "
        "file with python3: on CPython 3.11 a bare counter += 1 seldom tears at all, "
        "because the interpreter only switches threads at calls and at the end of a "
        "loop's body — yet it is still not atomic, and a function call inside it (or "
        "another Python version) brings the loss back. Nothing else is staged: the lost "
        "updates here are real."
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
