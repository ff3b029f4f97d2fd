"""The visualizer in real Chromium, on real runs of ``race``, ``deadlock``, ``semaphore``
and ``queue``: the lifecycle board, the primitive cards, the deadlock banner and its
cycle, the keyboard, the ``#seq`` deep link — and, against a stand-in server (routes),
the controlled-mode controls: manual stepping with Undo, and "Break it".

Tests wait on conditions (the stage's ``data-stream``/``data-played``), never on time.
Screenshots go to ``test-artifacts/``; look at them as a student on a projector would.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from tests.browser.lazy import expect
from tests.browser.test_browser_pages import assert_no_sideways_scroll

FIXTURES = Path(__file__).resolve().parents[1] / "js" / "fixtures"


def test_deadlock_board_banner_cycle_keys_and_deep_link(
    page: Any, browser: Any, live_url: str, shot: Any
) -> None:
    run_id = start(page, "deadlock")
    log = events(live_url, run_id)
    stage = page.locator("[data-role=stage]")
    deadlock = next(e for e in log if e["kind"] == "deadlock")

    # Keyboard: Home, → ← step one event, space plays and pauses, + − speed, ? help.
    page.keyboard.press("Home")
    expect(stage).to_have_attribute("data-played", "0")
    expect(page.locator(".token")).to_have_count(0)
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(stage).to_have_attribute("data-played", "5")
    page.keyboard.press("ArrowLeft")
    expect(stage).to_have_attribute("data-played", "4")
    page.keyboard.press(" ")
    expect(stage).to_have_attribute("data-playing", "true")
    page.keyboard.press(" ")
    expect(stage).to_have_attribute("data-playing", "false")
    page.keyboard.press("+")
    expect(page.locator("[data-role=speed]")).to_have_value("2")
    page.keyboard.press("-")
    expect(page.locator("[data-role=speed]")).to_have_value("1")
    page.keyboard.press("?")
    expect(page.locator("[data-role=keys-help]")).to_be_visible()
    expect(page.locator("[data-role=keys-help]")).to_contain_text("One event back")
    page.keyboard.press("Escape")
    expect(page.locator("[data-role=keys-help]")).to_be_hidden()

    # The end: both workers blocked, each holding what the other wants.
    page.keyboard.press("End")
    expect(stage).to_have_attribute("data-played", str(len(log)))
    blocked = page.locator(".board-col[data-column=Blocked]")
    expect(blocked.locator(".token")).to_have_count(3)
    expect(blocked.locator(".token[data-thread=T1] .token-doing")).to_have_text(
        "waits for lock_b, held by T2"
    )
    expect(blocked.locator(".token[data-thread=T2] .token-doing")).to_have_text(
        "waits for lock_a, held by T1"
    )
    expect(blocked.locator(".token[data-thread=MainThread]")).to_contain_text("waits for T1")
    lock_a = page.locator(".prim[data-resource=lock_a]")
    expect(lock_a.locator(".prim-big")).to_have_text(re.compile(r"held by\s*T1"))
    expect(lock_a.locator(".waiters")).to_have_text("T2")

    banner = page.locator("[data-role=deadlock-banner]")
    expect(banner).to_be_visible()
    expect(banner.locator(".deadlock-title")).to_have_text(
        "⚠Deadlock: T1 and T2 wait for each other"
    )
    expect(banner.locator(".deadlock-text")).to_have_text(deadlock["detail"]["text"])
    chain = banner.locator(".deadlock-chain li")
    expect(chain).to_have_text(
        ["T1", "waits for", "lock_b", "held by", "T2", "waits for", "lock_a", "held by", "T1"]
    )
    expect(banner.locator(".deadlock-fix a")).to_have_attribute(
        "href", "/scenarios/deadlock-ordered"
    )
    expect(page.locator(".graph-edge.is-cycle")).to_have_count(4)
    expect(page.locator(".graph-node.is-cycle")).to_have_count(4)
    expect(page.locator(".verdict .verdict-status")).to_have_text("Deadlocked")
    expect(page).to_have_url(re.compile(rf"#run={re.escape(run_id)}&seq={len(log)}$"))
    shot(page, "deadlock-end-1280x720")
    shot(page, "deadlock-end-full", full_page=True)

    # A link to the moment of the deadlock opens there, paused, before the verdict.
    viewer = page.context.new_page()
    viewer.goto(f"/runs/{run_id}#seq={deadlock['seq']}")
    expect(viewer.locator("[data-role=stage]")).to_have_attribute(
        "data-played", str(deadlock["seq"])
    )
    expect(viewer.locator("[data-role=deadlock-banner]")).to_be_visible()
    expect(viewer.locator(".verdict")).to_be_hidden()
    expect(viewer.locator("[data-role=stage]")).to_have_attribute("data-playing", "false")
    viewer.locator("[data-role=stage]").scroll_into_view_if_needed()
    shot(viewer, "deadlock-deep-link-1280x720")
    viewer.close()


def test_race_plays_live_with_the_counter_beside_what_it_should_be(
    page: Any, live_url: str, shot: Any
) -> None:
    page.goto("/scenarios/race")
    page.locator("#param-threads").fill("3")
    page.locator("#param-iterations").fill("300")
    page.get_by_role("button", name="Run", exact=True).click()
    stage = page.locator("[data-role=stage]")
    # It plays at a watchable pace: threads show up running, the code marks their line.
    expect(page.locator(".board-col[data-column=Running] .token").first).to_be_visible()
    expect(page.locator(".code-line.is-current").first).to_be_visible()
    expect(page.locator(".prim[data-resource=counter] .prim-value")).to_contain_text("=")
    expect(stage).to_have_attribute("data-stream", "ended", timeout=30_000)
    page.locator("[data-role=speed]").select_option("16")
    page.locator(".board-card").scroll_into_view_if_needed()
    shot(page, "race-playing-1280x720")
    page.keyboard.press("End")
    verdict = page.locator(".verdict")
    expect(verdict).to_be_visible()
    expect(verdict.locator(".verdict-summary")).to_contain_text("expected 900")
    expect(page.locator(".board-col[data-column=Dead] .token")).to_have_count(4)
    counter = page.locator(".prim[data-resource=counter]")
    lost = int(verdict.locator(".fact[data-fact=lost] dd").inner_text().replace(",", ""))
    if lost:
        expect(counter.locator(".prim-should")).to_contain_text(f"should be 900 — {lost} lost")
    run_id = stage.get_attribute("data-run")
    assert page.evaluate(f"localStorage.getItem('threadlab:control:{run_id}')")
    expect(page.get_by_role("button", name="Share")).to_be_visible()  # test_classroom.py
    expect(page.locator(".log-row").first).to_contain_text("The run ended: Finished")
    shot(page, "race-verdict-1280x720")


def test_semaphore_never_lets_more_in_than_it_has_permits(
    page: Any, live_url: str, shot: Any
) -> None:
    run_id = start(page, "semaphore", workers=6, connections=2, query=0.05)
    log = events(live_url, run_id)
    pool = page.locator(".prim[data-resource=pool]")
    first_wait = next(e for e in log if e["kind"] == "block" and e["obj"] == "pool")
    go_to(page, first_wait["seq"])
    expect(pool.locator(".slot.is-taken")).to_have_count(2)
    expect(pool.locator(".prim-big").first).to_have_text("0 of 2 permits left")
    waiter = page.locator(f".token[data-thread={first_wait['thread']}]")
    expect(waiter.locator(".token-doing")).to_have_text(
        re.compile(r"^waits for a permit of pool, held by W\d+, W\d+$")
    )
    expect(pool.locator(".waiters")).to_contain_text(first_wait["thread"])
    page.locator(".board-card").scroll_into_view_if_needed()
    shot(page, "semaphore-waiting-1280x720")
    for seq in range(1, len(log) + 1, max(1, len(log) // 12)):
        go_to(page, seq)
        assert pool.locator(".slot.is-taken").count() <= 2, f"more than 2 holders after #{seq}"
    page.keyboard.press("End")
    expect(page.locator(".verdict")).to_be_visible()
    expect(pool.locator(".prim-big").first).to_have_text("2 of 2 permits left")


def test_queue_shows_its_contents_and_who_waits(page: Any, live_url: str, shot: Any) -> None:
    run_id = start(page, "queue", items=5, producers=2, consumers=2, maxsize=2)
    log = events(live_url, run_id)
    full = next(e for e in log if e["kind"] == "block" and e["detail"].get("reason") == "put")
    go_to(page, full["seq"])
    jobs = page.locator(".prim[data-resource=jobs]")
    expect(jobs.locator(".prim-big")).to_contain_text("2 items of 2")
    expect(jobs.locator(".q-item")).to_have_count(2)
    expect(page.locator(f".token[data-thread={full['thread']}] .token-doing")).to_have_text(
        "waits for room in jobs (2 of 2)"
    )
    page.locator(".board-card").scroll_into_view_if_needed()
    shot(page, "queue-full-1280x720")
    page.keyboard.press("End")
    expect(page.locator(".verdict")).to_be_visible()
    expect(jobs.locator(".q-item")).to_have_count(0)


@pytest.mark.parametrize(
    ("scenario", "params"),
    [
        ("deadlock", {}),
        ("race", {"threads": 2, "iterations": 100}),
        ("semaphore", {"workers": 4, "connections": 2, "query": 0.02}),
        ("queue", {"items": 3, "maxsize": 2}),
    ],
)
def test_on_a_phone(phone: Any, scenario: str, params: dict[str, Any], shot: Any) -> None:
    start(phone, scenario, **params)
    phone.keyboard.press("End")
    expect(phone.locator(".verdict")).to_be_visible()
    assert_no_sideways_scroll(phone)
    phone.locator("[data-role=stage]").scroll_into_view_if_needed()
    phone.evaluate("document.querySelector('[data-role=stage]').scrollIntoView()")
    shot(phone, f"{scenario}-phone")
    phone.evaluate("document.querySelector('.board-card').scrollIntoView()")
    shot(phone, f"{scenario}-phone-board")


def test_manual_stepping_goal_and_undo(page: Any) -> None:
    """Against stand-in endpoints with the contract of issue 4 (the server side may not
    exist yet): Step buttons per runnable thread, keys 1–9, the goal, Undo."""
    server = FakeManualServer()
    page.route(re.compile(r".*/api/runs(/.*)?(\?.*)?$"), server.handle)
    page.goto("/scenarios/race")
    page.get_by_label("Controlled").check()
    page.locator("#sched-policy").select_option("manual")
    page.locator("#param-threads").fill("2")
    page.get_by_role("button", name="Run", exact=True).click()
    manual = page.locator("[data-role=manual-panel]")
    expect(manual.locator(".manual-goal")).to_have_text("Your goal: make it lose an update.")
    buttons = manual.locator(".step-button")
    expect(buttons).to_have_text(["1Step T1", "2Step T2"])
    expect(page.locator(".run-info")).to_contain_text("Python 3.11.7")
    page.keyboard.press("2")
    expect(manual.locator("[data-role=step-note]")).to_have_text("T2 took a step.")
    assert server.steps == [("T2", "token-1")]
    expect(manual.locator(".manual-goal")).to_have_text(
        "Goal reached: you made it lose an update in 2 steps."
    )
    expect(page.locator(".verdict")).to_be_visible()
    manual.get_by_role("button", name="Undo last step").click()
    expect(page.locator("[data-role=stage]")).to_have_attribute("data-run", "run-2")
    assert server.created[-1]["options"]["choices"] == ["T1"]
    assert server.created[-1]["policy"] == "manual"


def test_break_it_searches_then_opens_the_run(page: Any, live_url: str) -> None:
    recorded = (FIXTURES / "deadlock-controlled.jsonl").read_text().splitlines()
    polls = iter(
        [
            {"status": "running", "tries": 3, "budget": 50, "found": False, "run": None},
            {
                "status": "done", "tries": 7, "budget": 50, "found": True, "seed": 3,
                "run": {"id": "found", "links": {"page": "/runs/found"}},
            },
        ]
    )  # fmt: skip
    page.route("**/api/search", lambda route: route.fulfill(status=202, json={"id": "s1"}))
    page.route("**/api/search/s1", lambda route: route.fulfill(json=next(polls)))
    page.route("**/api/runs/found", lambda route: route.fulfill(json=fake_run("found", "deadlock")))
    page.route("**/api/runs/found/events*", lambda route: route.fulfill(
        headers={"Content-Type": "text/event-stream"}, body=sse(recorded)))  # fmt: skip
    page.route("**/api/runs/found/presence", lambda route: route.fulfill(
        headers={"Content-Type": "text/event-stream"}, body=QUIET_STREAM))  # fmt: skip
    page.goto("/scenarios/deadlock")
    page.locator("[data-role=budget]").fill("50")
    page.get_by_role("button", name="Break it").click()
    status = page.locator("[data-role=search-status]")
    expect(status).to_contain_text("Found it after 7 tries: seed 3")
    stage = page.locator("[data-role=stage]")
    expect(stage).to_have_attribute("data-run", "found")
    expect(stage).to_have_attribute("data-stream", "ended")
    page.keyboard.press("End")
    expect(page.locator("[data-role=deadlock-banner]")).to_be_visible()
    expect(page.locator("#sched-seed")).to_have_value("3")


def test_break_it_on_a_server_without_search(page: Any) -> None:
    page.console.allow("status of 404")
    page.route(
        "**/api/search", lambda route: route.fulfill(status=404, json={"detail": "Not Found"})
    )
    page.goto("/scenarios/deadlock")
    page.get_by_role("button", name="Break it").click()
    expect(page.locator("[data-role=search-status]")).to_have_text(
        "This server cannot search for seeds yet."
    )
    expect(page.get_by_role("button", name="Break it")).to_be_hidden()


# --- helpers ---------------------------------------------------------------------------


def start(page: Any, scenario: str, **params: Any) -> str:
    """Run `scenario` from its page and wait until its whole log has arrived."""
    page.goto(f"/scenarios/{scenario}")
    for name, value in params.items():
        page.locator(f"#param-{name}").fill(str(value))
    page.get_by_role("button", name="Run", exact=True).click()
    stage = page.locator("[data-role=stage]")
    expect(stage).to_have_attribute("data-stream", "ended", timeout=30_000)
    run_id = stage.get_attribute("data-run")
    assert run_id
    return str(run_id)


def events(live_url: str, run_id: str) -> list[dict[str, Any]]:
    """The run's whole log, from its (ended) event stream."""
    text = httpx.get(f"{live_url}/api/runs/{run_id}/events", timeout=10).text
    return [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: ")]


def go_to(page: Any, seq: int) -> None:
    """Scrub to the moment after event `seq`."""
    scrub = page.locator("[data-role=scrub]")
    # The bar takes the log's length on its next frame; a range input clamps a value past max.
    page.wait_for_function(
        "seq => Number(document.querySelector('[data-role=scrub]').max) >= seq", arg=seq
    )
    scrub.fill(str(seq))
    expect(page.locator("[data-role=stage]")).to_have_attribute("data-played", str(seq))


# A presence stream where nobody presents (and no reconnect within a test's time).
QUIET_STREAM = "retry: 600000\n\n"


def sse(lines: list[str], *extra: str) -> str:
    out = ["retry: 150\n"]
    for line in lines:
        event = json.loads(line)
        name = "event: end\n" if event["kind"] == "end" else ""
        out.append(f"{name}id: {event['seq']}\ndata: {line}\n")
    out.extend(extra)
    return "\n".join(out) + "\n"


def fake_run(run_id: str, scenario: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": run_id, "status": "finished", "scenario": scenario, "params": {},
        "mode": "controlled", "seed": 3, "policy": "random", "options": {},
        "python": "3.11.7", "verdict": None, "message": None,
        "links": {"events": f"/api/runs/{run_id}/events", "page": f"/runs/{run_id}"},
        **fields,
    }  # fmt: skip


def event(seq: int, kind: str, thread: str | None, state: str | None, **kw: Any) -> str:
    body = {"seq": seq, "t": seq / 1e6, "kind": kind, "thread": thread, "state": state}
    body |= {"obj": kw.get("obj"), "line": kw.get("line"), "detail": kw.get("detail", {})}
    return json.dumps(body)


class FakeManualServer:
    """A manual race of two threads: it waits for one step, then loses an update."""

    HEAD: ClassVar[list[str]] = [
        event(1, "create", "MainThread", "New"),
        event(2, "start", "MainThread", "Runnable"),
        event(3, "run", "MainThread", "Running"),
        event(4, "declare", "MainThread", "Running", obj="counter", line=10,
              detail={"type": "Shared", "value": 0}),
        event(5, "create", "T1", "New", line=17),
        event(6, "create", "T2", "New", line=17),
        event(7, "start", "T1", "Runnable", line=19),
        event(8, "start", "T2", "Runnable", line=19),
    ]  # fmt: skip
    TAIL: ClassVar[list[str]] = [
        event(9, "run", "T2", "Running"),
        event(10, "read", "T2", "Running", obj="counter", line=14, detail={"value": 0}),
        event(11, "end", None, None, detail={
            "status": "finished", "schedule": ["T1", "T2"], "steps": 12,
            "verdict": {"summary": "2 threads × 1 increment: expected 2, got 1 — 1 update lost.",
                        "facts": {"expected": 2, "actual": 1, "lost": 1}}}),
    ]  # fmt: skip

    def __init__(self) -> None:
        self.steps: list[tuple[str, str]] = []
        self.created: list[dict[str, Any]] = []

    def handle(self, route: Any) -> None:
        request = route.request
        path = request.url.split("?")[0]
        if request.method == "POST" and path.endswith("/api/runs"):
            self.created.append(request.post_data_json)
            run_id = f"run-{len(self.created)}"
            route.fulfill(status=201, json={
                "id": run_id, "status": "running", "control_token": f"token-{len(self.created)}",
                "links": {"events": f"/api/runs/{run_id}/events", "page": f"/runs/{run_id}"},
            })  # fmt: skip
        elif request.method == "POST" and path.endswith("/step"):
            self.steps.append(
                (request.post_data_json["thread"], request.headers["x-control-token"])
            )
            route.fulfill(status=202, json={"stepped": request.post_data_json["thread"]})
        elif path.endswith("/presence"):
            route.fulfill(headers={"Content-Type": "text/event-stream"}, body=QUIET_STREAM)
        elif path.endswith("/events"):
            waiting = 'event: waiting\ndata: {"runnable": ["T1", "T2"], "step": 3}\n'
            body = sse(self.HEAD + self.TAIL) if self.steps else sse(self.HEAD, waiting)
            route.fulfill(headers={"Content-Type": "text/event-stream"}, body=body)
        else:
            run_id = path.rsplit("/", 1)[-1]
            route.fulfill(json=fake_run(run_id, "race", status="running", policy="manual",
                                        runnable=["T1", "T2"], steps=3))  # fmt: skip
