"""The classroom workflow in real Chromium against the real server: demo links, the
Share dialog, presenter mode with two people, the recent runs page, the downloads.

Tests wait on conditions (attributes the pages set), never on time.  Screenshots go to
``test-artifacts/``: look at them as a student at the back of the room would.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.browser.lazy import expect
from tests.browser.test_browser_pages import assert_no_sideways_scroll
from tests.browser.test_visualizer import start

DEMO = "/scenarios/race?threads=3&iterations=40&mode=controlled&seed=7&policy=pct&pct_depth=2"


def test_demo_link_fills_the_form_and_runs_on_open(page: Any, live_url: str, shot: Any) -> None:
    page.goto(DEMO + "&autorun=1")
    stage = page.locator("[data-role=stage]")
    expect(stage).to_have_attribute("data-stream", "ended", timeout=30_000)
    expect(page.locator("#param-threads")).to_have_value("3")
    expect(page.locator("#param-iterations")).to_have_value("40")
    expect(page.get_by_label("Controlled")).to_be_checked()
    expect(page.locator("#sched-seed")).to_have_value("7")
    expect(page.locator("#sched-policy")).to_have_value("pct")
    expect(page.locator("#sched-depth")).to_have_value("2")
    # It ran once: a reload shows that run (#run=…), and does not start another.
    expect(page).to_have_url(re.compile(r"/scenarios/race\?threads=3&[^#]*#run="))
    assert "autorun" not in page.url
    run = httpx.get(f"{live_url}/api/runs/{stage.get_attribute('data-run')}", timeout=10).json()
    assert (run["params"]["threads"], run["params"]["iterations"]) == (3, 40)
    assert (run["mode"], run["seed"], run["policy"]) == ("controlled", 7, "pct")
    expect(page.locator(".run-info")).to_contain_text("seed 7")
    page.keyboard.press("End")
    expect(page.locator(".verdict")).to_be_visible()
    shot(page, "demo-link-autorun-1280x720")


def test_copy_demo_link_builds_the_link_from_the_form(page: Any, live_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/scenarios/race")
    page.locator("#param-threads").fill("8")
    page.locator("#param-iterations").fill("500")
    page.get_by_label("Controlled").check()
    page.locator("#sched-seed").fill("7")
    page.locator("#sched-policy").select_option("pct")
    page.get_by_role("button", name="Copy demo link").click()
    link = page.locator("[data-role=demo-url]")
    expected = (
        f"{live_url}/scenarios/race?threads=8&iterations=500&switch_interval_us=100"
        "&mode=controlled&seed=7&policy=pct&pct_depth=3&autorun=1"
    )
    expect(link).to_have_value(expected)
    assert page.evaluate("navigator.clipboard.readText()") == expected
    # A bad field: no link, its error instead.
    page.locator("#param-threads").fill("99")
    page.get_by_role("button", name="Copy demo link").click()
    expect(page.locator("[data-error-for=threads]")).to_have_text(
        "'threads' must be between 1 and 16; got 99."
    )
    note = page.locator("[data-role=demo-note]")
    expect(note).to_have_text("Fix the values marked in red first.")


def test_bad_demo_link_shows_its_errors_and_does_not_run(page: Any, shot: Any) -> None:
    posts: list[str] = []
    page.on("request", lambda r: r.method == "POST" and posts.append(r.url))
    page.goto(
        "/scenarios/race?threads=99&iterations=ten&mode=controlled&seed=-1&colour=red&autorun=1"
    )
    expect(page.locator("[data-role=link-note]")).to_be_visible()
    expect(page.locator("[data-error-for=threads]")).to_have_text(
        "'threads' must be between 1 and 16; got 99."
    )
    expect(page.locator("[data-error-for=iterations]")).to_have_text(
        "'iterations' must be a whole number, not 'ten'."
    )
    expect(page.locator("[data-error-for=sched-seed]")).to_have_text(
        "'seed' must be between 0 and 4,294,967,295; got -1."
    )
    note = page.locator("[data-role=link-note]")
    expect(note).to_contain_text("This link sets 'colour'")
    expect(note).to_contain_text("It would run on open, but not with values like these.")
    expect(page.locator("#param-threads")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".stream-status")).to_have_attribute("data-status", "idle")
    assert page.locator("[data-role=stage]").get_attribute("data-run") in (None, "")
    assert posts == []
    shot(page, "demo-link-errors-1280x720")


def test_share_dialog_on_a_loopback_server_says_how_to_share(
    page: Any, live_url: str, shot: Any
) -> None:
    run_id = start(page, "race-locked", threads=2, iterations=20)
    page.get_by_role("button", name="Share", exact=True).click()
    dialog = page.locator("[data-role=share-dialog]")
    expect(dialog).to_have_attribute("data-state", "ready")
    warning = dialog.locator("[data-role=share-warning]")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("The class cannot open this link")
    expect(warning).to_contain_text("127.0.0.1")
    port = urlsplit(live_url).port
    expect(dialog.locator("[data-role=share-command]")).to_have_text(
        f"threadlab --share --port {port}"
    )
    expect(dialog.locator("[data-role=share-url]")).to_have_value(f"{live_url}/runs/{run_id}")
    expect(dialog.locator("[data-role=share-qr]")).to_be_hidden()  # nobody could open it
    expect(dialog.locator("[data-role=share-present-hint]")).to_be_visible()  # the creator
    shot(page, "share-loopback-1280x720")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_share_dialog_on_a_lan_shows_the_lan_link_and_its_qr_code(
    page: Any, phone: Any, live_url: str, shot: Any
) -> None:
    """The server bound to 0.0.0.0 (as /api/share answers then): the LAN link, in the QR."""
    run_id = start(page, "race-locked", threads=2, iterations=20)
    lan = f"http://192.168.1.20:{urlsplit(live_url).port}/runs/{run_id}"
    own = f"{live_url}/runs/{run_id}"  # /api/qr only encodes links of this server
    answer = {
        "url": lan, "local_url": own, "reachable": True, "hint": None, "command": None,
        "lan_urls": [lan, lan.replace("192.168.1.20", "10.0.0.7")],
        "qr": str(httpx.URL("/api/qr", params={"data": own})),
    }  # fmt: skip
    for p in (page, phone):
        p.route("**/api/share?*", lambda route: route.fulfill(json=answer))
    page.get_by_role("button", name="Share", exact=True).click()
    dialog = page.locator("[data-role=share-dialog]")
    expect(dialog).to_have_attribute("data-state", "ready")
    expect(dialog.locator("[data-role=share-warning]")).to_be_hidden()
    expect(dialog.locator("[data-role=share-url]")).to_have_value(lan)
    expect(dialog.locator("[data-role=share-others]")).to_contain_text("10.0.0.7")
    image = dialog.locator("[data-role=share-qr-image]")
    expect(image).to_be_visible()
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=image.element_handle())
    svg = page.request.get(image.get_attribute("src")).text()
    assert own in svg  # segno writes the encoded link as the SVG's title
    shot(page, "share-lan-1280x720")

    phone.goto(f"/runs/{run_id}")
    phone.get_by_role("button", name="Share", exact=True).click()
    expect(phone.locator("[data-role=share-dialog]")).to_have_attribute("data-state", "ready")
    expect(phone.locator("[data-role=share-present-hint]")).to_be_hidden()  # not the creator
    assert_no_sideways_scroll(phone)
    shot(phone, "share-phone")


def test_presenter_mode_the_follower_tracks_the_presenter(
    page: Any, viewer: Any, phone: Any, shot: Any
) -> None:
    run_id = start(page, "race-locked", threads=3, iterations=30)
    teacher = page.locator("[data-role=stage]")
    student = viewer.locator("[data-role=stage]")
    page.keyboard.press("Home")
    page.get_by_role("button", name="Present", exact=True).click()
    expect(page.locator("[data-role=presence]")).to_contain_text("Presenting")

    viewer.goto(f"/runs/{run_id}")
    expect(viewer.locator("[data-role=present]")).to_be_hidden()  # not the creator
    badge = viewer.locator("[data-role=presence]")
    expect(badge).to_contain_text("Following the teacher")
    expect(page.locator("[data-role=presence]")).to_contain_text("1 other screen follows")

    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(teacher).to_have_attribute("data-played", "5")
    expect(student).to_have_attribute("data-played", "5")
    page.keyboard.press("End")
    end = teacher.get_attribute("data-played")
    expect(student).to_have_attribute("data-played", end or "")

    # Play, at the teacher's speed; pause: the student lands on the teacher's event.
    page.keyboard.press("Home")
    expect(student).to_have_attribute("data-played", "0")
    page.locator("[data-role=speed]").select_option("4")
    page.keyboard.press(" ")
    expect(student).to_have_attribute("data-playing", "true")
    expect(viewer.locator("[data-role=speed]")).to_have_value("4")
    expect(student).not_to_have_attribute("data-played", "0")
    page.keyboard.press(" ")
    expect(teacher).to_have_attribute("data-playing", "false")
    paused_at = teacher.get_attribute("data-played") or ""
    expect(student).to_have_attribute("data-playing", "false")
    expect(student).to_have_attribute("data-played", paused_at)

    # A late joiner on a phone lands where the teacher is, and the teacher sees two.
    phone.goto(f"/runs/{run_id}")
    expect(phone.locator("[data-role=presence]")).to_contain_text("Following the teacher")
    expect(phone.locator("[data-role=stage]")).to_have_attribute("data-played", paused_at)
    expect(page.locator("[data-role=presence]")).to_contain_text("2 other screens follow")
    assert_no_sideways_scroll(phone)
    shot(page, "presenter-1280x720")
    shot(viewer, "follower-1280x720")
    phone.evaluate("document.querySelector('[data-role=stage]').scrollIntoView()")
    shot(phone, "follower-phone")

    # Detach: the teacher moves, the student stays. Re-join: back with the teacher.
    badge.get_by_role("button", name="Detach").click()
    expect(badge).to_contain_text("You left the teacher's playback")
    seen = int(student.get_attribute("data-presenter-messages") or "0")
    page.keyboard.press("Home")
    expect(student).to_have_attribute("data-presenter-messages", str(seen + 1))
    expect(student).to_have_attribute("data-played", paused_at)
    badge.get_by_role("button", name="Re-join the teacher").click()
    expect(student).to_have_attribute("data-played", "0")
    # The student's own controls detach too.
    viewer.keyboard.press("ArrowRight")
    expect(badge).to_contain_text("You left the teacher's playback")
    badge.get_by_role("button", name="Re-join the teacher").click()
    expect(student).to_have_attribute("data-played", "0")

    page.get_by_role("button", name="Stop presenting").click()
    expect(badge).to_contain_text("The teacher stopped presenting")
    expect(page.locator("[data-role=presence]")).to_be_hidden()


def test_recent_runs_lists_runs_and_the_creator_deletes_one(
    page: Any, phone: Any, live_url: str, shot: Any
) -> None:
    mine = start(page, "deadlock")
    body = {"scenario": "race-locked", "params": {"threads": 2, "iterations": 10}}
    theirs = httpx.post(f"{live_url}/api/runs", json=body, timeout=10).json()["id"]
    httpx.get(f"{live_url}/api/runs/{theirs}/events", timeout=30)  # returns at its end

    page.get_by_role("link", name="Recent runs").click()
    expect(page).to_have_url(re.compile(r"/runs$"))
    expect(page.locator("[data-role=retention]")).to_contain_text("keeps the newest")
    rows = page.locator(".run-row")
    expect(rows.first).to_have_attribute("data-run", theirs)  # newest first
    row = page.locator(f".run-row[data-run='{mine}']")
    expect(row).to_contain_text("Deadlocked")
    expect(row.locator(".run-mine")).to_have_text("yours")
    expect(page.locator(f".run-row[data-run='{theirs}'] [data-action=delete]")).to_have_count(0)
    shot(page, "runs-1280x720")
    phone.goto("/runs")
    expect(phone.locator(f".run-row[data-run='{theirs}']")).to_be_visible()
    assert_no_sideways_scroll(phone)
    shot(phone, "runs-phone")

    page.locator("[data-role=scenario]").select_option("deadlock")
    expect(page).to_have_url(re.compile(r"/runs\?scenario=deadlock$"))
    expect(page.locator(f".run-row[data-run='{theirs}']")).to_have_count(0)
    expect(row).to_be_visible()

    delete = row.get_by_role("button", name="Delete")
    delete.click()
    expect(row.get_by_role("button", name="Really delete?")).to_be_visible()
    row.get_by_role("button", name="Really delete?").click()
    expect(row).to_have_count(0)
    expect(page.locator("[data-role=runs-status]")).to_contain_text("Deleted.")
    assert httpx.get(f"{live_url}/api/runs/{mine}", timeout=10).status_code == 404

    page.locator("[data-role=scenario]").select_option("")
    open_link = page.locator(f".run-row[data-run='{theirs}'] a", has_text="Open")
    open_link.click()
    expect(page).to_have_url(re.compile(f"/runs/{theirs}$"))


def test_downloads_of_a_run(page: Any) -> None:
    run_id = start(page, "race-locked", threads=2, iterations=5)
    downloads = page.locator("[data-role=downloads]")
    expect(downloads).to_be_visible()
    expect(downloads).to_contain_text("chrome://tracing")
    jsonl = downloads.get_by_role("link", name="Every event (.jsonl)")
    expect(jsonl).to_have_attribute("href", f"/api/runs/{run_id}/events.jsonl")
    lines = page.request.get(jsonl.get_attribute("href")).text().splitlines()
    played = page.locator("[data-role=stage]").get_attribute("data-played")
    assert [json.loads(line)["seq"] for line in lines] == list(range(1, len(lines) + 1))
    assert played is not None
    trace = downloads.get_by_role("link", name="Chrome trace (.json)")
    with page.expect_download() as download:
        trace.click()
    path = download.value.path()
    events = json.loads(path.read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    assert any(e.get("name") == "thread_name" for e in events)
