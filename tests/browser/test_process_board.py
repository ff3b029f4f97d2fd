"""Child processes as lanes in real Chromium: a program with a ``Pool`` and two
``Process``es, run through the API and opened on its run page; the board draws each
process's MainThread as a token of its own, the pool's handler threads quieter, and the
event log says when a process started and how it ended.  A process's tokens are grouped
on the board: together in each column, under one band that names the process in one
colour, each token named by its thread's own name with the process in its accessible
label; axe-core finds nothing wrong with it, light or dark.  Waits on the page's state,
never on time.

Screenshots: ``test-artifacts/process-lanes-timeline-1280x720.png`` (each process's
lanes grouped under it on the timeline), ``process-board-running-1280x720.png`` (the
board while both processes' threads count down) and ``process-board-{light,dark}-1280x720.png``
(the board at the end).
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.browser import test_accessibility as a11y
from tests.browser.lazy import expect
from tests.browser.test_visualizer import events, go_to

pytestmark = pytest.mark.timeout(120)

PROGRAM = """\
import multiprocessing
import threading


def count_down(n):
    while n > 0:
        n -= 1


def two_threads(n):
    workers = [threading.Thread(target=count_down, args=(n,)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def main():
    with multiprocessing.Pool(2) as pool:
        pool.map(count_down, [1000, 2000])
    procs = [multiprocessing.Process(target=two_threads, args=(300_000,)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
"""


def open_run(page: Any, live_url: str) -> tuple[Any, list[dict[str, Any]]]:
    """Run PROGRAM, open its page until its stream has ended: the stage and the log."""
    answer = httpx.post(f"{live_url}/api/runs", json={"source": PROGRAM}, timeout=10)
    assert answer.status_code in (200, 201, 202), answer.text
    run_id = answer.json()["id"]
    page.goto(f"/runs/{run_id}")
    stage = page.locator("[data-role=stage]")
    expect(stage).to_have_attribute("data-stream", "ended", timeout=60_000)
    return stage, events(live_url, run_id)


def test_processes_are_lanes_on_the_page(page: Any, live_url: str, shot: Any) -> None:
    stage, log = open_run(page, live_url)
    assert log[-1]["detail"]["status"] == "finished", log[-1]["detail"]
    page.keyboard.press("End")
    expect(stage).to_have_attribute("data-played", str(len(log)))
    for lane in ("Process-3/MainThread", "Process-4/MainThread", "Process-3/Thread-1 (count_down)"):
        expect(page.locator(f".token[data-thread='{lane}']")).to_have_count(1)
    handler = page.locator(".token[data-thread='Thread-1 (_handle_workers)']")
    expect(handler).to_have_class(re.compile(r"(^|\s)is-internal(\s|$)"))
    timeline = page.locator(".timeline-card canvas").first
    timeline.scroll_into_view_if_needed()
    shot(page, "process-lanes-timeline-1280x720")


# Each column's tokens, in order: thread, process, short name, band text and colour.
COLUMNS = """() => Object.fromEntries([...document.querySelectorAll(".board-col")].map((col) => [
    col.dataset.column,
    [...col.querySelectorAll(".token")].map((t) => {
        const band = t.querySelector(".token-process");
        return {
            thread: t.dataset.thread, process: t.dataset.process ?? null,
            name: t.querySelector(".token-name").textContent, label: t.getAttribute("aria-label"),
            band: band ? band.textContent : null,
            colour: band ? getComputedStyle(band).borderBottomColor : null,
        };
    }),
]))"""


def assert_grouped(columns: dict[str, list[dict[str, Any]]]) -> None:
    """In every column a process's tokens sit together, and each names its process."""
    for column, tokens in columns.items():
        seen: list[str] = []
        for token in tokens:
            process = token["process"]
            if process is None:
                assert token["band"] is None and token["name"] == token["thread"], token
                continue
            assert token["thread"] == f"{process}/{token['name']}", token
            assert token["band"] == process.replace("/", " › "), token
            assert token["label"].startswith(f"{token['name']} of process {process}: "), token
            if seen and seen[-1] == process:
                continue
            assert process not in seen, f"{process}'s tokens are split in {column}: {tokens}"
            seen.append(process)


def board_in_sight(page: Any) -> None:
    """The board's top just under the sticky player bar (for the picture)."""
    page.locator(".board-card").evaluate(
        "card => { card.scrollIntoView({block: 'start'}); window.scrollBy(0, -64); }"
    )


def test_a_process_groups_its_tokens_on_the_board(page: Any, live_url: str, shot: Any) -> None:
    stage, log = open_run(page, live_url)
    counters = [
        e for e in log if re.fullmatch(r"Process-[34]/Thread-\d \(count_down\)", e["thread"] or "")
    ]
    # While the processes' threads count down: the moment before the first of them ends.
    first_end = min(e["seq"] for e in counters if e["kind"] == "exit")
    go_to(page, first_end - 1)
    page.locator(".board-card").scroll_into_view_if_needed()
    assert_grouped(page.evaluate(COLUMNS))
    shot(page, "process-board-running-1280x720")

    page.keyboard.press("End")
    expect(stage).to_have_attribute("data-played", str(len(log)))
    dead = page.evaluate(COLUMNS)["Dead"]
    assert_grouped({"Dead": dead})
    order = [t["thread"] for t in dead]
    for process in ("Process-3", "Process-4"):
        mine = [t for t in dead if t["process"] == process]
        assert [t["name"] for t in mine] == [
            "MainThread", "Thread-1 (count_down)", "Thread-2 (count_down)"
        ], mine  # fmt: skip
        start = order.index(f"{process}/MainThread")
        assert order[start : start + 3] == [t["thread"] for t in mine]  # together, in order
        assert len({t["colour"] for t in mine}) == 1  # one band colour for the process
    colours = {t["process"]: t["colour"] for t in dead if t["process"]}
    assert colours["Process-3"] != colours["Process-4"]
    main = page.locator(".token[data-thread='MainThread']")
    expect(main.locator(".token-process")).to_have_count(0)
    expect(page.locator(".token[data-thread='Process-3/MainThread']")).to_have_attribute(
        "aria-label", re.compile(r"^MainThread of process Process-3: ")
    )
    board_in_sight(page)
    shot(page, "process-board-light-1280x720")
    if not a11y.AXE.exists():
        pytest.skip("axe-core is not installed: run npm ci")
    axe = a11y.AXE.read_text(encoding="utf-8")
    a11y.assert_accessible(page, axe, "the board of a run with child processes (light)")
    page.emulate_media(color_scheme="dark")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(stage).to_have_attribute("data-stream", "ended", timeout=30_000)
    page.keyboard.press("End")
    expect(stage).to_have_attribute("data-played", str(len(log)))
    board_in_sight(page)
    shot(page, "process-board-dark-1280x720")
    a11y.assert_accessible(page, axe, "the board of a run with child processes (dark)")
