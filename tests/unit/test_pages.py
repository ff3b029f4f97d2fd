"""``app/api/pages.py``: the picker, the scenario page and the run page, rendered."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi import FastAPI

from app.api import pages
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
    for path in ["/", "/scenarios/race", "/runs/abc", "/scenarios/nope"]:
        html = get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
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
