"""A controlled step against the cheapest possible thread switch, side by side.

    python bench/baton.py [--rounds 5]

Baseline: two plain threads pass a baton back and forth through two real locks (each
hand-off wakes the other thread and parks this one: the least a switch between two
threads can cost).  Measured: the rewritten `race` program (two threads, `counter += 1`)
under the controlled scheduler with round robin, where every scheduling point hands the
baton to the other thread.  Printed: time per hand-off, time per step, and their ratio
(the aim: a step costs at most 2× a bare hand-off).  Best of --rounds for each, taken in
alternation so both see the same machine load.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.contract import Policy
from app.worker.trial import run_trial

HANDOFFS = 20_000


def bare_handoff(n: int = HANDOFFS) -> float:
    """Seconds per hand-off of a baton between two plain threads."""
    mine, theirs = threading.Lock(), threading.Lock()
    mine.acquire()
    theirs.acquire()

    def other() -> None:
        for _ in range(n):
            theirs.acquire()
            mine.release()

    thread = threading.Thread(target=other)
    thread.start()
    start = time.perf_counter()
    for _ in range(n):
        theirs.release()
        mine.acquire()
    elapsed = time.perf_counter() - start
    thread.join()
    return elapsed / (2 * n)


def controlled_step(switch_interval_us: int, iterations: int = 2000) -> float:
    """Seconds per scheduling point of the race program, round robin, 2 threads, with
    the switch interval the program sets (its default is 100 µs: it matters even under
    the controlled scheduler, where a woken thread waits for the GIL)."""
    params = {"threads": 2, "iterations": iterations, "switch_interval_us": switch_interval_us}
    start = time.perf_counter()
    result = run_trial("race", params, 0, Policy.ROUND_ROBIN, timeout=120)
    elapsed = time.perf_counter() - start
    return elapsed / int(result.facts["steps"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    handoff = step = default_step = float("inf")
    for _ in range(rounds):
        handoff = min(handoff, bare_handoff())
        step = min(step, controlled_step(100))
        default_step = min(default_step, controlled_step(5000))
    print(f"bare hand-off between two threads:      {handoff * 1e6:8.2f} µs")
    print(f"controlled step of `race` (100 µs):     {step * 1e6:8.2f} µs")
    print(f"controlled step of `race` (5 ms):       {default_step * 1e6:8.2f} µs")
    print(f"ratio step / hand-off, race's default:  {step / handoff:8.2f}×  (aim ≤ 2×)")
    print(f"ratio at CPython's switch interval:     {default_step / handoff:8.2f}×")


if __name__ == "__main__":
    main()
