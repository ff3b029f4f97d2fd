"""Controlled scheduler benchmarks (issue 4).

    python bench/scheduler.py [--seeds 1000]

1. Scheduling points per second: `race` with 4 threads under each policy, and at
   bytecode granularity with 2 threads (wall time of the whole trial, in this process).
2. Random vs PCT vs mixed: the share of seeds that reach the goal (deadlock in
   `deadlock` and `dining-philosophers`, a lost update in `race`), and the median number
   of tries "Break it" needs, for each.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.analysis import conclude
from app.analysis.goals import reached
from app.scenarios import registry
from app.worker.searcher import policy_for
from app.worker.trial import run_trial

ROOT = Path(__file__).resolve().parent.parent
GOALS = [
    ("race", {"threads": 2, "iterations": 3}, "lost_update"),
    ("deadlock", {"pause": 0}, "deadlock"),
    ("dining-philosophers", {"reach": 0}, "deadlock"),
]


def steps_per_second() -> None:
    print("scheduling points per second (race, controlled):")
    cases = [
        ("random, 4 threads", 4, "random", {}),
        ("round_robin, 4 threads", 4, "round_robin", {}),
        ("pct, 4 threads", 4, "pct", {}),
        ("random, bytecode, 2 threads", 2, "random", {"granularity": "bytecode"}),
    ]
    for label, threads, policy, options in cases:
        params = {"threads": threads, "iterations": 2000}
        best = 0.0
        for seed in range(3):
            start = time.perf_counter()
            result = run_trial("race", params, seed, policy, options, timeout=60)
            elapsed = time.perf_counter() - start
            best = max(best, result.facts["steps"] / elapsed)
        print(f"  {label:32s} {best:>10,.0f} steps/s")


def _steps(scenario: str, params: dict) -> int:
    """Scheduling points of a typical run: PCT's k, as the search estimates it."""
    return int(run_trial(scenario, params, 0, "random").facts["steps"])


def _search_tries(scenario: str, params: dict, goal: str, policy: str, first: int) -> int:
    """Tries a real search worker (a fresh process, as the server runs it) needs."""
    spec = {
        "scenario": scenario,
        "params": params,
        "goal": goal,
        "policy": policy,
        "budget": 500,
        "first_seed": first,
    }
    done = subprocess.run(
        [sys.executable, "-m", "app.worker.searcher"],
        input=json.dumps(spec) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    return answer["tries"] if answer["found"] else 500


def hit_rates(seeds: int) -> None:
    known = {s.id for s in registry.scenarios()}
    print(f"\nshare of seeds reaching the goal (of {seeds}), and median tries of search")
    print("(20 searches, budget 500; 500 = not found):")
    for scenario, params, goal in GOALS:
        if scenario not in known:
            print(f"  {scenario}: not in the registry, skipped")
            continue
        k = _steps(scenario, params)
        for policy in ("random", "pct", "mixed"):
            hits = []
            for attempt in range(seeds):
                used = policy_for(policy, attempt)
                options = {"pct_steps": k} if used == "pct" else {}
                trial = run_trial(scenario, params, attempt, used, options)
                verdict = conclude(scenario, params, trial.events, trial.status).verdict
                hits.append(reached(goal, trial.status, verdict))
            tries = [_search_tries(scenario, params, goal, policy, 1000 * i) for i in range(20)]
            share = 100 * sum(hits) / seeds
            print(
                f"  {scenario:20s} {policy:7s} {share:5.1f}% of seeds, "
                f"median tries {statistics.median(tries):g}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1000)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}")
    steps_per_second()
    hit_rates(args.seeds)


if __name__ == "__main__":
    main()
