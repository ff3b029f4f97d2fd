"""The GIL lane for your own program (issue 12) in real Chromium: on /code the schedule's
box "Show the GIL lane" (free mode only) makes the run measure it, and the timeline
draws it; the run's options keep it, so a Re-run (the run's page) does too.  Waits on
conditions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.browser.lazy import expect
from tests.browser.test_code_page import _open, set_program, wait_ended
from tests.browser.test_gil_lane_drawn import LANE_Y, row_colours
from tests.browser.test_visualizer import events
from tests.fakes.spinners import spinners

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def page(browser: Any, live_url: str) -> Iterator[Any]:
    """The code page's browser page (its CSP held to the editor's, test_code_page)."""
    yield from _open(browser, live_url)


SPIN = spinners(40_000)


def test_ticking_the_box_on_code_draws_the_gil_lane(page: Any, live_url: str, shot: Any) -> None:
    page.goto("/code")
    expect(page.locator(".cm-editor")).to_be_visible()
    set_program(page, SPIN)
    box = page.get_by_label("Show the GIL lane (slows pure-Python code ~10×)")
    page.locator("input[name=sched-mode][value=controlled]").check()
    expect(box).to_be_hidden()  # controlled: the scheduler's baton is the lane
    page.locator("input[name=sched-mode][value=free]").check()
    expect(box).to_be_visible()
    box.check()
    page.get_by_role("button", name="Run", exact=True).click()
    run_id = wait_ended(page)
    run = httpx.get(f"{live_url}/api/runs/{run_id}", timeout=10).json()
    assert run["mode"] == "free" and run["options"] == {"gil_lane": True}
    log = events(live_url, run_id)
    assert {e["thread"] for e in log if e["kind"] == "gil"} & {"S0", "S1"}
    stage = page.locator("[data-role=stage]")
    page.keyboard.press("End")
    expect(stage).to_have_attribute("data-played", str(len(log)))
    expect(page.locator("[data-role=gil-note]")).to_contain_text("Measured in the worker")
    canvas = page.locator(".timeline-card canvas").first
    canvas.scroll_into_view_if_needed()
    colours = row_colours(canvas, LANE_Y)
    assert colours >= 2
    expect(page.locator(".run-facts").first).to_contain_text("GIL lane measured")
    shot(page, "gil-lane-own-code")
    # The run's page: Re-run asks for the lane again (net/rerun.js).
    page.goto(f"/runs/{run_id}")
    rerun = page.locator("[data-role=rerun]")
    expect(rerun).to_be_visible()
    rerun.click()
    page.wait_for_url(lambda url: "/runs/" in url and run_id not in url)
    again = page.url.split("/runs/")[1].split("#")[0].split("?")[0]
    state = httpx.get(f"{live_url}/api/runs/{again}", timeout=10).json()
    assert state["mode"] == "free" and state["options"] == {"gil_lane": True}, state


def test_without_the_box_nothing_is_measured(page: Any, live_url: str) -> None:
    page.goto("/code")
    expect(page.locator(".cm-editor")).to_be_visible()
    set_program(page, SPIN)
    page.locator("input[name=sched-mode][value=free]").check()
    page.get_by_role("button", name="Run", exact=True).click()
    run_id = wait_ended(page)
    assert not [e for e in events(live_url, run_id) if e["kind"] == "gil"]
    expect(page.locator("[data-role=gil-note]")).not_to_contain_text("Measured in the worker")
