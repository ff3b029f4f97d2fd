"""The code the page shows and copies: the program with the run's parameter values in
``main``'s signature, and the note on what the tracing changes beside the verdict.

Screenshots: ``test-artifacts/race-tracing-note-1280x720.png`` (the note under a free
race's verdict, as a class sees it on a projector); ``plus-equals-bytecode-1280x720.png``
(a thread stopped between the load and the store of ``counter.hits += 1``).
"""

from __future__ import annotations

from typing import Any

from tests.browser.lazy import expect
from tests.browser.test_visualizer import events, go_to

SIGNATURE = ".code-line .code-text >> text=/^def main\\(/"


def test_changing_a_parameter_changes_the_code_and_what_copy_copies(page: Any) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/scenarios/race")
    signature = page.locator(SIGNATURE)
    expect(signature).to_have_text("def main(threads=4, iterations=1000, switch_interval_us=100):")
    page.locator("#param-threads").fill("7")
    page.locator("#param-switch_interval_us").fill("250")
    expect(signature).to_have_text("def main(threads=7, iterations=1000, switch_interval_us=250):")
    # The line numbers stay the program's: the signature is still on its line.
    source = page.request.get("/api/scenarios/race/program").text()
    line = next(i for i, text in enumerate(source.splitlines(), 1) if text.startswith("def main"))
    expect(page.locator(f".code-line[data-line='{line}'] .code-text")).to_contain_text("threads=7")

    copy = page.locator("[data-role=copy-code]")
    expect(copy).to_be_enabled()
    copy.click()
    expect(copy).to_have_text("✓ Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "def main(threads=7, iterations=1000, switch_interval_us=250):" in copied
    assert copied.rstrip().endswith("main()")  # the whole file, runnable with python3
    assert copied.count("\n") == source.count("\n")

    # A value the form rejects leaves the code as it was: no program is asked for. The
    # next accepted value is asked for after it, so once that one shows, a request made
    # for the rejected one would already be in the list.
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/program" in r.url else None)
    page.locator("#param-threads").fill("99")
    page.locator("#param-threads").press("Tab")  # "change": the code is redrawn now, or never
    expect(signature).to_contain_text("threads=7")
    page.locator("#param-threads").fill("8")
    page.locator("#param-threads").press("Tab")
    expect(signature).to_have_text("def main(threads=8, iterations=1000, switch_interval_us=250):")
    assert asked and all("threads=8" in url for url in asked), asked


def test_a_demo_link_and_a_shared_run_show_their_own_values(page: Any) -> None:
    page.goto("/scenarios/race?threads=3&iterations=40")
    signature = page.locator(SIGNATURE)
    expect(signature).to_have_text("def main(threads=3, iterations=40, switch_interval_us=100):")
    page.get_by_role("button", name="Run", exact=True).click()
    stage = page.locator("[data-role=stage]")
    expect(stage).to_have_attribute("data-stream", "ended", timeout=30_000)
    run_id = stage.get_attribute("data-run")

    page.goto(f"/runs/{run_id}")
    expect(page.locator(SIGNATURE)).to_have_text(
        "def main(threads=3, iterations=40, switch_interval_us=100):"
    )
    expect(page.locator("[data-role=code-text]")).to_have_value(
        page.request.get("/api/scenarios/race/program?threads=3&iterations=40").text()
    )


def test_a_free_race_says_what_the_tracing_changes(page: Any, shot: Any) -> None:
    page.goto("/scenarios/race")
    page.locator("#param-threads").fill("3")
    page.locator("#param-iterations").fill("300")
    page.get_by_role("button", name="Run", exact=True).click()
    stage = page.locator("[data-role=stage]")
    expect(stage).to_have_attribute("data-stream", "ended", timeout=30_000)
    page.keyboard.press("End")
    verdict = page.locator(".verdict")
    expect(verdict).to_be_visible()
    note = verdict.locator("[data-role=tracing-note]")
    expect(note).to_contain_text("Note:")
    expect(note).to_contain_text("python3")
    verdict.scroll_into_view_if_needed()
    shot(page, "race-tracing-note-1280x720")

    # Controlled: the scheduler decides where threads switch, so there is nothing to say.
    page.get_by_label("Controlled").check()
    page.locator("#sched-seed").fill("3")
    page.get_by_role("button", name="Run again", exact=True).click()
    expect(stage).to_have_attribute("data-stream", "ended", timeout=30_000)
    page.keyboard.press("End")
    expect(verdict).to_be_visible()
    expect(verdict.locator(".verdict-summary")).to_contain_text("expected 900")
    expect(note).to_have_count(0)


def test_a_free_run_without_shared_data_has_no_note(page: Any) -> None:
    page.goto("/scenarios/lifecycle")
    page.get_by_role("button", name="Run", exact=True).click()
    stage = page.locator("[data-role=stage]")
    expect(stage).to_have_attribute("data-stream", "ended", timeout=30_000)
    page.keyboard.press("End")
    expect(page.locator(".verdict")).to_be_visible()
    expect(page.locator("[data-role=tracing-note]")).to_have_count(0)


def test_a_bytecode_step_shows_the_instruction_of_the_line_on_the_page(
    page: Any, live_url: str, shot: Any
) -> None:
    """At bytecode granularity ``counter.hits += 1`` stops before its own instructions
    (load, add, store) — never the calls the worker made of it."""
    page.goto("/scenarios/plus-equals?policy=random&seed=1")  # not the default: manual
    page.get_by_role("button", name="Run", exact=True).click()
    stage = page.locator("[data-role=stage]")
    expect(stage).to_have_attribute("data-stream", "ended", timeout=30_000)
    run_id = str(stage.get_attribute("data-run"))
    source = page.request.get("/api/scenarios/plus-equals/program").text()
    line = next(n for n, text in enumerate(source.splitlines(), 1) if "counter.hits += 1" in text)
    log = events(live_url, run_id)
    stops = [e for e in log if e["kind"] == "preempt" and e["line"] == line]
    assert {e["detail"]["op"] for e in stops} <= {"LOAD_FAST", "LOAD_ATTR", "LOAD_CONST"} | {
        "BINARY_OP",
        "STORE_ATTR",
    }
    # A stop after the load and before the store: the update can be lost here.
    torn = next(e for e in stops if e["detail"]["op"] in ("LOAD_CONST", "BINARY_OP", "STORE_ATTR"))
    who, op = torn["thread"], torn["detail"]["op"]
    go_to(page, torn["seq"])
    chip = page.locator(f".code-line[data-line='{line}'] .chip[title^='{who}:']")
    expect(chip).to_have_attribute("title", f"{who}: Runnable, stopped before {op}")
    chip.scroll_into_view_if_needed()
    shot(page, "plus-equals-bytecode-1280x720")


def test_a_thread_that_raised_stays_on_its_line_with_the_exception(
    page: Any, live_url: str
) -> None:
    source = (
        "import threading\n"
        "\n"
        "\n"
        "def work():\n"
        "    items = []\n"
        "    return items[3]\n"
        "\n"
        "\n"
        "def main():\n"
        "    t = threading.Thread(target=work, name='reader')\n"
        "    t.start()\n"
        "    t.join()\n"
    )
    created = page.request.post("/api/runs", data={"source": source})
    assert created.status == 201, created.text()
    run_id = created.json()["id"]
    page.goto(f"/runs/{run_id}")
    stage = page.locator("[data-role=stage]")
    expect(stage).to_have_attribute("data-stream", "ended", timeout=30_000)
    page.keyboard.press("End")
    chip = page.locator(".code-line[data-line='6'] .chip[title^='reader:']")
    expect(chip).to_have_attribute(
        "title", "reader: Dead, raised IndexError: list index out of range"
    )
    expect(chip.locator(".chip-error")).to_have_text("raised IndexError")
