"""The compare page (``/compare?found=…&passed=…``) in real Chromium against the real
server: two controlled runs of ``race`` (2 threads × 1 increment), one that loses an
update and one that does not, found through the API; their timelines on one axis, the
first difference marked on both and said in a sentence; a run still going (a manual run
waiting for its last step) waited for; unknown runs and runs of different programs; and
"Break it" offering the comparison (its search answered by a stand-in, its runs real).

Tests wait on conditions (the page's ``data-state``), never on time. Screenshots go to
``test-artifacts/``.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.browser import test_accessibility as a11y
from tests.browser.lazy import expect
from tests.browser.test_browser_pages import assert_no_sideways_scroll
from tests.fakes.procs import wait_until

PARAMS = {"threads": 2, "iterations": 1, "switch_interval_us": 100}


@dataclass
class Run:
    id: str
    seed: int
    schedule: list[str]
    events: list[dict[str, Any]]
    summary: str


@dataclass
class Pair:
    found: Run  # lost an update
    passed: Run  # did not


def run_race(live_url: str, **body: Any) -> dict[str, Any]:
    """Start a controlled run of race; its creation answer."""
    request = {"scenario": "race", "params": PARAMS, "mode": "controlled", **body}
    answer = httpx.post(f"{live_url}/api/runs", json=request, timeout=10)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def ended(live_url: str, run_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        run: dict[str, Any] = httpx.get(f"{live_url}/api/runs/{run_id}", timeout=10).json()
        if run["ended"]:
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not end")


def events(live_url: str, run_id: str) -> list[dict[str, Any]]:
    text = httpx.get(f"{live_url}/api/runs/{run_id}/events.jsonl", timeout=10).text
    return [json.loads(line) for line in text.splitlines() if line]


@pytest.fixture(scope="module")
def pair(live_url: str) -> Pair:
    """A seed that loses an update and one that does not (random policy), found by
    running seeds in turn: whichever they are on this Python."""
    found: Run | None = None
    passed: Run | None = None
    for seed in range(60):
        run = ended(live_url, run_race(live_url, seed=seed, policy="random")["id"])
        lost = run["verdict"]["facts"]["lost"]
        entry = Run(run["id"], seed, run["schedule"], [], run["verdict"]["summary"])
        if lost and found is None:
            found = entry
        elif not lost and passed is None:
            passed = entry
        if found and passed:
            break
    assert found and passed, "no pair of seeds within 60 tries"
    for run_ in (found, passed):
        run_.events = events(live_url, run_.id)
    return Pair(found, passed)


def first_event_difference(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> int:
    """Where the two logs part (0-based), computed here independently of the page."""
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if {**x, "seq": 0} != {**y, "seq": 0}:
            return i
    return min(len(a), len(b))


def first_pick_difference(a: list[str], b: list[str]) -> int:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


def expected_sentence(pair: Pair) -> re.Pattern[str]:
    n = first_pick_difference(pair.found.schedule, pair.passed.schedule)
    steps = "step" if n == 1 else f"{n} steps"
    start = (
        "The schedules differ from the first step: at step 1"
        if n == 0
        else f"The schedules agree for the first {steps}; at step {n + 1}"
    )
    a, b = (re.escape(r.schedule[n]) for r in (pair.found, pair.passed))
    return re.compile(
        rf"^{re.escape(start)} the failing run (lets {a} run|keeps {a} running) "
        rf"where the passing run (let {b} run|kept {b} running)\.$"
    )


def open_compare(page: Any, found: str, passed: str) -> None:
    answer = page.goto(f"/compare?found={found}&passed={passed}")
    assert answer is not None and answer.status == 200


def test_compare_marks_where_the_schedules_part(
    page: Any, live_url: str, shot: Any, pair: Pair
) -> None:
    index = first_event_difference(pair.found.events, pair.passed.events)
    open_compare(page, pair.found.id, pair.passed.id)
    main = page.locator("main")
    expect(main).to_have_attribute("data-state", "ready")
    expect(main).to_have_attribute("data-difference", str(index + 1))
    expect(page.locator("[data-role=difference]")).to_have_text(expected_sentence(pair))
    note = page.locator("[data-role=difference-note]")
    expect(note).to_contain_text(f"The red line marks event #{index + 1} on both timelines")
    for role, run in (("found", pair.found), ("passed", pair.passed)):
        row = page.locator(f"[data-role=run-{role}]")
        flag = row.locator("[data-role=flag]")
        expect(flag).to_be_visible()
        expect(flag).to_contain_text(f"first difference · event #{index + 1}")
        expect(row.locator("[data-role=status]")).to_have_text("— Finished")
        expect(row.locator("[data-role=verdict]")).to_have_text(run.summary)
        expect(row.get_by_role("link", name="Open this run")).to_have_attribute(
            "href", f"/runs/{run.id}"
        )
    expect(page.locator("[data-role=run-found]")).to_have_attribute("data-outcome", "bad")
    expect(page.locator("[data-role=run-passed]")).to_have_attribute("data-outcome", "good")
    # Both flags point at the same x: one axis.
    flags = [page.locator(f"[data-role=run-{r}] .compare-flag-arrow") for r in ("found", "passed")]
    xs = [f.bounding_box()["x"] for f in flags]
    assert abs(xs[0] - xs[1]) < 1
    shot(page, "compare-race")

    # Zoomed in on the difference, both timelines move together; a click reads both.
    page.get_by_role("button", name="Go to the difference").click()
    moved = [f.bounding_box()["x"] for f in flags]
    assert abs(moved[0] - moved[1]) < 1 and moved[0] > xs[0] + 50
    canvas = page.locator("[data-role=run-passed] canvas")
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] - 20, "y": 12})
    expect(page.locator("[data-role=picked]")).to_contain_text("failing run:")
    expect(page.locator("[data-role=picked]")).to_contain_text("run that passed:")
    shot(page, "compare-race-zoomed")


def test_compare_waits_for_a_run_still_going(page: Any, live_url: str, pair: Pair) -> None:
    # The passing run again, stepped by hand: its picks replayed but for the last one,
    # so it waits for that step — live — while the page is open.
    *first, last = pair.passed.schedule
    live = run_race(live_url, seed=0, policy="manual", options={"choices": first})
    open_compare(page, pair.found.id, live["id"])
    main = page.locator("main")
    expect(main).to_have_attribute("data-state", "waiting")
    expect(page.locator("[data-role=difference]")).to_have_text("Waiting for both runs to end…")
    expect(page.locator("[data-role=run-passed] [data-role=status]")).to_contain_text(
        "still running…"
    )
    # "Still running" shows from the start; a step is taken once the replay reaches it.
    run_url = f"{live_url}/api/runs/{live['id']}"
    wait_until(lambda: httpx.get(run_url, timeout=10).json()["waiting"] is not None, 30)
    step = httpx.post(
        f"{run_url}/step",
        json={"thread": last},
        headers={"X-Control-Token": live["control_token"]},
        timeout=10,
    )
    assert step.status_code == 202, step.text
    expect(main).to_have_attribute("data-state", "ready")
    index = first_event_difference(pair.found.events, pair.passed.events)
    expect(main).to_have_attribute("data-difference", str(index + 1))
    expect(page.locator("[data-role=difference]")).to_have_text(expected_sentence(pair))


def test_unknown_runs_and_different_programs(page: Any, live_url: str, pair: Pair) -> None:
    page.console.allow("status of 404")
    page.console.allow("status of 422")
    answer = page.goto(f"/compare?found=no-such-run&passed={pair.passed.id}")
    assert answer is not None and answer.status == 404
    expect(page.locator("h1")).to_have_text("Not found")
    expect(page.locator(".lead")).to_contain_text("There is no run “no-such-run” (the failing run)")
    answer = page.goto(f"/compare?found={pair.found.id}")
    assert answer is not None and answer.status == 404
    expect(page.locator(".lead")).to_contain_text("A comparison needs two runs")

    other = run_race(live_url, seed=1, policy="random", params={**PARAMS, "threads": 3})
    answer = page.goto(f"/compare?found={pair.found.id}&passed={other['id']}")
    assert answer is not None and answer.status == 422
    expect(page.locator("[data-role=problem]")).to_have_text(
        "These two runs of “Race condition: lost updates” have different parameters — "
        "threads=2 and threads=3 — so their schedules cannot be compared. Compare two runs "
        "of one program with the same parameters."
    )
    expect(page.get_by_role("link", name="Open the second run")).to_have_attribute(
        "href", f"/runs/{other['id']}"
    )


def search_answers(page: Any, pair: Pair, passed: dict[str, Any] | None) -> None:
    """A stand-in search that "finds" the real failing run of ``pair``."""
    answer = {
        "id": "s1", "scenario": "race", "source": None, "params": PARAMS,
        "goal": "lost_update", "policy": "mixed", "budget": 50, "status": "done",
        "tries": 4, "found": True, "seed": pair.found.seed, "found_policy": "random",
        "passed": passed, "verdict": None, "message": None,
        "run": {"id": pair.found.id, "links": {"page": f"/runs/{pair.found.id}"}},
    }  # fmt: skip
    page.route("**/api/search", lambda route: route.fulfill(status=202, json={"id": "s1"}))
    page.route("**/api/search/s1", lambda route: route.fulfill(json=answer))


def test_break_it_offers_a_run_that_passed(page: Any, pair: Pair, shot: Any) -> None:
    passed = {"seed": pair.passed.seed, "policy": "random", "options": {}}
    search_answers(page, pair, passed)
    page.goto("/scenarios/race")
    page.get_by_role("button", name="Break it").click()
    expect(page.locator("[data-role=search-status]")).to_contain_text("Found it after 4 tries")
    expect(page.locator("[data-role=stage]")).to_have_attribute("data-run", pair.found.id)
    page.locator("[data-role=breakit]").scroll_into_view_if_needed()
    shot(page, "compare-breakit-offer")
    with page.expect_request(
        lambda r: r.method == "POST" and r.url.endswith("/api/runs")
    ) as started:
        page.get_by_role("button", name="Compare with a run that passed").click()
    body = json.loads(started.value.post_data)
    assert body == {
        "scenario": "race", "params": PARAMS, "mode": "controlled",
        "seed": pair.passed.seed, "policy": "random", "options": {},
    }  # fmt: skip
    expect(page).to_have_url(re.compile(rf"/compare\?found={re.escape(pair.found.id)}&passed="))
    expect(page.locator("main")).to_have_attribute("data-state", "ready")
    expect(page.locator("[data-role=difference]")).to_have_text(expected_sentence(pair))


def test_break_it_says_when_no_run_passed(page: Any, pair: Pair) -> None:
    search_answers(page, pair, None)
    page.goto("/scenarios/race")
    page.get_by_role("button", name="Break it").click()
    expect(page.locator("[data-role=search-status]")).to_contain_text(
        "The first try already failed, so no passing run was seen to compare it with."
    )
    expect(page.get_by_role("button", name="Compare with a run that passed")).to_have_count(0)


@pytest.mark.parametrize("theme", a11y.THEMES)
def test_compare_page_is_accessible(page: Any, theme: str, pair: Pair, shot: Any) -> None:
    if not a11y.AXE.exists():
        pytest.skip("axe-core is not installed: run npm ci")
    a11y.open_in(page, theme, f"/compare?found={pair.found.id}&passed={pair.passed.id}")
    expect(page.locator("main")).to_have_attribute("data-state", "ready")
    shot(page, f"a11y-compare-{theme}-1280x720")
    a11y.assert_accessible(page, a11y.AXE.read_text(encoding="utf-8"), f"/compare ({theme})")


def test_compare_on_a_phone(phone: Any, pair: Pair, shot: Any) -> None:
    phone.goto(f"/compare?found={pair.found.id}&passed={pair.passed.id}")
    expect(phone.locator("main")).to_have_attribute("data-state", "ready")
    expect(phone.locator("[data-role=run-passed] [data-role=flag]")).to_be_visible()
    assert_no_sideways_scroll(phone)
    shot(phone, "compare-phone", full_page=True)
