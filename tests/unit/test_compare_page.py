"""``app/api/compare_page.py``: the compare page, rendered against a stand-in manager."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi import FastAPI

from app.api import compare_page
from app.contract import OWN_CODE, Mode, Policy
from app.errors import RunNotFound
from app.runs.run import Run

Get = Callable[[str], httpx.Response]
RACE = {"threads": 2, "iterations": 1, "switch_interval_us": 100}


def run(run_id: str, scenario: str = "race", source: str | None = None, **params: int) -> Run:
    return Run(
        scenario=scenario,
        params={} if source is not None else {**RACE, **params},
        mode=Mode.CONTROLLED,
        seed=1,
        policy=Policy.RANDOM,
        options={},
        id=run_id,
        source=source,
    )


RUNS = {
    r.id: r
    for r in (
        run("fail1"),
        run("pass1"),
        run("three", threads=3),
        run("mine-a", OWN_CODE, source="print(1)\n"),
        run("mine-b", OWN_CODE, source="print(2)\n"),
    )
}


class Manager:
    async def find(self, run_id: str) -> Run:
        if run_id not in RUNS:
            raise RunNotFound(run_id)
        return RUNS[run_id]


@pytest.fixture(scope="module")
def get() -> Iterator[Get]:
    """GET a path from an app holding only the compare page (each request in a thread
    of its own, as in test_pages.py)."""
    app = FastAPI()
    app.state.manager = Manager()
    app.include_router(compare_page.router)

    async def fetch(path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://pages") as client:
            return await client.get(path)

    with ThreadPoolExecutor(1) as pool:
        yield lambda path: pool.submit(asyncio.run, fetch(path)).result()


def test_two_runs_of_one_program(get: Get) -> None:
    answer = get("/compare?found=fail1&passed=pass1")
    assert answer.status_code == 200
    html = answer.text
    assert 'data-found="fail1"' in html and 'data-passed="pass1"' in html
    assert "Two runs of Race condition: lost updates" in html
    assert 'href="/runs/fail1"' in html and 'href="/runs/pass1"' in html
    assert '<script type="module" src="/static/js/pages/compare.js">' in html
    assert 'id="threadlab-contract"' in html
    # The site's CSP holds: no inline script or style, nothing remote.
    assert not re.search(r'<script(?![^>]*\b(?:src=|type="application/json"))', html)
    assert " style=" not in html and not re.search(r"\son[a-z]+=", html)
    assert "http://" not in html and "https://" not in html


def test_missing_and_unknown_runs_are_404_pages(get: Get) -> None:
    answer = get("/compare?found=fail1&passed=nope")
    assert answer.status_code == 404
    assert "There is no run “nope” (the run that passed)" in answer.text
    answer = get("/compare?passed=pass1")
    assert answer.status_code == 404
    assert "A comparison needs two runs" in answer.text
    answer = get('/compare?found="><img src=x>&passed=pass1')
    assert answer.status_code == 404
    assert "<img src=x>" not in answer.text


def test_different_programs_are_said_and_not_compared(get: Get) -> None:
    answer = get("/compare?found=fail1&passed=three")
    assert answer.status_code == 422
    assert "have different parameters — threads=2 and threads=3" in answer.text
    assert "pages/compare.js" not in answer.text
    answer = get("/compare?found=mine-a&passed=mine-b")
    assert answer.status_code == 422
    assert "These two runs ran different code" in answer.text
    answer = get("/compare?found=fail1&passed=mine-a")
    assert answer.status_code == 422
    assert "your own program" in answer.text


def test_own_code_runs_compare_by_their_source() -> None:
    same = run("x", OWN_CODE, source="print(1)\n")
    assert compare_page.same_program(RUNS["mine-a"], same)
    assert not compare_page.same_program(RUNS["mine-a"], RUNS["mine-b"])
    assert compare_page.same_program(RUNS["fail1"], RUNS["pass1"])
    assert compare_page.program_title(same) == "your program"
