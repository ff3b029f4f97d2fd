"""A timeline with more lanes than fit, in real Chromium: the compare page's two runs of a
program with 34 threads (controlled, two seeds). Each timeline scrolls inside its card
with its axis pinned at the bottom; the first difference's red line ends at that axis
(it does not run through it), and once the lanes are scrolled the top says how many are
above ("↑ N more"), as the axis says how many are below. Waits on the page's state
(``data-lanes-above`` / ``data-lanes-below`` on the scroll box), never on time.

Screenshots: ``test-artifacts/timeline-scroll-compare-{top,middle,bottom}-1280x720.png``.
"""

from __future__ import annotations

import math
from typing import Any

import httpx
import pytest

from tests.browser.lazy import expect
from tests.browser.test_compare import ended

pytestmark = pytest.mark.timeout(120)

THREADS = 34  # and MainThread: 35 lanes, more than the card shows at 1280×720
PROGRAM = f"""\
import threading


def work(box):
    box.append(1)


def main():
    box = []
    threads = [threading.Thread(target=work, args=(box,)) for _ in range({THREADS})]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
"""
AXIS_H = 22  # as views/timelinegeometry.js draws them
TOP = 4
CUE_H = 18

# The canvas's pixels down one column (CSS pixels in, one RGBA string per CSS row).
COLUMN = """(c, x) => {
    const dpr = c.width / c.clientWidth;
    const data = c.getContext("2d").getImageData(Math.round(x * dpr), 0, 1, c.height).data;
    const rows = [];
    for (let y = 0; y < c.clientHeight; y += 1) {
        const at = Math.min(c.height - 1, Math.round((y + 0.5) * dpr)) * 4;
        rows.push(`${data[at]},${data[at + 1]},${data[at + 2]}`);
    }
    return rows;
}"""


def controlled(live_url: str, seed: int) -> str:
    request = {"source": PROGRAM, "mode": "controlled", "seed": seed, "policy": "random"}
    answer = httpx.post(f"{live_url}/api/runs", json=request, timeout=10)
    assert answer.status_code == 201, answer.text
    run_id: str = answer.json()["id"]
    return run_id


def test_compare_lines_stop_at_the_pinned_axis(page: Any, live_url: str, shot: Any) -> None:
    found, passed = (controlled(live_url, seed) for seed in (1, 2))
    for run_id in (found, passed):
        ended(live_url, run_id)
    page.goto(f"/compare?found={found}&passed={passed}")
    main = page.locator("main")
    expect(main).to_have_attribute("data-state", "ready")
    row = page.locator("[data-role=run-found]")
    box = row.locator("[data-role=timeline]")
    canvas = box.locator("canvas")
    arrow = row.locator(".compare-flag-arrow")
    expect(arrow).to_be_visible()
    row.evaluate("el => { el.scrollIntoView({block: 'start'}); }")
    seen = box.evaluate("el => el.clientHeight")
    height = canvas.evaluate("c => c.clientHeight")
    assert height > seen + 100, "the lanes should not all fit: the timeline scrolls"
    lane_h = (height - TOP - AXIS_H) / (THREADS + 1)
    expect(box).to_have_attribute("data-lanes-above", "0")
    below = math.ceil((TOP + (THREADS + 1) * lane_h - (seen - AXIS_H)) / lane_h)
    expect(box).to_have_attribute("data-lanes-below", str(below))
    shot(page, "timeline-scroll-compare-top-1280x720")

    def red_rows(scroll: int) -> tuple[list[str], int]:
        """The column through the red line, and the line's colour (at mid-height)."""
        a, c = arrow.bounding_box(), canvas.bounding_box()
        x = a["x"] + a["width"] / 2 - c["x"]
        column: list[str] = canvas.evaluate(COLUMN, x)
        red = column[scroll + seen // 2]
        r, g, b = (int(v) for v in red.split(","))
        assert r > g + 60 and r > b + 60, f"not the red line at x={x}: {red}"
        return [column[y] for y in range(scroll, scroll + seen)], red

    def assert_line_ends_at_the_axis(scroll: int) -> None:
        rows, red = red_rows(scroll)
        axis_top = seen - AXIS_H
        assert rows[seen // 2] == red and rows[axis_top - 2] == red  # down to the axis…
        assert red not in rows[axis_top + 6 :], "the red line runs through the axis"  # …not on

    assert_line_ends_at_the_axis(0)

    # Scrolled to the middle: the lanes above are counted at the top, below at the axis.
    scroll = 7 * round(lane_h)
    box.evaluate(f"el => {{ el.scrollTop = {scroll}; }}")
    above = math.ceil((scroll + CUE_H - TOP) / lane_h)
    expect(box).to_have_attribute("data-lanes-above", str(above))
    below = math.ceil((TOP + (THREADS + 1) * lane_h - (scroll + seen - AXIS_H)) / lane_h)
    expect(box).to_have_attribute("data-lanes-below", str(below))
    assert_line_ends_at_the_axis(scroll)
    shot(page, "timeline-scroll-compare-middle-1280x720")

    # At the bottom: nothing below, the axis where it always is; the top still counts.
    box.evaluate("el => { el.scrollTop = el.scrollHeight; }")
    expect(box).to_have_attribute("data-lanes-below", "0")
    scroll = box.evaluate("el => el.scrollTop")
    assert scroll == height - seen
    expect(box).to_have_attribute(
        "data-lanes-above", str(math.ceil((scroll + CUE_H - TOP) / lane_h))
    )
    assert_line_ends_at_the_axis(scroll)
    # Both runs' timelines scroll on their own: the other one has not moved.
    expect(page.locator("[data-role=run-passed] [data-role=timeline]")).to_have_attribute(
        "data-lanes-above", "0"
    )
    shot(page, "timeline-scroll-compare-bottom-1280x720")
