"""The code page (``/code``): type a program, run it, see its threads; a program that does
not compile shown on its line; "Break it" on the challenge; Share to a second person;
code links (``#src=``) byte for byte; "Open in editor" from a scenario and "Edit a copy"
from a run; the embeddable views in a frame.

The pages are held to ``default-src 'self'`` as everywhere (``conftest.py``), plus only
what the server allows inline on these pages and nothing else: the import map by its
hash, CodeMirror's style element by the page's nonce (the ``page``/``viewer`` fixtures
below). Any other inline script or style — a CSP violation — fails the test.

Screenshots (1280×720, ``test-artifacts/``): ``code-typed``, ``code-ran``,
``code-syntax-error``, ``code-breakit-found``, ``code-share``, ``code-follower``,
``code-run-page``, ``code-embed-run``, ``code-embed-editor``, ``code-refused``.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.contract import MAX_CODE_LINK
from tests.browser.conftest import CSP, DESKTOP, ROOT, Console
from tests.browser.lazy import expect

EXAMPLES = ROOT / "app" / "code_examples"
# The editor's text, read through CodeMirror itself (the page's import map resolves it).
EDITOR_TEXT = """async () => {
  const { EditorView } = await import("@codemirror/view");
  return EditorView.findFromDOM(document.querySelector(".cm-editor")).state.sliceDoc();
}"""
INLINE_ALLOWANCES = ("script-src", "style-src", "frame-ancestors")


def held_csp(sent: str) -> str:
    """``default-src 'self'``, plus the server's own allowances for this page that only
    name hashes or nonces (and who may frame it): never 'unsafe-inline' or a host."""
    kept = [CSP]
    for directive in sent.split(";"):
        name, *sources = directive.split()
        if name not in INLINE_ALLOWANCES:
            continue
        if name == "frame-ancestors" or all(
            s == "'self'" or s.startswith(("'sha256-", "'nonce-")) for s in sources
        ):
            kept.append(directive.strip())
    return "; ".join(kept)


def _with_held_csp(route: Any) -> None:
    if route.request.resource_type not in ("document", "iframe"):
        route.continue_()
        return
    response = route.fetch()
    csp = held_csp(response.headers.get("content-security-policy", ""))
    route.fulfill(response=response, headers={**response.headers, "content-security-policy": csp})


def _open(browser: Any, live_url: str) -> Iterator[Any]:
    context = browser.new_context(base_url=live_url, viewport=DESKTOP)
    page = context.new_page()
    console = Console()
    page.console = console
    page.on("console", lambda m: m.type == "error" and console.errors.append(m.text))
    page.on("pageerror", lambda e: console.errors.append(f"uncaught: {e}"))
    page.route("**/*", _with_held_csp)
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()
    assert console.unexpected() == [], "console errors on the page"


@pytest.fixture
def page(browser: Any, live_url: str) -> Iterator[Any]:
    yield from _open(browser, live_url)


@pytest.fixture
def viewer(browser: Any, live_url: str) -> Iterator[Any]:
    """A second person: a browser context of its own."""
    yield from _open(browser, live_url)


def editor_text(page: Any) -> str:
    return str(page.evaluate(EDITOR_TEXT))


def stage_of(page: Any) -> Any:
    return page.locator("[data-role=stage]")


def load_example(page: Any, name: str) -> str:
    page.locator("[data-role=example]").select_option(name)
    page.get_by_role("button", name="Load", exact=True).click()
    source = (EXAMPLES / f"{name}.py").read_text(encoding="utf-8")
    assert editor_text(page) == source
    return source


def set_program(page: Any, source: str) -> None:
    """Replace the editor's text (select all, type over it: a paste's worth of keys)."""
    page.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(source)
    assert editor_text(page) == source


def settle(page: Any) -> None:
    """Wait for a smooth scroll (the stage brought into view) to end, for a screenshot."""
    last = None
    for _ in range(30):
        now = page.evaluate("window.scrollY")
        if now == last:
            return
        last = now
        page.wait_for_timeout(150)


def wait_ended(page: Any) -> str:
    stage = stage_of(page)
    expect(stage).to_have_attribute("data-stream", "ended", timeout=30_000)
    return str(stage.get_attribute("data-run"))


def test_typing_a_program_by_keyboard_and_running_it(page: Any, shot: Any) -> None:
    page.goto("/code")
    expect(page.locator(".cm-editor")).to_be_visible()
    content = page.locator(".cm-content")
    expect(content).to_have_attribute("aria-labelledby", "editor-title")  # "Your program"
    expect(content).to_have_accessible_name("Your program")
    content.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    # Typed as a person types it: Enter keeps the indentation, Shift+Tab takes it back.
    keys = [
        "import threading", "Enter", "Enter",
        "def work(n):", "Enter",  # indented by the editor
        'print("worker", n)', "Enter", "Shift+Tab", "Enter",
        "threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]", "Enter",
        "for t in threads:", "Enter", "t.start()", "Enter", "Shift+Tab",
        "for t in threads:", "Enter", "Tab", "Shift+Tab", "t.join()",
    ]  # fmt: skip
    for key in keys:
        if key in ("Enter", "Tab", "Shift+Tab"):
            page.keyboard.press(key)
        else:
            page.keyboard.type(key)
    program = (
        "import threading\n\n"
        "def work(n):\n"
        '    print("worker", n)\n\n'
        "threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]\n"
        "for t in threads:\n    t.start()\n"
        "for t in threads:\n    t.join()"
    )
    assert editor_text(page) == program
    # Undo is there; redo brings the text back.
    page.keyboard.press("Control+Z")
    assert editor_text(page) != program
    page.keyboard.press("Control+Shift+Z")
    assert editor_text(page) == program
    shot(page, "code-typed-1280x720")

    # Escape, then Tab, leaves the editor: the keyboard is never trapped in it.
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.cm-editor') === null")
    assert page.evaluate("document.activeElement.matches(':focus-visible')")

    # Ctrl+Enter in the editor runs it.
    content.click()
    with page.expect_request("**/api/runs") as sent:
        page.keyboard.press("Control+Enter")
    assert json.loads(sent.value.post_data)["source"] == program
    wait_ended(page)
    page.keyboard.press("End")
    board = page.locator("[data-role=board]")
    for name in ("MainThread", "Thread-1 (work)", "Thread-2 (work)", "Thread-3 (work)"):
        expect(
            board.locator(f".board-col[data-state=Dead] .token[data-thread='{name}']")
        ).to_be_visible()
    # The stage's code panel shows the code that ran; its output the prints.
    expect(page.locator("[data-role=code-text]")).to_have_value(program)
    expect(page.locator("[data-role=output]")).to_contain_text("worker 2")
    shot(page, "code-ran-1280x720")


def test_a_program_that_does_not_compile_is_shown_on_its_line(page: Any, shot: Any) -> None:
    page.console.allow("status of 422")  # the browser's log of the answer
    page.goto("/code")
    set_program(page, "import threading\n\ndef main(:\n    print('never')\n")
    page.get_by_role("button", name="Run", exact=True).click()
    line = page.locator(".cm-line.cm-syntax-error-line")
    expect(line).to_have_count(1)
    expect(line).to_have_text("def main(:")
    expect(page.locator(".cm-syntax-error-mark")).to_have_text(":")
    expect(page.locator(".cm-syntax-error-message")).to_contain_text("invalid syntax")
    gutter = page.locator(".cm-lineNumbers .cm-gutterElement.cm-syntax-error-gutter")
    expect(gutter).to_have_text("3")
    said = page.locator("[data-role=syntax-error]")
    expect(said).to_be_visible()
    expect(said).to_contain_text("line 3")
    expect(stage_of(page)).not_to_have_attribute("data-stream", "ended")  # nothing ran
    shot(page, "code-syntax-error-1280x720")

    # Editing another line keeps the mark on its line; fixing that line clears it.
    page.keyboard.press("Control+Home")
    page.keyboard.type("# my program\n")
    expect(page.locator(".cm-line.cm-syntax-error-line")).to_have_text("def main(:")
    expect(gutter).to_have_text("4")
    page.locator(".cm-syntax-error-mark").click()
    page.keyboard.type(")")
    expect(page.locator(".cm-syntax-error-line")).to_have_count(0)
    expect(said).to_be_hidden()


def test_break_it_finds_the_failing_assert_and_opens_that_run(page: Any, shot: Any) -> None:
    page.goto("/code?example=racy_counter")
    source = (EXAMPLES / "racy_counter.py").read_text(encoding="utf-8")
    expect(page.locator(".cm-editor")).to_be_visible()
    assert editor_text(page) == source
    assert "example=" not in page.url  # a reload keeps your edits, not the example
    page.get_by_role("button", name="Break it", exact=True).click()
    status = page.locator("[data-role=search-status]")
    expect(status).to_contain_text("Found it", timeout=60_000)
    run_id = wait_ended(page)
    assert f"#run={run_id}" in page.url
    page.keyboard.press("End")
    expect(page.locator(".verdict")).to_contain_text("AssertionError")
    expect(page.locator("[data-role=code-text]")).to_have_value(source)
    settle(page)
    shot(page, "code-breakit-found-1280x720")

    # The found run's own page shows its code, and "Edit a copy" takes it to the editor.
    page.goto(f"/runs/{run_id}")
    expect(page.locator("[data-role=title]")).to_have_text("Your own code")
    expect(page.locator("[data-role=code-text]")).to_have_value(source)
    edit = page.locator("[data-role=edit-code]")
    expect(edit).to_have_text("Edit a copy")
    expect(edit).to_have_attribute("href", re.compile(r"^/code\?mode=controlled&seed=\d+.*#src="))
    shot(page, "code-run-page-1280x720")
    edit.click()
    expect(page).to_have_url(re.compile(r"/code\?mode=controlled"))
    expect(page.locator(".cm-editor")).to_be_visible()
    assert editor_text(page) == source
    expect(page.locator("#sched-seed")).not_to_have_value("")
    assert "src=" not in page.url  # read, then dropped from the URL


def test_share_gives_a_link_a_second_person_opens_to_the_same_code_and_run(
    page: Any, viewer: Any, shot: Any
) -> None:
    page.goto("/code?mode=controlled&seed=7")
    source = load_example(page, "semaphore_pool")
    page.get_by_role("button", name="Run", exact=True).click()
    run_id = wait_ended(page)
    page.get_by_role("button", name="Share").click()
    url_field = page.locator("[data-role=share-url]")
    expect(url_field).to_have_value(re.compile(r"/code\?mode=controlled&seed=7&"))
    link = url_field.input_value()
    assert f"&run={run_id}" in link and "#src=" in link and len(link) <= MAX_CODE_LINK
    shot(page, "code-share-1280x720")

    viewer.goto(link)
    expect(viewer.locator(".cm-editor")).to_be_visible()
    assert editor_text(viewer) == source
    expect(stage_of(viewer)).to_have_attribute("data-run", run_id)
    expect(viewer.locator("[data-role=code-text]")).to_have_value(source)
    expect(viewer.locator("#sched-seed")).to_have_value("7")
    wait_ended(viewer)
    viewer.keyboard.press("End")
    expect(viewer.locator(".board-col[data-state=Dead] .token")).to_have_count(6)
    settle(viewer)
    shot(viewer, "code-follower-1280x720")


TRICKY = "# Grüße 你好 🧵\r\nif True:\r\n\tprint('tab\\there')  \r\n\tname = \"Zoë\"\r\n"


def test_a_code_link_carries_the_program_byte_for_byte(page: Any) -> None:
    token = node_encode(TRICKY)
    page.goto(f"/code?mode=controlled&seed=3#src={token}")
    expect(page.locator(".cm-editor")).to_be_visible()
    assert editor_text(page) == TRICKY  # CRLF kept, tabs, Unicode
    with page.expect_request("**/api/runs") as sent:
        page.get_by_role("button", name="Run", exact=True).click()
    assert json.loads(sent.value.post_data)["source"] == TRICKY
    wait_ended(page)

    # A damaged link says so, and the page still works.
    page.goto("/code#src=AAAA")
    expect(page.locator("[data-role=form-error]")).to_contain_text("cannot be read")


def test_copy_code_link_and_a_program_too_long_for_a_link(page: Any) -> None:
    page.goto("/code?mode=controlled&seed=11")
    source = load_example(page, "locked_counter")
    page.get_by_role("button", name="Copy code link").click()
    field = page.locator("[data-role=code-link-url]")
    expect(field).to_be_visible()
    link = field.input_value()
    assert re.search(r"/code\?mode=controlled&seed=11&policy=\w+&autorun=1#src=[\w-]+$", link)
    # Opened, the link puts the program in the editor and runs it once.
    page.goto(link)
    run_id = wait_ended(page)
    assert editor_text(page) == source
    assert "autorun" not in page.url and f"#run={run_id}" in page.url

    # A program that does not compress into MAX_CODE_LINK characters: no code link;
    # Share offers the recorded run's own link instead, and says why.
    big = f'data = "{secrets.token_urlsafe(9000)}"\nprint(len(data))\n'
    set_program(page, big)
    page.get_by_role("button", name="Copy code link").click()
    expect(page.locator("[data-role=code-link-note]")).to_contain_text("too long for a link")
    expect(field).to_be_hidden()
    page.locator("[name=sched-mode]").first.check()  # free: quick
    page.get_by_role("button", name="Run again", exact=True).click()
    expect(stage_of(page)).not_to_have_attribute("data-run", run_id)
    big_run = wait_ended(page)
    page.get_by_role("button", name="Share").click()
    expect(page.locator("[data-role=share-url]")).to_have_value(re.compile(f"/runs/{big_run}$"))
    expect(page.locator("[data-role=share-note]")).to_contain_text("too long to travel in a link")


def test_open_in_editor_from_a_scenario_page(page: Any) -> None:
    page.goto("/scenarios/race?threads=3&iterations=40&mode=controlled&seed=5")
    open_editor = page.locator("[data-role=edit-code]")
    expect(open_editor).to_have_text("Open in editor")
    program = page.request.get("/api/scenarios/race/program?threads=3&iterations=40").text()
    open_editor.click()
    expect(page).to_have_url(re.compile(r"/code\?mode=controlled&seed=5&policy="))
    expect(page.locator(".cm-editor")).to_be_visible()
    assert editor_text(page) == program
    assert "def main(threads=3, iterations=40" in program


def test_a_refused_run_says_why(page: Any, shot: Any) -> None:
    sentence = "Running your own code is turned off on this server (a test says so)."
    page.route(
        "**/api/runs",
        lambda route: (
            route.fulfill(status=403, json={"detail": sentence})
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    page.console.allow("status of 403")
    page.goto("/code")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator("[data-role=form-error]")).to_have_text(sentence)
    expect(stage_of(page)).to_have_attribute("data-stream", "idle")
    settle(page)
    shot(page, "code-refused-1280x720")


def test_the_embeddable_views_show_in_a_frame_and_the_others_refuse(page: Any, shot: Any) -> None:
    page.goto("/code?example=target_function")
    page.get_by_role("button", name="Run", exact=True).click()
    run_id = wait_ended(page)
    frames = (
        f'<iframe title="run" src="/embed/runs/{run_id}" width="900" height="620"></iframe>'
        '<iframe title="code" src="/embed/code?example=locked_counter" width="900" height="620">'
        "</iframe>"
        '<iframe title="refused" src="/code" width="300" height="100"></iframe>'
    )
    page.route("**/frame-test", lambda route: route.fulfill(content_type="text/html", body=frames))
    page.console.allow("frame-ancestors 'none'")  # /code refuses the frame: Chrome says so
    page.goto("/frame-test")
    run = page.frame_locator("iframe[title=run]")
    expect(run.locator("[data-role=title]")).to_have_text("Your own code")
    expect(run.locator(".site-header")).to_have_count(0)
    run.locator("[data-role=playback] [data-action=end]").click()
    expect(run.locator(".board-col[data-state=Dead] .token")).to_have_count(3)
    code = page.frame_locator("iframe[title=code]")
    expect(code.locator(".cm-editor")).to_be_visible()
    expect(code.locator(".cm-content")).to_contain_text("counter += 1")
    expect(code.locator("[data-role=open-full]")).to_have_attribute("target", "_blank")
    refused = page.frame_locator("iframe[title=refused]")
    expect(refused.locator("body")).not_to_contain_text("Your own code")
    shot(page, "code-embed-run-1280x720")
    page.locator("iframe[title=code]").scroll_into_view_if_needed()
    settle(page)
    shot(page, "code-embed-editor-1280x720")


def node_encode(source: str) -> str:
    """``encodeSource`` of ``static/js/model/srclink.js``, run by Node.js."""
    script = (
        "const m = await import('./static/js/model/srclink.js');"
        "let s = ''; for await (const c of process.stdin) s += c;"
        "process.stdout.write(await m.encodeSource(JSON.parse(s)));"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        input=json.dumps(source),
        cwd=Path(ROOT),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout
