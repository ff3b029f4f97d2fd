"""The gil-cpu scenario's page: its program is ``programs/gil_cpu.py``."""

from app.contract import Mode
from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="gil-cpu",
    module=__name__,
    program="gil_cpu.py",
    title="The GIL: CPU-bound threads don't run faster",
    group="The GIL and the alternatives",
    concept="the GIL serialises Python bytecode: no speed-up for CPU-bound threads",
    summary="The same CPU-bound work one after another, in N threads and in N processes, "
    "timed on this machine right now.",
    explanation=(
        "CPython's Global Interpreter Lock (GIL) lets only one thread execute Python "
        "bytecode at a time. Threads take turns: the running one hands the GIL over "
        "every few milliseconds (sys.getswitchinterval(), 5 ms by default) or when it "
        "blocks. For pure-Python computation that means N threads take about as long as "
        "doing the work one task after another — sometimes longer, because of the "
        "hand-overs.\n\n"
        "Processes don't share a GIL: each has its own interpreter, so on a machine with "
        "several cores they really do compute in parallel. They pay for it in start-up "
        "time (measured separately here: the pool is started once, before the rounds) "
        "and in copying arguments and results between processes.\n\n"
        "The times are measured in this run, on the interpreter and machine that ran it; "
        "each variant runs several rounds and the best time counts, because other "
        "programs on the machine slow some runs down. Each task ticks its own item of the "
        "progress dict; the ticks of different threads alternate: the GIL changing hands."
    ),
    look_for=(
        "Sequential: main ticks progress['task1'] up to 10, then progress['task2'], and so on.",
        "Threads: the ticks of T1…T4 (progress['T1']…) interleave — the GIL passing from "
        "thread to thread — and the whole takes about as long as sequential.",
        "Processes: faster, up to the number of cores, once they are started.",
        "The GIL lane at the top of the timeline (the warm-up): T1 and T2 take turns "
        "holding the GIL, a slice of about one switch interval each; set switch_ms and "
        "the slices change. The timed rounds run without the lane's tracer.",
    ),
    talking_point="Why don't threads speed up CPU-bound Python code, and what do you use "
    "instead? The GIL; use multiprocessing (or a free-threaded build, or C extensions "
    "that release the GIL, such as NumPy).",
    params=(
        Param("tasks", "int", 4, "Tasks, threads and processes.", 1, 8),
        Param("millions", "int", 5, "Millions of loop steps per task.", 1, 50),
        Param("rounds", "int", 2, "Times each variant runs (the best counts).", 1, 5),
        Param("switch_ms", "float", 5.0, "sys.setswitchinterval, in ms.", 0.5, 50.0),
    ),
    modes=(Mode.FREE,),
    # The GIL lane measures the warm-up, until the program prints "timed rounds"; the
    # rounds run without its tracer, every variant at full speed (app/instrument/gil.py).
    extra={"gil_lane": "timed rounds"},
)
