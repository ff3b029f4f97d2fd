"""The free-threaded scenario's page: its program is ``programs/free_threaded.py``."""

from app.contract import Mode
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="free-threaded",
    module=__name__,
    program="free_threaded.py",
    title="Free-threaded Python (no GIL)",
    group="The GIL and the alternatives",
    concept="PEP 703: CPython without the GIL",
    summary="Which interpreter runs the scenarios, does it have a GIL, and do CPU-bound "
    "threads run in parallel on it?",
    explanation=(
        "Since Python 3.13, CPython comes in a second build, free-threaded (PEP 703), "
        "usually installed as python3.13t: it has no GIL, so threads can execute "
        "Python bytecode on several cores at the same time. sysconfig's Py_GIL_DISABLED "
        "tells which build runs, and sys._is_gil_enabled() whether the GIL is really off "
        "(an extension module that is not ready for it switches it back on).\n\n"
        "This scenario reports both, shows the GIL lane over a short untimed warm-up "
        "(with the GIL, the threads hand it over; without it, they execute at the same "
        "time), then times the same CPU-bound work one task after another and in threads. "
        "With the GIL, the threads take about as long as "
        "sequential. Without it, they approach a speed-up of the number of cores. "
        "Single-threaded code runs a little slower on the free-threaded build, and code "
        "that was only safe because of the GIL may now race: the locks of the earlier "
        "scenarios matter more, not less.\n\n"
        "To try it, install a free-threaded Python (3.13t or later) and start Threadlab "
        "with THREADLAB_WORKER_PYTHON=python3.13t: the scenarios run under it, as the "
        "worker uses nothing outside the standard library."
    ),
    look_for=(
        "The first lines printed: the interpreter, its build and whether the GIL is on.",
        "The GIL lane over the warm-up: with the GIL, one thread at a time holds it; "
        "without, every thread executing runs at once.",
        "With the GIL: threads ≈ sequential. Without: threads much faster.",
    ),
    talking_point="Is the GIL going away? It is optional from Python 3.13 (PEP 703, "
    "free-threaded builds), and becomes supported in 3.14 (PEP 779).",
    params=(
        Param("threads", "int", 4, "Threads (and tasks).", 1, 16),
        Param("millions", "int", 5, "Millions of loop steps per task.", 1, 50),
        Param("rounds", "int", 2, "Times each variant runs (the best counts).", 1, 5),
    ),
    modes=(Mode.FREE,),
    # The GIL lane measures the untimed warm-up, until the program prints "timed rounds";
    # the rounds run without its tracer (app/instrument/gil.py), timed like with like.
    extra={"gil_lane": "timed rounds"},
)
