from app.instrument import RLock, Shared, Thread


def main() -> None:
    lock = RLock(name="account_lock")
    balance = Shared("balance", 100)

    def withdraw(amount: int) -> None:
        if not lock.acquire(blocking=False):
            return  # busy: try again later
        if balance.value < amount:
            return  # BUG: this early return forgets lock.release()
        balance.value = balance.value - amount
        lock.release()

    def audit() -> None:
        with lock:  # waits for the lock … forever, if a withdraw kept it
            print("audit: balance is", balance.value)

    threads = [
        Thread(target=withdraw, args=(80,), name="T1"),
        Thread(target=withdraw, args=(80,), name="T2"),
        Thread(target=audit, name="auditor"),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# ---- about this scenario (metadata for the page; not part of the demo) ----
from app.contract import Goal, Mode  # noqa: E402
from app.scenarios.registry import Scenario  # noqa: E402

ABOUT = Scenario(
    id="forgotten-release",
    module=__name__,
    title="Challenge: the lock nobody releases",
    group="Challenges",
    concept="an early return that skips release() deadlocks later",
    summary="Two withdrawals and an audit share an RLock; one code path forgets to "
    "release it. Find the order that hangs the auditor.",
    explanation=(
        "withdraw() tries the lock without waiting. If the balance is too low it returns "
        "early — and never releases the lock. The thread ends, but the lock stays held "
        "by a dead thread, so the auditor waits for it forever.\n\n"
        "Only some orders reach the bad path: the second withdrawal must get the lock "
        "after the first one has spent the money. The fix is `with lock:` (or "
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
