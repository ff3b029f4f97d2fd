"""The HTML pages: the scenario picker, a scenario, a shared run and the recent runs.

Pages are thin: they render the registry's data into templates, and the browser's ES
modules (``static/js``) do the rest through the JSON API.  No page carries inline
script or style, so the site runs under ``Content-Security-Policy: default-src 'self'``.

A scenario link can carry its whole setup (a *demo link*, ``app/api/demo.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

import app
from app import contract
from app.api.demo import demo_link
from app.contract import Mode, Policy
from app.scenarios import registry
from app.scenarios.source import with_params


def _templates_dir() -> Path:
    """``templates/`` in a source checkout, ``app/_templates`` in an installed wheel."""
    package = Path(app.__file__).parent
    checkout = package.parent / "templates"
    return checkout if checkout.is_dir() else package / "_templates"


templates = Jinja2Templates(directory=_templates_dir())
# Every page gets the run contract: its enums for the template's own tests, and the
# browser's copy (``base.html`` embeds it as JSON for ``static/js``).
templates.env.globals.update(
    Mode=contract.Mode,
    Policy=contract.Policy,
    Granularity=contract.Granularity,
    Status=contract.Status,
    contract=contract.browser_contract(),
)
router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Group:
    name: str
    intro: str
    scenarios: list[registry.Scenario]


def groups() -> list[Group]:
    """Scenarios by concept group: known groups in ``GROUPS`` order, then any others."""
    by_group: dict[str, list[registry.Scenario]] = {}
    for scenario in registry.scenarios():
        by_group.setdefault(scenario.group, []).append(scenario)
    names = [g for g in registry.GROUPS if g in by_group]
    names += [g for g in by_group if g not in registry.GROUPS]
    return [Group(name, registry.GROUPS.get(name, ""), by_group[name]) for name in names]


@router.get("/", response_class=HTMLResponse)
def picker(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "index.html", {"groups": groups()})


@router.get("/scenarios/{scenario_id}", response_class=HTMLResponse)
def scenario_page(request: Request, scenario_id: str) -> HTMLResponse:
    try:
        scenario = registry.get(scenario_id)
    except KeyError:
        return not_found(request, f"There is no scenario called “{scenario_id}”.")
    defaults = run_defaults(scenario)
    demo = demo_link(scenario, request.query_params, defaults)
    valid = {name: value for name, value in demo.params.items() if name not in demo.errors}
    context: dict[str, Any] = {
        "scenario": scenario.public(with_source=True),
        "source": with_params(scenario.source, valid),  # as the form's values run it
        "paragraphs": [p.strip() for p in scenario.explanation.split("\n\n") if p.strip()],
        "fixed_by": _fix(scenario),
        **defaults,
        "demo": demo,
        "goal_labels": {goal.value: contract.LABELS[goal][0] for goal in contract.Goal},
        "budget": contract.SEARCH_BUDGET.default,
    }
    return templates.TemplateResponse(request, "scenario.html", context)


@router.get("/runs", response_class=HTMLResponse)
def recent_runs(request: Request) -> HTMLResponse:
    """The recent runs; the browser lists them from ``GET /api/runs``."""
    chosen = request.query_params.get("scenario", "")
    known = [(s.id, s.title) for s in registry.scenarios()]
    selected = chosen if any(chosen == sid for sid, _ in known) else ""
    return templates.TemplateResponse(
        request, "runs.html", {"choices": known, "selected": selected}
    )


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: str) -> HTMLResponse:
    # The page loads the run through the API, which answers 404 for an unknown run.
    return templates.TemplateResponse(request, "run.html", {"run_id": run_id})


def run_defaults(scenario: registry.Scenario) -> dict[str, Any]:
    """What the run form starts with: free mode where the scenario can run free; for a
    challenge (controlled only, with goals) the manual policy, so you step it yourself;
    the scenario's own controlled options (``extra["options"]``, e.g. bytecode steps)."""
    options = dict(scenario.extra.get("options", {}))
    mode = Mode.FREE if Mode.FREE in scenario.modes else Mode.CONTROLLED
    challenge = mode == Mode.CONTROLLED and bool(scenario.goals)
    return {
        "default_mode": mode,
        "default_policy": Policy.MANUAL if challenge else contract.DEFAULT_POLICY,
        "default_options": options,
    }


def not_found(request: Request, message: str) -> HTMLResponse:
    """The 404 page, with a sentence saying what was not found."""
    return templates.TemplateResponse(
        request, "not_found.html", {"message": message}, status_code=404
    )


def _fix(scenario: registry.Scenario) -> registry.Scenario | None:
    if not scenario.fixed_by:
        return None
    try:
        return registry.get(scenario.fixed_by)
    except KeyError:
        return None
