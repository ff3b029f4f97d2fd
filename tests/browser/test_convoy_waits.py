"""gil-convoy in real Chromium: the I/O thread's wait for the GIL after each reply is
drawn reply by reply below the verdict (one strip per variant, one bar per reply, half
the switch interval dashed), and a screen reader hears each strip's median and longest.
Waits on conditions, never on time."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.lazy import expect
from tests.browser.test_visualizer import events, start

pytestmark = pytest.mark.timeout(120)

ROUNDS = 30


def test_each_replys_wait_is_drawn(page: Any, live_url: str, shot: Any) -> None:
    run_id = start(page, "gil-convoy", rounds=ROUNDS)
    log = events(live_url, run_id)
    page.keyboard.press("End")
    expect(page.locator("[data-role=stage]")).to_have_attribute("data-played", str(len(log)))
    chart = page.locator(".series-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("figcaption")).to_contain_text("Each reply's wait for the GIL")
    strips = chart.locator(".series-strip")
    expect(strips).to_have_count(2)
    for variant in ("alone", "beside a CPU-bound thread"):
        strip = chart.locator(f".series-strip[data-variant='{variant}']")
        expect(strip.locator("rect")).to_have_count(ROUNDS)
        label = strip.locator("svg").get_attribute("aria-label") or ""
        assert label.startswith(f"{variant}: {ROUNDS} rounds, median ")
        assert "longest" in label
    expect(chart.locator(".series-limit")).to_have_count(2)  # the switch interval is printed
    # The summary is the two medians, one sentence; how they were measured follows it.
    expect(page.locator(".verdict-summary")).to_contain_text("beside a CPU-bound thread, in")
    expect(page.locator(".verdict-summary")).not_to_contain_text("Timed from")
    details = page.locator(".verdict-detail")
    expect(details.filter(has_text="replies waited longer than half")).to_have_count(1)
    expect(details.first).to_contain_text("Timed from the moment the server sent each reply")
    page.locator(".verdict").scroll_into_view_if_needed()
    shot(page, "gil-convoy-verdict")
    chart.scroll_into_view_if_needed()
    shot(page, "gil-convoy-each-reply")
