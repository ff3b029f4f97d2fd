"""The lane of a free-threaded worker in real Chromium: labelled "no GIL", one stripe
per thread executing, two at once while both spinners run, and its note says how it was
measured.  Runs where a free-threaded CPython is found (tests/fakes/pythons.py), against
a server of its own whose worker_python is that interpreter."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import _open
from tests.browser.lazy import expect
from tests.fakes.pythons import free_threaded
from tests.integration.conftest import serve

PYTHON = free_threaded()

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(PYTHON is None, reason="no free-threaded CPython on this machine"),
]

LANE_Y = 14  # the lane's row, views/gillane.js (as tests/browser/test_gil_lane_drawn.py)


@pytest.fixture(scope="module")
def nogil_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert PYTHON is not None
    env = {"THREADLAB_WORKER_PYTHON": PYTHON, "THREADLAB_RUN_RATE": "100000"}
    with serve(tmp_path_factory.mktemp("nogil-browser"), **env) as server:
        yield server.url


@pytest.fixture
def nogil_page(browser: Any, nogil_url: str) -> Iterator[Any]:
    yield from _open(browser, nogil_url, viewport={"width": 1280, "height": 720})


def test_the_no_gil_lane_draws_threads_at_once(nogil_page: Any, shot: Any) -> None:
    page = nogil_page
    page.goto("/scenarios/free-threaded")
    page.locator("#param-threads").fill("2")
    page.locator("#param-rounds").fill("1")
    page.get_by_role("button", name="Run", exact=True).click()
    stage = page.locator("[data-role=stage]")
    expect(stage).to_have_attribute("data-stream", "ended", timeout=60_000)
    page.keyboard.press("End")
    note = page.locator("[data-role=gil-note]")
    expect(note).to_contain_text("No GIL (a free-threaded build)")
    expect(note).to_contain_text("without a GIL")
    canvas = page.locator(".timeline-card canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    tip = page.locator(".timeline-tip")
    assert box is not None
    shot(page, "nogil-lane-free-threaded-timeline")
    canvas.hover(position={"x": box["width"] * 0.5, "y": LANE_Y})
    expect(tip).to_be_visible()
    expect(page.locator(".verdict-summary")).to_contain_text("GIL off")
    shot(page, "nogil-lane-free-threaded")
