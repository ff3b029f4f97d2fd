"""The forgotten-release challenge's page: its program is
``programs/challenge_forgotten_release.py``."""

from app.contract import Goal, Mode
from app.scenarios.registry import Scenario

ABOUT = Scenario(
    id="forgotten-release",
    module=__name__,
    program="challenge_forgotten_release.py",
    title="Challenge: the lock nobody releases",
    group="Challenges",
    concept="an early return that skips release() deadlocks later",
    summary="Two withdrawals and an audit share a Lock; one code path forgets to "
    "release it. Find the order that hangs the auditor.",
    explanation=(
        "withdraw() tries the lock without waiting. If the balance is too low it returns "
        "early — and never releases the lock. The thread ends, but the lock stays held "
        "by a dead thread, so the auditor waits for it forever.\n\n"
        "Only some orders reach the bad path: the second withdrawal must get the lock "
        "after the first one has spent the money. The fix is `with account_lock:` (or "
        "try/finally), which releases on every path."
    ),
    look_for=(
        "T1 withdraws 80; T2 then finds 20 left and returns holding account_lock.",
        "auditor blocks on account_lock, held by a thread that is already Dead.",
    ),
    talking_point="Why prefer `with lock:` over acquire()/release()?",
    modes=(Mode.CONTROLLED,),
    goals=(Goal.DEADLOCK,),
)
