""" "Break it": try seeds until one reaches a goal (standard library only).

    python -m app.worker.searcher     spec on stdin, messages on stdout

Spec: {"scenario", "params", "goal": a ``contract.Goal``, "policy": a
``contract.SearchPolicy``, "budget": tries, "options", "first_seed": int, "limits"} — or, for
someone's own program, "source" and "filename" in place of "scenario" and "params".
Messages, one JSON object a line: {"msg": "progress", "tries", "budget"} now and then, and last
{"msg": "done", "found": bool, "seed", "policy", "tries", "options", "verdict",
"message", "passed": the seed, policy and options of the last try that did not reach
the goal, or null}.

All tries run in this one process (``trial.py``).  ``SearchPolicy.MIXED`` alternates
seeded random and PCT: random finds small lock-order deadlocks and lost updates most
often, PCT the ordering bugs with a long gap that random almost never hits.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import partial
from typing import Any

from app.analysis import conclude
from app.analysis.goals import reached
from app.contract import OWN_CODE, Policy, SearchPolicy
from app.scenarios import registry
from app.worker.limits import apply as apply_limits
from app.worker.program import load_source
from app.worker.protocol import DONE, PROGRESS, encode_message, take_stdin, take_stdout
from app.worker.trial import TrialResult, run_controlled, run_trial

PROGRESS_EVERY = 10
MIN_PCT_STEPS = 50  # PCT's first estimate of a run's length, before a try has shown it


def policy_for(policy: str, attempt: int) -> str:
    """The run policy of try number ``attempt`` (from 0) of a search with ``policy``."""
    if policy == SearchPolicy.MIXED:
        return Policy.RANDOM if attempt % 2 == 0 else Policy.PCT
    return policy


def search(spec: dict[str, Any], report: Callable[[int], None]) -> dict[str, Any]:
    goal, budget = spec["goal"], int(spec["budget"])
    params: dict[str, Any] = {}
    if spec.get("source") is not None:  # every try executes the program from scratch
        program, scenario = load_source(spec["source"], spec["filename"]), OWN_CODE
        trial_of: Callable[..., TrialResult] = partial(run_controlled, program, params)
    else:
        scenario = spec["scenario"]
        params = registry.get(scenario).validate(spec["params"])  # verdicts need all
        trial_of = partial(run_trial, scenario, params)
    first_seed = int(spec.get("first_seed", 0))
    steps_seen = 0
    passed: dict[str, Any] | None = None  # the last try that did not reach the goal
    for attempt in range(budget):
        seed, policy = first_seed + attempt, policy_for(spec["policy"], attempt)
        options = dict(spec.get("options") or {})
        if policy == Policy.PCT:
            options["pct_steps"] = max(steps_seen, MIN_PCT_STEPS)
        trial = trial_of(seed, policy, options)
        steps_seen = max(steps_seen, int(trial.facts.get("steps", 0)))
        verdict = conclude(scenario, params, trial.events, trial.status).verdict
        if reached(goal, trial.status, verdict):
            return {
                "found": True,
                "seed": seed,
                "policy": policy,
                "tries": attempt + 1,
                "options": options,  # the run that shows it needs the very same ones
                "verdict": verdict,
                "message": None,
                "passed": passed,  # to show beside it: where did the schedules part?
            }
        passed = {"seed": seed, "policy": policy, "options": options}
        if (attempt + 1) % PROGRESS_EVERY == 0:
            report(attempt + 1)
    return _not_found(budget, None)


def _not_found(tries: int, message: str | None) -> dict[str, Any]:
    return {
        "found": False,
        "seed": None,
        "policy": None,
        "tries": tries,
        "options": None,
        "verdict": None,
        "message": message,
        "passed": None,
    }


def main() -> None:
    out = take_stdout()  # nothing but protocol lines on the pipe
    spec = json.loads(take_stdin().readline())  # a program's input() reads nothing
    apply_limits(spec.get("limits"))  # its tries run someone's code: as a run's worker

    def report(tries: int) -> None:
        out.write(encode_message(PROGRESS, tries=tries, budget=spec["budget"]))

    try:
        result = search(spec, report)
    except Exception as exc:
        result = _not_found(0, f"The search failed: {type(exc).__name__}: {exc}")
    out.write(encode_message(DONE, **result))
    os._exit(0)


if __name__ == "__main__":
    main()
