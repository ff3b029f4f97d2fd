"""The showcase in real Chromium: a concurrency-models run draws the threads, the
processes and the asyncio tasks one below the other on one time axis, the GIL lane above
them, and the verdict's table of measured times beside them (a projector: 1280×720)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.lazy import expect
from tests.browser.test_visualizer import events, start

pytestmark = pytest.mark.timeout(120)


def test_concurrency_models_timeline(page: Any, live_url: str, shot: Any) -> None:
    run_id = start(page, "concurrency-models", rounds=1)
    log = events(live_url, run_id)
    lanes = {e["thread"] for e in log if e["kind"] == "create"}
    assert {"thread-1", "process-1/MainThread", "async-1"} <= lanes
    assert any(e["kind"] == "gil" and e["thread"] == "thread-1" for e in log)
    page.keyboard.press("End")
    expect(page.locator("[data-role=stage]")).to_have_attribute("data-played", str(len(log)))
    page.get_by_role("button", name="Time", exact=True).click()
    card = page.locator(".timeline-card")
    card.evaluate("card => { card.scrollIntoView({block: 'start'}); window.scrollBy(0, -64); }")
    expect(page.locator("[data-role=gil-note]")).to_contain_text("Measured in the worker")
    shot(page, "showcase-concurrency-models")
    # Zoomed on the watched part (Ctrl + wheel at the left edge keeps the start in view):
    # threads, processes and tasks one below the other, what a teacher points at.
    canvas = card.locator("canvas").first
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 200, box["y"] + box["height"] / 2)
    page.keyboard.down("Control")
    for _ in range(3):
        page.mouse.wheel(0, -100)
    page.keyboard.up("Control")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] - 40)  # no tooltip in the picture
    shot(page, "showcase-concurrency-models-watched")
    # ~33 lanes at a readable height do not fit: the timeline scrolls inside its card, the
    # GIL lane and the axis pinned in sight, and it says how many lanes are below.
    scroller = card.locator("[data-role=timeline]")
    assert scroller.evaluate("el => el.scrollHeight > el.clientHeight + 20")
    assert scroller.evaluate("el => el.getBoundingClientRect().height") <= 720 - 150
    pinned_row = """(c) => {
        const dpr = c.width / c.clientWidth;
        const y = Math.round((c.parentElement.scrollTop + 14) * dpr);  // the GIL lane's middle
        return Array.from(c.getContext("2d").getImageData(0, y, c.width, 1).data).join();
    }"""
    before = canvas.evaluate(pinned_row)
    scroller.evaluate("el => { el.scrollTop = el.scrollHeight; }")
    # Drawn again for the scroll: the timeline says how many lanes are now above.
    expect(scroller).not_to_have_attribute("data-lanes-above", "0")
    assert scroller.evaluate("el => el.scrollTop") > 40
    assert canvas.evaluate(pinned_row) == before  # the GIL lane, drawn where it is in sight
    shot(page, "showcase-concurrency-models-scrolled")


def test_api_fanout_timeline(page: Any, live_url: str, shot: Any) -> None:
    run_id = start(page, "api-fanout", calls=6, latency=0.1, max_workers=2)
    log = events(live_url, run_id)
    lanes = {e["thread"] for e in log if e["kind"] == "create"}
    assert {"call1", "async-call1"} <= lanes
    page.keyboard.press("End")
    expect(page.locator("[data-role=stage]")).to_have_attribute("data-played", str(len(log)))
    page.get_by_role("button", name="Time", exact=True).click()
    card = page.locator(".timeline-card")
    card.evaluate("card => { card.scrollIntoView({block: 'start'}); window.scrollBy(0, -64); }")
    expect(page.locator("[data-role=gil-note]")).to_contain_text("Measured in the worker")
    shot(page, "showcase-api-fanout")
