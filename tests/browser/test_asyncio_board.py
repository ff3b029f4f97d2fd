"""asyncio tasks as lanes in real Chromium: a program of tasks, one of which blocks the
loop with ``time.sleep``, run through the API and opened on its run page; the board
draws each task as a token of its own (marked a task), the library's pool thread
quieter, and the verdict names the task that blocked the loop.  Waits on the page's
state, never on time.

Screenshots: ``test-artifacts/asyncio-lanes-1280x720.png`` (the verdict and the board),
``asyncio-lanes-timeline-1280x720.png`` (the task lanes under the loop's thread).
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.browser.lazy import expect
from tests.browser.test_visualizer import events

pytestmark = pytest.mark.timeout(120)

PROGRAM = """\
import asyncio
import time


async def ticker():
    for _ in range(3):
        await asyncio.sleep(0.01)


async def sleepy():
    await asyncio.sleep(0.001)
    time.sleep(0.05)


async def offload():
    await asyncio.to_thread(time.sleep, 0.001)


async def main():
    await asyncio.gather(ticker(), sleepy(), offload())


asyncio.run(main())
"""


def test_tasks_are_lanes_and_the_blocking_one_is_named(page: Any, live_url: str, shot: Any) -> None:
    answer = httpx.post(f"{live_url}/api/runs", json={"source": PROGRAM}, timeout=10)
    assert answer.status_code in (200, 201, 202), answer.text
    run_id = answer.json()["id"]
    page.goto(f"/runs/{run_id}")
    stage = page.locator("[data-role=stage]")
    expect(stage).to_have_attribute("data-stream", "ended", timeout=30_000)
    log = events(live_url, run_id)
    page.keyboard.press("End")
    expect(stage).to_have_attribute("data-played", str(len(log)))
    for task in ("Task-1", "Task-2", "Task-3", "Task-4"):
        token = page.locator(f".token[data-thread='{task}']")
        expect(token).to_have_class(has_class("is-task"))
    expect(page.locator(".token[data-thread='MainThread']")).not_to_have_class(has_class("is-task"))
    expect(page.locator(".token[data-thread='asyncio_0']")).to_have_class(has_class("is-internal"))
    verdict = page.locator(".verdict")
    expect(verdict).to_contain_text("Task-3 (sleepy) blocked the event loop")
    verdict.scroll_into_view_if_needed()
    shot(page, "asyncio-lanes-1280x720")
    timeline = page.locator(".timeline-card canvas").first
    timeline.scroll_into_view_if_needed()
    shot(page, "asyncio-lanes-timeline-1280x720")


def has_class(name: str) -> re.Pattern[str]:
    """A class list that contains ``name``, for ``to_have_class``."""
    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")
