"""``app/api/pages.py``: the picker, the scenario page and the run page, rendered."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi import FastAPI

from app.api import demo, pages
from app.scenarios import registry

Get = Callable[[str], httpx.Response]


@pytest.fixture(scope="module")
def get() -> Iterator[Get]:
    """GET a path from an app holding only the pages router (no run manager).

    Each request runs in a thread of its own: ``asyncio.run`` in the main thread failed
    when the browser tests ran first in the same session (Playwright's sync API keeps an
    event loop running there)."""
    app = FastAPI()
    app.include_router(pages.router)

    async def fetch(path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://pages") as client:
            return await client.get(path)

    with ThreadPoolExecutor(1) as pool:
        yield lambda path: pool.submit(asyncio.run, fetch(path)).result()


def test_groups_follow_the_registry_order() -> None:
    groups = pages.groups()
    names = [g.name for g in groups]
    known = [name for name in registry.GROUPS if name in names]
    assert names[: len(known)] == known
    listed = [s.id for g in groups for s in g.scenarios]
    assert sorted(listed) == sorted(s.id for s in registry.scenarios())
    for group in groups:
        assert group.intro == registry.GROUPS.get(group.name, "")


def test_picker_links_every_scenario_under_its_group(get: Get) -> None:
    answer = get("/")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    for scenario in registry.scenarios():
        assert f'href="/scenarios/{scenario.id}"' in answer.text
    for group in pages.groups():
        assert f">{group.name}</h2>" in answer.text


@pytest.mark.parametrize("scenario", registry.scenarios(), ids=lambda s: s.id)
def test_scenario_page_has_a_field_per_parameter(get: Get, scenario: registry.Scenario) -> None:
    answer = get(f"/scenarios/{scenario.id}")
    assert answer.status_code == 200
    html = answer.text
    assert f'data-scenario="{scenario.id}"' in html
    for param in scenario.params:
        assert f'name="{param.name}"' in html
        assert f'data-error-for="{param.name}"' in html
    first_line = scenario.source.splitlines()[0]
    assert first_line.split()[0] in html  # the source is on the page, readable without JS


def test_pages_keep_to_the_content_security_policy(get: Get) -> None:
    """default-src 'self': no inline script, no inline style, no handler attributes."""
    for path in [
        "/",
        "/scenarios/race",
        "/runs/abc",
        "/scenarios/nope",
        "/runs",
        "/scenarios/race?threads=99",
    ]:
        html = get(path).text
        # No inline script; a JSON data block (the run contract) is never executed.
        executable = r'<script(?![^>]*\b(?:src=|type="application/json"))'
        assert not re.search(executable, html), path
        assert " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path
        assert "http://" not in html and "https://" not in html, f"{path} loads nothing remote"


def test_unknown_scenario_is_a_404_page(get: Get) -> None:
    answer = get("/scenarios/no-such-thing")
    assert answer.status_code == 404
    assert "no-such-thing" in answer.text
    assert 'href="/"' in answer.text


def test_run_page_carries_the_run_id(get: Get) -> None:
    answer = get("/runs/Ab3_x-9")
    assert answer.status_code == 200
    assert 'data-run="Ab3_x-9"' in answer.text


def test_run_id_is_escaped(get: Get) -> None:
    answer = get('/runs/"><img src=x>')
    assert "<img src=x>" not in answer.text


@pytest.mark.parametrize("scenario", registry.scenarios(), ids=lambda s: s.id)
def test_scheduling_fields_follow_the_scenarios_modes(
    get: Get, scenario: registry.Scenario
) -> None:
    html = get(f"/scenarios/{scenario.id}").text
    assert f'data-modes="{" ".join(scenario.modes)}"' in html
    both = len(scenario.modes) > 1
    assert ('value="controlled" data-sched="mode"' in html) == both
    assert ('data-sched="seed"' in html) == ("controlled" in scenario.modes)
    breakit = bool(scenario.goals) and "controlled" in scenario.modes
    assert ('data-role="breakit"' in html) == breakit
    for goal in scenario.goals if breakit else ():
        assert f'<option value="{goal}">' in html


def test_run_defaults() -> None:
    """Free where a scenario can run free; a challenge starts stepped by hand; a
    scenario's own options (bytecode steps for plus-equals) are the form's defaults."""
    assert pages.run_defaults(registry.get("race"))["default_mode"] == "free"
    challenge = pages.run_defaults(registry.get("plus-equals"))
    assert challenge == {
        "default_mode": "controlled",
        "default_policy": "manual",
        "default_options": {"granularity": "bytecode"},
    }


def test_bytecode_is_preselected_where_the_scenario_asks(get: Get) -> None:
    html = get("/scenarios/plus-equals").text
    assert '<option value="bytecode" selected>' in html
    assert '<option value="manual" selected>' in html


def test_every_page_loads_the_display_boot_script_first(get: Get) -> None:
    html = get("/").text
    assert html.index("/static/js/boot.js") < html.index("/static/css/app.css")


# --- demo links -------------------------------------------------------------------------


def field(html: str, element_id: str) -> str:
    """The opening tag of the element with ``id``."""
    match = re.search(rf'<(?:input|select)[^>]*\bid="{element_id}"[^>]*>', html)
    assert match, element_id
    return match.group(0)


def error(html: str, key: str) -> str | None:
    """The text of the error slot for ``key``, or None while it is hidden."""
    match = re.search(
        rf'<p class="field-error"[^>]*data-error-for="{key}"([^>]*)>([^<]*)</p>', html
    )
    assert match, key
    return None if "hidden" in match.group(1) else match.group(2)


def test_demo_link_fills_in_the_form(get: Get) -> None:
    html = get(
        "/scenarios/race?threads=8&iterations=500&mode=controlled&seed=7&policy=pct"
        "&pct_depth=2&granularity=bytecode&autorun=1"
    ).text
    assert 'value="8"' in field(html, "param-threads")
    assert 'value="500"' in field(html, "param-iterations")
    assert 'value="100"' in field(html, "param-switch_interval_us")  # the default
    assert re.search(r'value="controlled" data-sched="mode" checked', html)
    assert 'value="7"' in field(html, "sched-seed")
    assert '<option value="pct" selected>' in html
    assert 'value="2"' in field(html, "sched-depth")
    assert '<option value="bytecode" selected>' in html
    assert 'data-autorun="true"' in html
    assert 'data-role="link-note"' not in html
    assert "aria-invalid" not in html


def test_a_link_without_autorun_only_fills_in(get: Get) -> None:
    html = get("/scenarios/condition?recheck=false&items=12").text
    assert "data-autorun" not in html
    assert "checked" not in field(html, "param-recheck")
    assert 'value="12"' in field(html, "param-items")
    assert "checked" in field(get("/scenarios/condition").text, "param-recheck")


def test_a_seed_alone_implies_controlled_mode(get: Get) -> None:
    html = get("/scenarios/deadlock?seed=3").text
    assert re.search(r'value="controlled" data-sched="mode" checked', html)
    assert 'value="3"' in field(html, "sched-seed")


@pytest.mark.parametrize(
    ("query", "key", "message"),
    [
        ("threads=99", "threads", "'threads' must be between 1 and 16; got 99."),
        ("threads=2.5", "threads", "'threads' must be a whole number, not 2.5."),
        ("iterations=ten", "iterations", "'iterations' must be a whole number, not 'ten'."),
        ("seed=-1", "sched-seed", "'seed' must be between 0 and 4,294,967,295; got -1."),
        ("seed=x", "sched-seed", "'seed' must be a whole number, not 'x'."),
        ("mode=fast", "sched-mode", "'mode' must be free or controlled for"),
        ("mode=free&seed=3", "sched-mode", "'seed' applies only to controlled mode"),
        ("policy=best", "sched-policy", "'policy' must be one of random, round_robin, pct"),
        ("policy=random&pct_depth=2", "sched-policy", "'pct_depth' applies only to the PCT"),
        ("policy=pct&pct_depth=11", "sched-depth", "'pct_depth' must be between 1 and 10"),
        ("granularity=atom", "sched-granularity", "'granularity' must be one of operation"),
    ],
)
def test_bad_demo_link_values_are_form_errors(get: Get, query: str, key: str, message: str) -> None:
    answer = get(f"/scenarios/race?{query}&autorun=1")
    assert answer.status_code == 200  # never a blank page
    shown = error(answer.text, key)
    assert shown is not None and message in html_text(shown), shown
    assert "data-autorun" not in answer.text, "a bad link never runs on open"
    assert 'data-role="link-note"' in answer.text
    assert "It would run on open, but not with values like these." in html_text(answer.text)


def test_bad_value_is_kept_in_its_field_and_marked(get: Get) -> None:
    html = get("/scenarios/race?threads=99").text
    tag = field(html, "param-threads")
    assert 'value="99"' in tag and 'aria-invalid="true"' in tag


def test_unknown_link_keys_and_a_bad_autorun_are_said_once_for_the_link(get: Get) -> None:
    html = html_text(get("/scenarios/race?colour=red&autorun=maybe").text)
    assert "This link sets 'colour', which “Race condition: lost updates” does not have" in html
    assert "'autorun' must be 1 or 0; got 'maybe'" in html
    assert "data-autorun" not in html


def test_a_free_only_scenario_refuses_controlled_links(get: Get) -> None:
    html = get("/scenarios/gil-cpu?mode=controlled&autorun=1").text
    assert "'mode' must be free for" in html_text(html)
    assert "data-autorun" not in html


@pytest.mark.parametrize("scenario", registry.scenarios(), ids=lambda s: s.id)
def test_no_parameter_is_named_like_a_demo_link_key(scenario: registry.Scenario) -> None:
    """A parameter called ``seed`` or ``mode`` would be unreachable from a demo link
    (two scenarios have a ``depth``: that is why PCT's is ``pct_depth``)."""
    assert not {p.name for p in scenario.params} & set(demo.DEMO_KEYS)


def test_the_default_page_is_a_demo_link_of_its_defaults() -> None:
    scenario = registry.get("plus-equals")
    link = demo.demo_link(scenario, {}, pages.run_defaults(scenario))
    assert link.errors == {} and not link.autorun
    assert link.params == {p.name: p.default for p in scenario.params}
    assert link.schedule["policy"] == "manual" and link.schedule["granularity"] == "bytecode"


def html_text(html: str) -> str:
    return html.replace("&#39;", "'").replace("&#34;", '"').replace("&quot;", '"')


# --- recent runs, the header, the stage ----------------------------------------------------


def test_recent_runs_page_offers_every_scenario_as_a_filter(get: Get) -> None:
    answer = get("/runs?scenario=deadlock")
    assert answer.status_code == 200
    for scenario in registry.scenarios():
        assert f'<option value="{scenario.id}"' in answer.text
    assert '<option value="deadlock" selected>' in answer.text
    assert "/static/js/pages/runs.js" in answer.text
    assert 'href="/runs" aria-current="page"' in answer.text
    assert " selected>" not in get("/runs?scenario=<nope>").text.split("all scenarios")[1]


def test_every_page_links_the_recent_runs_from_the_header(get: Get) -> None:
    for path in ["/", "/scenarios/race", "/runs/abc", "/runs"]:
        assert '<a href="/runs"' in get(path).text, path


def test_the_stage_has_share_present_and_downloads(get: Get) -> None:
    for path in ["/scenarios/race", "/runs/abc"]:
        html = get(path).text
        for role in ["share-button", "share-dialog", "present", "presence", "downloads"]:
            assert f'data-role="{role}"' in html, (path, role)
        assert "chrome://tracing" in html and "Perfetto" in html
