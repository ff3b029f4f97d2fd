"""Stepping asyncio tasks by hand in real Chromium: a controlled run of three tasks with
the manual policy, started through the API and opened on its run page by its creator
(its control token in this browser's storage, as the page keeps it); the Step buttons
name the task lanes the loop could run next, a press runs that one, and played back
event by event the board never shows two tasks Running at once and shows them Running
in the order they were picked.  Waits on the page's state, never on time.

Screenshots: ``test-artifacts/task-stepping-manual-1280x720.png`` (the Step buttons
mid-run), ``task-stepping-board-1280x720.png`` (a picked task Running on the board),
``task-stepping-timeline-1280x720.png`` (the task lanes under the loop's thread).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.lazy import expect
from tests.browser.test_asyncio_board import has_class
from tests.browser.test_visualizer import events

pytestmark = pytest.mark.timeout(120)

TASKS = ("ant", "bee", "cat")
PROGRAM = """\
import asyncio


async def worker(name):
    for step in range(2):
        print(name, step)
        await asyncio.sleep(0)


async def main():
    await asyncio.gather(
        asyncio.create_task(worker("ant"), name="ant"),
        asyncio.create_task(worker("bee"), name="bee"),
        asyncio.create_task(worker("cat"), name="cat"),
    )


asyncio.run(main())
"""
# What the panel offers once it can be pressed: the task lanes, or true once the run is over.
NEXT_CHOICE = """() => {
  const panel = document.querySelector("[data-role=manual-panel]");
  if (panel.querySelector("[data-role=step-prompt]").textContent.startsWith("The run is over"))
    return true;
  const offered = [...panel.querySelectorAll(".step-button:not([disabled])")];
  return offered.length ? offered.map((b) => b.dataset.thread) : null;
}"""
# The task tokens in the board's Running column.
RUNNING_TASKS = """() => [...document.querySelectorAll(
  ".board-col[data-column=Running] .token.is-task")].map((t) => t.dataset.thread)"""


def test_stepping_tasks_by_hand_runs_one_task_at_a_time(
    page: Any, live_url: str, shot: Any
) -> None:
    body = {"source": PROGRAM, "mode": "controlled", "policy": "manual", "seed": 1}
    answer = httpx.post(f"{live_url}/api/runs", json=body, timeout=10)
    assert answer.status_code == 201, answer.text
    created = answer.json()
    run_id, token = created["id"], created["control_token"]
    page.goto("/")  # this origin's storage: the creator's token, as the page keeps it
    keep = "([id, t]) => localStorage.setItem('threadlab:control:' + id, t)"
    page.evaluate(keep, [run_id, token])
    page.goto(f"/runs/{run_id}")
    manual = page.locator("[data-role=manual-panel]")
    buttons = manual.locator(".step-button")
    stage = page.locator("[data-role=stage]")

    # The first choice: the three tasks, queued together on the loop, are the runnable.
    expect(buttons).to_have_text([f"{i}Step {t}" for i, t in enumerate(TASKS, 1)])
    prompt = manual.locator("[data-role=step-prompt]")
    expect(prompt).to_have_text("Pick the task that runs next:")  # tasks, not threads
    picks: list[str] = []
    while (offered := page.wait_for_function(NEXT_CHOICE).json_value()) is not True:
        choice = offered[-1]  # the last offered: never what the loop would run first
        assert choice in TASKS, offered
        if len(picks) == 1:
            shot(page, "task-stepping-manual-1280x720")
        manual.locator(f".step-button[data-thread='{choice}']").click()
        picks.append(choice)
        expect(manual.locator("[data-role=step-note]")).to_have_text(f"{choice} took a step.")
    expect(stage).to_have_attribute("data-stream", "ended", timeout=30_000)
    run = httpx.get(f"{live_url}/api/runs/{run_id}", timeout=10).json()
    assert run["status"] == "finished", run
    log = events(live_url, run_id)
    assert run["schedule"] == picks  # every pick a task's, as pressed
    assert [e["detail"]["text"] for e in log if e["kind"] == "output"][:1] == [f"{picks[0]} 0"]

    # Played back one event at a time: at most one task Running, in the picked order.
    page.keyboard.press("Home")
    expect(stage).to_have_attribute("data-played", "0")
    # Scrubbed back to before the end, the panel still knows the run is over.
    expect(prompt).to_have_text(f"The run is over after {len(picks)} picks.")
    ran: list[str] = []
    for seq in range(1, len(log) + 1):
        page.keyboard.press("ArrowRight")
        expect(stage).to_have_attribute("data-played", str(seq))
        running = page.evaluate(RUNNING_TASKS)
        assert len(running) <= 1, (seq, running)
        task_run = log[seq - 1]["kind"] == "run" and log[seq - 1]["thread"] in TASKS
        if task_run:
            assert running == [log[seq - 1]["thread"]], (seq, running)
            ran.append(running[0])
            if len(ran) == 2:
                shown = seq
    # Each task's first run is in pick order (a task left alone needs no pick): the
    # person's choices reached the board.
    firsts, picked = list(dict.fromkeys(ran)), list(dict.fromkeys(picks))
    assert firsts[: len(picked)] == picked and sorted(firsts) == sorted(TASKS)
    for task in TASKS:
        expect(page.locator(f".token[data-thread='{task}']")).to_have_class(has_class("is-task"))
    page.keyboard.press("Home")
    for _ in range(shown):
        page.keyboard.press("ArrowRight")
    expect(stage).to_have_attribute("data-played", str(shown))
    expect(page.locator(".board-col[data-column=Running] .token.is-task")).to_have_count(1)
    shot(page, "task-stepping-board-1280x720")
    page.locator(".timeline-card canvas").first.scroll_into_view_if_needed()
    shot(page, "task-stepping-timeline-1280x720")
