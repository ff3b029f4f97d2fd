"""Every page through axe-core, in the light and the dark theme: no violations.

axe-core is the version ``package-lock.json`` pins (``npm ci`` puts it in
``node_modules``; CI runs that).  The pages' CSP blocks injected script tags, so its
source is evaluated in the page through Playwright, then ``axe.run()`` audits the whole
document with axe's default rules (WCAG 2 A and AA, and its best practices).

The theme is the visitor's ``prefers-color-scheme``, emulated before the first paint
(``boot.js`` reads it).  The pages audited: the picker, a page that is not there, the
race scenario before and after a run (with the keyboard help and the share dialog
open), that run's shared page at its start, halfway and end, the recent runs, and the
code editor (held to its own CSP allowances, as in test_code_page.py).  Screenshots:
``test-artifacts/a11y-*-{light,dark}-1280x720.png``.  Without axe-core the tests are
skipped on a developer's machine, and fail in CI.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.lazy import expect

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
THEMES = ["light", "dark"]
# The run the pages show: short, so it ends in a second; four threads fill the board.
RACE = {"threads": 4, "iterations": 20}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed (npm ci), and CI must run these tests.")
        pytest.skip("axe-core is not installed: run npm ci")
    return AXE.read_text(encoding="utf-8")


def audit(page: Any, axe_source: str) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now (tokens settled, fonts loaded)."""
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_function("document.getAnimations().length === 0")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(f"{axe_source}\n;true")
    violations: list[dict[str, Any]] = page.evaluate(
        """() => axe.run(document, {resultTypes: ["violations"]}).then((result) =>
            result.violations.map((v) => ({
              id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
              nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
            })))"""
    )
    return violations


def report(violations: list[dict[str, Any]]) -> str:
    """The violations, readable: rule, impact, what is wrong, and where."""
    lines = [f"{sum(len(v['nodes']) for v in violations)} nodes in violation:"]
    for v in violations:
        lines.append(f"* {v['id']} ({v['impact']}): {v['help']} — {v['url']}")
        for node in v["nodes"][:12]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    - {node['target']}: {summary}")
        if len(v["nodes"]) > 12:
            lines.append(f"    - … and {len(v['nodes']) - 12} more")
    return "\n".join(lines)


def assert_accessible(page: Any, axe_source: str, where: str) -> None:
    violations = audit(page, axe_source)
    assert not violations, f"axe on {where}:\n{report(violations)}"


def open_in(page: Any, theme: str, url: str) -> None:
    page.emulate_media(color_scheme=theme)
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("data-theme", theme)


def run_race(page: Any) -> str:
    """Run ``race`` from its page to its end; the run's id."""
    for name, value in RACE.items():
        page.locator(f"#param-{name}").fill(str(value))
    page.get_by_role("button", name="Run", exact=True).click()
    stage = page.locator("[data-role=stage]")
    expect(stage).to_have_attribute("data-stream", "ended", timeout=30_000)
    page.keyboard.press("End")
    expect(page.locator(".verdict")).to_be_visible()
    run_id = stage.get_attribute("data-run")
    assert run_id
    return str(run_id)


def assert_no_overlap(page: Any, column: str) -> None:
    """No two tokens of the board's `column` cover each other (once they have settled)."""
    boxes = [
        (token.get_attribute("data-thread"), token.bounding_box())
        for token in page.locator(f".board-col[data-column={column}] .token").all()
    ]
    for i, (name, a) in enumerate(boxes):
        for other, b in boxes[i + 1 :]:
            assert a and b
            across = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
            down = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
            assert across <= 0 or down <= 0, f"{name} and {other} overlap in {column}: {a} {b}"


@pytest.mark.parametrize("theme", THEMES)
def test_picker(page: Any, axe_source: str, theme: str, shot: Any) -> None:
    open_in(page, theme, "/")
    shot(page, f"a11y-picker-{theme}-1280x720")
    assert_accessible(page, axe_source, f"/ ({theme})")


@pytest.mark.parametrize("theme", THEMES)
def test_not_found(page: Any, axe_source: str, theme: str) -> None:
    page.console.allow("status of 404")
    open_in(page, theme, "/scenarios/no-such-thing")
    assert_accessible(page, axe_source, f"a page that is not there ({theme})")


@pytest.mark.parametrize("theme", THEMES)
def test_scenario_run_and_runs_pages(page: Any, axe_source: str, theme: str, shot: Any) -> None:
    open_in(page, theme, "/scenarios/race")
    shot(page, f"a11y-scenario-{theme}-1280x720")
    assert_accessible(page, axe_source, f"/scenarios/race before a run ({theme})")

    run_id = run_race(page)
    dead = page.locator(".board-col[data-column=Dead] .token")
    expect(dead).to_have_count(RACE["threads"] + 1)  # and MainThread
    page.locator(".board-card").scroll_into_view_if_needed()
    shot(page, f"a11y-race-ended-{theme}-1280x720")
    assert_no_overlap(page, "Dead")
    assert_accessible(page, axe_source, f"/scenarios/race after a run ({theme})")
    page.keyboard.press("?")
    expect(page.locator("[data-role=keys-help]")).to_be_visible()
    assert_accessible(page, axe_source, f"the keyboard help ({theme})")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Share", exact=True).click()
    expect(page.locator("[data-role=share-dialog]")).to_be_visible()
    expect(page.locator("[data-role=share-url]")).not_to_have_value("")
    shot(page, f"a11y-share-{theme}-1280x720")
    assert_accessible(page, axe_source, f"the share dialog ({theme})")

    open_in(page, theme, f"/runs/{run_id}")
    stage = page.locator("[data-role=stage]")
    expect(stage).to_have_attribute("data-stream", "ended")
    assert_accessible(page, axe_source, f"/runs/{run_id} before playing ({theme})")
    # Halfway: threads on their lines, a current line in the code and in the log.
    played = int(page.locator("[data-role=scrub]").get_attribute("max") or 0) // 2
    page.locator("[data-role=scrub]").fill(str(played))
    expect(stage).to_have_attribute("data-played", str(played))
    expect(page.locator(".code-line.is-current").first).to_be_visible()
    page.locator(".board-card").scroll_into_view_if_needed()
    shot(page, f"a11y-run-halfway-{theme}-1280x720")
    assert_accessible(page, axe_source, f"/runs/{run_id} halfway ({theme})")
    page.keyboard.press("End")
    expect(page.locator(".verdict")).to_be_visible()
    assert_accessible(page, axe_source, f"/runs/{run_id} at its end ({theme})")

    open_in(page, theme, "/runs")
    expect(page.locator(f"[data-run='{run_id}']").first).to_be_visible()
    shot(page, f"a11y-runs-{theme}-1280x720")
    assert_accessible(page, axe_source, f"/runs ({theme})")


@pytest.fixture
def code_page(browser: Any, live_url: str) -> Iterator[Any]:
    """A page held to the editor's CSP allowances (its import map, its style nonce)."""
    from tests.browser.test_code_page import _open

    yield from _open(browser, live_url)


@pytest.mark.parametrize("theme", THEMES)
def test_code_page(code_page: Any, axe_source: str, theme: str, shot: Any) -> None:
    open_in(code_page, theme, "/code")
    expect(code_page.locator(".cm-content")).to_be_visible()
    shot(code_page, f"a11y-code-{theme}-1280x720")
    assert_accessible(code_page, axe_source, f"/code ({theme})")
