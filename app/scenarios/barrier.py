"""The barrier scenario's page: its program is ``programs/barrier.py``."""

from app.scenarios.registry import Param, Scenario

ABOUT = Scenario(
    id="barrier",
    module=__name__,
    program="barrier.py",
    title="Barrier: meet, then go on together",
    group="Synchronisation",
    concept="Barrier phases, abort and BrokenBarrierError",
    summary="Threads of different speeds meet at a Barrier after each phase; in the last "
    "phase one aborts and the others get BrokenBarrierError.",
    explanation=(
        "A Barrier for N threads makes each arriving thread wait until all N have "
        "arrived; then all of them are released together and the barrier resets for "
        "the next round. It keeps phases in step: nobody starts phase 2 before everyone "
        "has finished phase 1, however fast each is.\n\n"
        "If one thread cannot come — it failed, or a wait timed out — it calls abort(). "
        "The barrier is then broken: every thread waiting at it, and every later "
        "arrival, gets BrokenBarrierError instead of waiting forever for someone who "
        "will never arrive."
    ),
    look_for=(
        "Fast threads are Blocked at the barrier until the slowest arrives.",
        "Each phase ends with one release that wakes everyone waiting.",
        "In abort_phase the slowest thread aborts: the threads waiting for it wake with "
        "BrokenBarrierError.",
    ),
    talking_point="How do you stop a barrier from hanging when a thread dies? abort() it "
    "(or give wait a timeout): the others get BrokenBarrierError.",
    params=(
        Param("threads", "int", 3, "Threads (and the barrier's parties).", 2, 12),
        Param("phases", "int", 3, "Phases of work.", 1, 20),
        Param("abort_phase", "int", 3, "Phase in which T1 aborts (0: never).", 0, 20),
    ),
)
