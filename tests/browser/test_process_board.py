"""Child processes as lanes in real Chromium: a program with a ``Pool`` and two
``Process``es, run through the API and opened on its run page; the board draws each
process's MainThread as a token of its own, the pool's handler threads quieter, and the
event log says when a process started and how it ended.  Waits on the page's state,
never on time.

Screenshot: ``test-artifacts/process-lanes-timeline-1280x720.png`` (each process's lanes
grouped under it on the timeline).
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
import multiprocessing
import threading


def count_down(n):
    while n > 0:
        n -= 1


def two_threads(n):
    workers = [threading.Thread(target=count_down, args=(n,)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def main():
    with multiprocessing.Pool(2) as pool:
        pool.map(count_down, [1000, 2000])
    procs = [multiprocessing.Process(target=two_threads, args=(300_000,)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
"""


def test_processes_are_lanes_on_the_page(page: Any, live_url: str, shot: Any) -> None:
    answer = httpx.post(f"{live_url}/api/runs", json={"source": PROGRAM}, timeout=10)
    assert answer.status_code in (200, 201, 202), answer.text
    run_id = answer.json()["id"]
    page.goto(f"/runs/{run_id}")
    stage = page.locator("[data-role=stage]")
    expect(stage).to_have_attribute("data-stream", "ended", timeout=60_000)
    log = events(live_url, run_id)
    assert log[-1]["detail"]["status"] == "finished", log[-1]["detail"]
    page.keyboard.press("End")
    expect(stage).to_have_attribute("data-played", str(len(log)))
    for lane in ("Process-3/MainThread", "Process-4/MainThread", "Process-3/Thread-1 (count_down)"):
        expect(page.locator(f".token[data-thread='{lane}']")).to_have_count(1)
    handler = page.locator(".token[data-thread='Thread-1 (_handle_workers)']")
    expect(handler).to_have_class(re.compile(r"(^|\s)is-internal(\s|$)"))
    timeline = page.locator(".timeline-card canvas").first
    timeline.scroll_into_view_if_needed()
    shot(page, "process-lanes-timeline-1280x720")
