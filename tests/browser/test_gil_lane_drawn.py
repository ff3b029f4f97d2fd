"""The GIL lane in real Chromium: a gil-io run from its page draws the lane above the
threads' lanes, and the tooltip reads it — who holds the GIL over the lane, a thread's
shares (holding / wanting / not wanting) over the thread's lane.  Waits on conditions,
never on time."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.lazy import expect
from tests.browser.test_visualizer import events, start

pytestmark = pytest.mark.timeout(120)

LANE_Y = 14  # the GIL lane: TOP (4) + half its height (20), views/gillane.js
FIRST_THREAD_Y = 24 + 15  # below it, the middle of the first thread's lane


def row_colours(canvas: Any, y: int) -> int:
    """How many colours the canvas's row at ``y`` has, right of the lane labels."""
    return int(
        canvas.evaluate(
            """(c, y) => {
            const dpr = c.width / c.clientWidth;
            const row = c.getContext("2d").getImageData(0, Math.round(y * dpr), c.width, 1).data;
            const seen = new Set();
            for (let i = Math.round(120 * dpr) * 4; i < row.length; i += 4) {
                seen.add(`${row[i]},${row[i + 1]},${row[i + 2]}`);
            }
            return seen.size;
        }""",
            y,
        )
    )


def test_gil_lane_is_drawn_and_its_tooltip_reads(page: Any, live_url: str, shot: Any) -> None:
    run_id = start(page, "gil-io", requests=3, latency=0.05)
    log = events(live_url, run_id)
    assert any(e["kind"] == "gil" and e["thread"] for e in log)
    stage = page.locator("[data-role=stage]")
    page.keyboard.press("End")
    expect(stage).to_have_attribute("data-played", str(len(log)))
    canvas = page.locator(".timeline-card canvas").first
    canvas.scroll_into_view_if_needed()
    # Drawn: the lane's row has the colours of the threads that held the GIL.
    colours = row_colours(canvas, LANE_Y)
    assert colours >= 2
    box = canvas.bounding_box()
    tip = page.locator(".timeline-tip")
    canvas.hover(position={"x": box["width"] * 0.5, "y": LANE_Y})
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Measured in the worker")
    expect(tip).to_contain_text("Resolution")
    canvas.hover(position={"x": box["width"] * 0.5, "y": FIRST_THREAD_Y})
    expect(tip).to_contain_text("GIL: holding")
    expect(tip).to_contain_text("not wanting")
    note = page.locator("[data-role=gil-note]")
    expect(note).to_contain_text("Measured in the worker")
    expect(note).to_contain_text("Resolution: one line")
    shot(page, "gil-lane-gil-io")


def test_gil_cpu_threads_take_turns_on_the_lane(page: Any, live_url: str, shot: Any) -> None:
    run_id = start(page, "gil-cpu", tasks=2, millions=2, rounds=1)
    log = events(live_url, run_id)
    holders = {e["thread"] for e in log if e["kind"] == "gil"}
    assert {"T1", "T2"} <= holders
    page.keyboard.press("End")
    expect(page.locator("[data-role=stage]")).to_have_attribute("data-played", str(len(log)))
    page.get_by_role("button", name="Time", exact=True).click()
    canvas = page.locator(".timeline-card canvas").first
    canvas.scroll_into_view_if_needed()
    note = page.locator("[data-role=gil-note]")
    expect(note).to_contain_text("stops measuring where the timed part begins")
    shot(page, "gil-lane-gil-cpu")


def test_controlled_runs_show_the_schedulers_baton(page: Any, live_url: str, shot: Any) -> None:
    page.goto("/scenarios/race")
    page.locator("input[name=sched-mode][value=controlled]").check()
    page.locator("#sched-seed").fill("1")
    page.get_by_role("button", name="Run", exact=True).click()
    stage = page.locator("[data-role=stage]")
    expect(stage).to_have_attribute("data-stream", "ended", timeout=30_000)
    log = events(live_url, str(stage.get_attribute("data-run")))
    assert not any(e["kind"] == "gil" for e in log)  # not measured: derived from run/preempt
    page.keyboard.press("End")
    expect(stage).to_have_attribute("data-played", str(len(log)))
    note = page.locator("[data-role=gil-note]")
    expect(note).to_contain_text("the scheduler, not the GIL, decides")
    canvas = page.locator(".timeline-card canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    canvas.hover(position={"x": box["width"] * 0.5, "y": LANE_Y})
    expect(page.locator(".timeline-tip")).to_contain_text("holds the scheduler's baton")
    shot(page, "gil-lane-baton-race")
