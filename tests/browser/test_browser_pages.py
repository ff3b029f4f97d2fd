"""The pages in real Chromium: the picker, the run form, errors, the shared run page.

Screenshots land in ``test-artifacts/`` (1280×720 and phone size) to be looked at as a
student in the back row would.  The visualizer's views are in test_visualizer.py.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.browser.lazy import expect


def test_picker_lists_scenarios_by_group(page: Any, shot: Any) -> None:
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Pick a scenario")
    group = page.locator("section.group", has=page.locator("h2", has_text="Synchronisation"))
    expect(group.locator(".group-intro")).to_contain_text("Shared data needs rules")
    title = page.request.get("/api/scenarios/race").json()["title"]
    expect(group.locator("a[href='/scenarios/race']")).to_have_text(title)
    expect(group.locator("a[href='/scenarios/race-locked']")).to_be_visible()
    shot(page, "picker-1280x720")
    page.locator("a[href='/scenarios/race']").click()
    expect(page).to_have_url(re.compile(r"/scenarios/race$"))


def test_picker_on_a_phone(phone: Any, shot: Any) -> None:
    phone.goto("/")
    expect(phone.locator("a[href='/scenarios/race']")).to_be_visible()
    assert_no_sideways_scroll(phone)
    shot(phone, "picker-phone")


def test_bad_parameter_is_shown_next_to_its_field(page: Any) -> None:
    page.console.allow("status of 422")
    page.goto("/scenarios/race")
    threads = page.locator("#param-threads")
    threads.fill("99")
    page.get_by_role("button", name="Run", exact=True).click()
    error = page.locator("[data-error-for=threads]")
    expect(error).to_have_text("'threads' must be between 1 and 16; got 99.")
    expect(threads).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".token")).to_have_count(0)

    # Past the browser's own check, the server's 422 lands in the same place.
    threads.evaluate("input => input.setAttribute('max', '1000')")
    threads.fill("17")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(error).to_have_text("'threads' must be between 1 and 16; got 17.")
    expect(page.locator("[data-role=stage]")).to_have_attribute("data-run", "")

    # A controlled run's seed is checked too, next to its own field.
    threads.fill("2")
    page.get_by_label("Controlled").check()
    page.locator("#sched-seed").fill("-1")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator("[data-error-for=sched-seed]")).to_contain_text("'seed' must be between 0")


def test_a_full_queue_says_when_to_try_again(page: Any) -> None:
    page.console.allow("status of 429")
    page.route(
        "**/api/runs",
        lambda route: route.fulfill(
            status=429,
            headers={"Retry-After": "5"},
            json={"detail": "2 runs are running and 8 are waiting; the queue is full."},
        ),
    )
    page.goto("/scenarios/race")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator("[data-role=form-error]")).to_have_text(
        "2 runs are running and 8 are waiting; the queue is full. (try again in 5 s)"
    )
    expect(page.locator(".stream-status")).to_have_attribute("data-status", "idle")


def test_shared_run_page_waits_for_play_then_replays(page: Any, live_url: str) -> None:
    body = {"scenario": "race-locked", "params": {"threads": 3, "iterations": 30}}
    created = httpx.post(f"{live_url}/api/runs", json=body, timeout=10).json()
    httpx.get(f"{live_url}{created['links']['events']}", timeout=30)  # returns at its end
    page.goto(created["links"]["page"])
    expect(page.locator("h1")).to_have_text(scenario(page, "race-locked")["title"])
    expect(page.locator(".run-params")).to_contain_text("threads = 3")
    stage = page.locator("[data-role=stage]")
    expect(stage).to_have_attribute("data-stream", "ended")
    # A finished run opens at its start, paused: nothing is shown as final before it plays.
    expect(stage).to_have_attribute("data-played", "0")
    expect(page.locator(".verdict")).to_be_hidden()
    page.locator("[data-role=speed]").select_option("16")
    page.get_by_role("button", name="Play", exact=True).click()
    verdict = page.locator(".verdict")
    expect(verdict).to_be_visible()
    facts = verdict.locator(".fact")
    expect(facts.filter(has_text="expected")).to_contain_text("90")
    expect(facts.filter(has_text="lost")).to_contain_text("0")
    expect(page.locator(".token")).to_have_count(4)
    expect(page.locator(".prim[data-resource='lock']")).to_contain_text("free")


def test_unknown_scenario_and_run(page: Any) -> None:
    page.console.allow("status of 404")
    answer = page.goto("/scenarios/no-such-thing")
    assert answer is not None and answer.status == 404
    expect(page.locator("h1")).to_have_text("Not found")
    expect(page.locator(".lead")).to_contain_text("no-such-thing")
    page.goto("/runs/no-such-run")
    expect(page.locator("h1")).to_have_text("Run not found")


def test_display_preferences_stick(page: Any) -> None:
    page.goto("/")
    root = page.locator("html")
    page.get_by_role("button", name="Dark", exact=True).click()
    expect(root).to_have_attribute("data-theme", "dark")
    page.get_by_role("button", name="Projector", exact=True).click()
    expect(root).to_have_attribute("data-projector", "on")
    page.goto("/scenarios/race")  # applied before the first paint, by boot.js
    expect(root).to_have_attribute("data-theme", "dark")
    expect(root).to_have_attribute("data-projector", "on")


def scenario(page: Any, scenario_id: str) -> dict[str, Any]:
    answer: dict[str, Any] = page.request.get(f"/api/scenarios/{scenario_id}").json()
    return answer


def assert_no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"the page scrolls sideways: {width}px wide in {viewport}px"
