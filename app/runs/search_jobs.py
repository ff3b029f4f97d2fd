""" "Break it" searches: one search worker per search, runs created from what it finds.

    start() ──▶ search worker (``python -m app.worker.searcher``) tries seeds in-process
                   │ {"msg": "progress"} ──▶ tries
                   ▼ {"msg": "done"}
               found ──▶ RunManager.submit(controlled, seed, policy) ──▶ search.run_id

A search past ``search_time`` seconds is killed and answers "not found" with a message;
so is one whose process tree passes the memory budget of a run (``tree_memory_mib``).
At most ``max_searches`` run at once; past that, QueueFull (429).  The search worker is
behind the same ``WorkerProcess`` handle as every run, so it dies with its group.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from app.contract import OWN_CODE, Goal, Mode, Policy, SearchPolicy, SearchState
from app.errors import InvalidRequest, NotFound, QueueFull, ThreadlabError
from app.runs.compile_check import PROGRAM_FILE
from app.runs.manager import RunManager, check_scenario
from app.runs.memory_guard import MemoryGuard
from app.runs.process import WorkerProcess, worker
from app.scenarios import registry
from app.settings import Settings
from app.worker.limits import tree_budget
from app.worker.protocol import DONE, PROGRESS

logger = logging.getLogger(__name__)

SEARCHER = "app.worker.searcher"  # the search worker's module
KEEP_SEARCHES = 100  # ended searches remembered, newest first


@dataclass
class Search:
    scenario: str
    params: dict[str, Any]
    goal: Goal
    policy: SearchPolicy
    budget: int
    options: dict[str, Any] = field(default_factory=dict)
    source: str | None = field(default=None, repr=False)  # someone's own program
    id: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    status: SearchState = SearchState.RUNNING
    tries: int = 0
    found: bool = False
    seed: int | None = None
    found_policy: Policy | None = None
    run_id: str | None = None
    passed: dict[str, Any] | None = None  # a try that did not reach the goal: seed, policy…
    verdict: dict[str, Any] | None = None
    message: str | None = None
    created: float = field(default_factory=time.time)

    def public(self) -> dict[str, Any]:
        run = None
        if self.run_id is not None:
            run = {
                "id": self.run_id,
                "links": {"self": f"/api/runs/{self.run_id}", "page": f"/runs/{self.run_id}"},
            }
        return {
            "id": self.id,
            "scenario": self.scenario,
            "source": self.source,
            "params": self.params,
            "goal": self.goal,
            "policy": self.policy,
            "budget": self.budget,
            "status": self.status,
            "tries": self.tries,
            "found": self.found,
            "seed": self.seed,
            "found_policy": self.found_policy,
            "passed": self.passed,
            "verdict": self.verdict,
            "run": run,
            "message": self.message,
            "links": {"self": f"/api/search/{self.id}"},
        }


class SearchManager:
    def __init__(self, settings: Settings, runs: RunManager) -> None:
        self.settings = settings
        self.runs = runs
        self._searches: dict[str, Search] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def start(
        self,
        scenario: str,
        params: dict[str, Any] | None,
        goal: str,
        policy: str,
        budget: int,
        source: str | None = None,
    ) -> Search:
        """Start a search; InvalidRequest for an unknown goal or policy, QueueFull past
        ``max_searches``.  With ``source`` (compiled already): someone's own program."""
        if source is None:
            checked = check_scenario(scenario, params, Mode.CONTROLLED)
        else:
            scenario, checked = OWN_CODE, {}
        if goal not in tuple(Goal):
            raise InvalidRequest(f"Unknown goal {goal!r}; choose one of {', '.join(Goal)}.")
        if policy not in tuple(SearchPolicy):
            choices = ", ".join(SearchPolicy)
            raise InvalidRequest(f"Unknown search policy {policy!r}; choose one of {choices}.")
        if len(self._tasks) >= self.settings.max_searches:
            raise QueueFull(
                f"{len(self._tasks)} searches are already running; try again when one ends.",
                5,
            )
        # A scenario may need options to break at all (plus-equals: bytecode steps); the
        # search and the run it links use the same ones.
        options = {}
        if source is None:
            options = dict(registry.get(scenario).extra.get("options", {}))
        search = Search(
            scenario, checked, Goal(goal), SearchPolicy(policy), budget, options, source
        )
        self._searches[search.id] = search
        self._tasks[search.id] = asyncio.create_task(
            self._drive(search), name=f"search {search.id}"
        )
        self._forget_old()
        return search

    def get(self, search_id: str) -> Search:
        try:
            return self._searches[search_id]
        except KeyError:
            raise NotFound(f"Search '{search_id}' not found.") from None

    async def stop(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=2)

    async def _drive(self, search: Search) -> None:
        process = worker(self.settings.worker_python, SEARCHER)
        program: dict[str, Any] = (
            {"scenario": search.scenario, "params": search.params}
            if search.source is None
            else {"source": search.source, "filename": PROGRAM_FILE}
        )
        spec = {
            **program,
            "goal": search.goal,
            "policy": search.policy,
            "budget": search.budget,
            "options": search.options,
            # The searcher tries first_seed, first_seed + 1, …: all valid seeds (SEED).
            "first_seed": secrets.randbelow(2**31),
            # The process's own limits (app/worker/limits.py), for the whole search.
            "limits": {
                "wall_time": self.settings.search_time,
                "max_threads": self.settings.max_threads,
            },
        }
        # Its tries run the program, children included: the same budget as a run's.
        budget = tree_budget(self.settings.max_threads, self.settings.tree_memory_mib)
        memory = MemoryGuard(process, budget)
        guard: asyncio.Task[None] | None = None
        try:
            await process.start()
            guard = asyncio.create_task(memory.watch())
            await process.send((json.dumps(spec) + "\n").encode())
            async with asyncio.timeout(self.settings.search_time):
                await self._follow(search, process)
        except TimeoutError:
            search.message = (
                f"The search stopped at its time limit ({self.settings.search_time:g} s) "
                f"after {search.tries} tries."
            )
        except Exception as exc:  # a broken search fails itself, never the server
            logger.exception("Search %s failed", search.id)
            search.message = f"The search failed: {exc!r}."
        finally:
            if guard is not None:
                guard.cancel()
            search.message = memory.message("search") or search.message
            search.status = SearchState.DONE
            self._tasks.pop(search.id, None)
            with contextlib.suppress(Exception):
                await process.close()

    async def _follow(self, search: Search, process: WorkerProcess) -> None:
        while line := await process.readline():
            msg = json.loads(line)
            if msg.get("msg") == PROGRESS:
                search.tries = int(msg.get("tries", search.tries))
            elif msg.get("msg") == DONE:
                await self._done(search, msg)
                return
        tail = process.stderr_tail[-300:]
        search.message = f"The search worker exited without an answer. {tail}".strip()

    async def _done(self, search: Search, msg: dict[str, Any]) -> None:
        search.tries = int(msg.get("tries", search.tries))
        search.message = msg.get("message")
        if not msg.get("found"):
            return
        search.found, search.seed = True, int(msg["seed"])
        search.found_policy, search.verdict = Policy(msg["policy"]), msg.get("verdict")
        if isinstance(msg.get("options"), dict):  # e.g. PCT's step estimate of that try
            search.options = msg["options"]
        passed = msg.get("passed")
        if isinstance(passed, dict) and passed.get("policy") in tuple(Policy):
            search.passed = {
                "seed": int(passed["seed"]),
                "policy": Policy(passed["policy"]),
                "options": dict(passed.get("options") or {}),
            }
        try:
            run = self.runs.submit(
                search.scenario,
                search.params,
                Mode.CONTROLLED,
                search.seed,
                search.found_policy,
                search.options,
                search.source,
            )
            search.run_id = run.id
        except ThreadlabError as exc:  # e.g. the run queue is full: the seed still stands
            search.message = f"Found seed {search.seed}, but its run could not start: {exc}"

    def _forget_old(self) -> None:
        done = [s for s in self._searches.values() if s.status == SearchState.DONE]
        for old in sorted(done, key=lambda s: s.created)[: max(0, len(done) - KEEP_SEARCHES)]:
            del self._searches[old.id]
