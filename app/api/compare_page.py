"""The compare page: a run "Break it" found beside a run of the same program that passed.

``GET /compare?found=<run id>&passed=<run id>`` shows both runs' timelines on one event
axis, each with its outcome, the first point where their schedules differ marked on
both, and that point in a sentence (``static/js/pages/compare.js``; the computation is
``static/js/model/compare.js``). Like the run page, the browser loads the runs through
the API and follows them live until both have ended. This route only checks what it can
say at once, as a page: an id missing or unknown (404), or two runs of different
programs (422) — a comparison of those would mark a "difference" that means nothing.
It sends the site's usual CSP (no inline script or style) and the contract JSON block
(``base.html``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.api.deps import ManagerDep
from app.api.pages import not_found, templates
from app.contract import OWN_CODE
from app.errors import NotFound
from app.runs.run import Run
from app.scenarios import registry

router = APIRouter(include_in_schema=False)

ROLES = {"found": "the failing run", "passed": "the run that passed"}


def same_program(a: Run, b: Run) -> bool:
    """Both runs ran one program: the same scenario with the same parameters, or the
    same source text."""
    if a.scenario != b.scenario:
        return False
    if a.scenario == OWN_CODE:
        return a.source == b.source
    return a.params == b.params


def program_title(run: Run) -> str:
    """What the page calls the program: the scenario's title, or "your program"."""
    if run.scenario == OWN_CODE:
        return "your program"
    try:
        return registry.get(run.scenario).title
    except KeyError:  # a recording of a scenario this server no longer has
        return run.scenario


def _program(run: Run) -> str:
    """One run's program, in words, to say why two cannot be compared."""
    if run.scenario == OWN_CODE:
        return "your own program"
    params = ", ".join(f"{name}={value}" for name, value in sorted(run.params.items()))
    return f"“{program_title(run)}” ({params})" if params else f"“{program_title(run)}”"


def _different(a: Run, b: Run) -> str:
    """Why two runs cannot be compared, in a sentence."""
    if a.scenario == b.scenario == OWN_CODE:
        return "These two runs ran different code, so their schedules cannot be compared."
    if a.scenario == b.scenario:
        names = sorted(set(a.params) | set(b.params))
        differ = [n for n in names if a.params.get(n) != b.params.get(n)]
        one, other = (", ".join(f"{n}={r.params.get(n)}" for n in differ) for r in (a, b))
        return (
            f"These two runs of “{program_title(a)}” have different parameters — {one} and "
            f"{other} — so their schedules cannot be compared."
        )
    return (
        f"These two runs are of different programs — {_program(a)} and {_program(b)} — "
        "so their schedules cannot be compared."
    )


@router.get("/compare", response_class=HTMLResponse)
async def compare_page(
    request: Request, manager: ManagerDep, found: str = "", passed: str = ""
) -> HTMLResponse:
    ids = {"found": found.strip(), "passed": passed.strip()}
    runs: dict[str, Run] = {}
    for role, run_id in ids.items():
        if not run_id:
            return not_found(
                request,
                f"A comparison needs two runs: /compare?found=<run id>&passed=<run id> "
                f"(the “{role}” run is missing).",
            )
        try:
            runs[role] = await manager.find(run_id)
        except NotFound:
            return not_found(
                request,
                f"There is no run “{run_id}” ({ROLES[role]}) on this server: "
                "it may have been deleted.",
            )
    context: dict[str, Any] = {
        "found": ids["found"],
        "passed": ids["passed"],
        "title": program_title(runs["found"]),
        "problem": None,
    }
    if not same_program(runs["found"], runs["passed"]):
        why = _different(runs["found"], runs["passed"])
        context["problem"] = f"{why} Compare two runs of one program with the same parameters."
        return templates.TemplateResponse(request, "compare.html", context, status_code=422)
    return templates.TemplateResponse(request, "compare.html", context)
