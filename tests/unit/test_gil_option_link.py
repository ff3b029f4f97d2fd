"""The GIL lane's checkbox and its demo-link key (issue 12): ``gil_lane=1`` ticks the
box of a free run; a controlled link may not carry it; a GIL scenario's lane is always
on, so its page has no box; the command line's ``--gil-lane``."""

from __future__ import annotations

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi import FastAPI

from app.api import demo, pages
from app.scenarios import registry
from tests.unit.test_cli import threadlab


def link(scenario_id: str, **query: str) -> demo.DemoLink:
    scenario = registry.get(scenario_id)
    return demo.demo_link(scenario, query, pages.run_defaults(scenario))


def test_gil_lane_1_ticks_the_box_of_a_free_run() -> None:
    ticked = link("race", mode="free", gil_lane="1", autorun="1")
    assert ticked.errors == {} and ticked.autorun
    assert ticked.schedule["gil_lane"] is True
    assert link("race", mode="free").schedule["gil_lane"] is False


def test_a_bad_value_or_a_controlled_link_is_an_error_and_never_runs() -> None:
    bad = link("race", mode="free", gil_lane="maybe", autorun="1")
    assert "'gil_lane' must be 1 or 0; got 'maybe'" in bad.errors[""] and not bad.autorun
    controlled = link("race", mode="controlled", gil_lane="1", autorun="1")
    assert "'gil_lane' applies only to free mode" in controlled.errors["sched-mode"]
    assert not controlled.autorun


def page(path: str) -> str:
    """A page from an app holding only the pages router (in a thread: see test_pages)."""
    app = FastAPI()
    app.include_router(pages.router)

    async def fetch() -> str:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://pages") as client:
            return (await client.get(path)).text

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, fetch()).result()


def box(html: str) -> str | None:
    found = re.search(r'<div class="field gil-field" data-for-mode="free">.*?</div>', html, re.S)
    return found.group(0) if found else None


def test_the_box_is_drawn_checked_and_free_only() -> None:
    drawn = box(page("/scenarios/race?gil_lane=1"))
    assert drawn is not None
    assert 'data-sched="gil_lane"' in drawn and " checked" in drawn
    assert "slows pure-Python code ~10×" in drawn
    plain = box(page("/scenarios/race"))
    assert plain is not None and " checked" not in plain


def test_a_gil_scenario_has_its_own_lane_and_no_box() -> None:
    assert link("gil-cpu").schedule["own_lane"] is True
    assert link("race").schedule["own_lane"] is False
    drawn = box(page("/scenarios/gil-cpu"))
    assert drawn is not None and 'data-sched="gil_lane"' not in drawn
    assert "always shows the GIL lane" in drawn


def test_a_controlled_only_scenario_has_no_box() -> None:
    only = next(s for s in registry.scenarios() if "free" not in s.modes)
    assert box(page(f"/scenarios/{only.id}")) is None


def test_the_command_line_asks_for_the_lane_with_gil_lane() -> None:
    argv = ("run", "race", "-p", "threads=2", "-p", "iterations=20", "--json")
    traced = threadlab(*argv, "--gil-lane")
    assert traced.returncode == 0, traced.stderr
    kinds = [json.loads(line)["kind"] for line in traced.stdout.splitlines()]
    assert "gil" in kinds
    plain = threadlab(*argv)
    assert "gil" not in [json.loads(line)["kind"] for line in plain.stdout.splitlines()]
