"""The HTML pages: the scenario picker, a scenario, a shared run and the recent runs.

Pages are thin: they render the registry's data into templates, and the browser's ES
modules (``static/js``) do the rest through the JSON API.  No page carries inline
script or style, so the site runs under ``Content-Security-Policy: default-src 'self'``.

A scenario link can carry its whole setup, for a teacher's slides (a *demo link*)::

    /scenarios/race?threads=8&iterations=500&mode=controlled&seed=7&policy=pct&autorun=1

The page opens with the form filled in from it; a bad or out-of-range value is shown as
that field's error (the same sentence the API would answer), and such a link never runs
on open.  Scenario parameters are named as they are; the schedule's keys are
``DEMO_KEYS`` (PCT's depth is ``pct_depth``: scenarios have a parameter called depth).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

import app
from app import contract
from app.scenarios import registry


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
    context: dict[str, Any] = {
        "scenario": scenario.public(with_source=True),
        "paragraphs": [p.strip() for p in scenario.explanation.split("\n\n") if p.strip()],
        "fixed_by": _fix(scenario),
        **defaults,
        "demo": demo_link(scenario, request.query_params, defaults),
        "goal_labels": GOAL_LABELS,
        "budget": SEARCH_BUDGET,
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


GOAL_LABELS = {
    "deadlock": "a deadlock",
    "lost_update": "a lost update",
    "any_failure": "any failure",
}
SEARCH_BUDGET = 200  # seeds "Break it" tries by default


def run_defaults(scenario: registry.Scenario) -> dict[str, Any]:
    """What the run form starts with: free mode where the scenario can run free; for a
    challenge (controlled only, with goals) the manual policy, so you step it yourself;
    the scenario's own controlled options (``extra["options"]``, e.g. bytecode steps)."""
    options = dict(scenario.extra.get("options", {}))
    mode = "free" if "free" in scenario.modes else "controlled"
    challenge = mode == "controlled" and bool(scenario.goals)
    return {
        "default_mode": mode,
        "default_policy": "manual" if challenge else "random",
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


# --- demo links ---------------------------------------------------------------------

DEMO_KEYS = ("mode", "seed", "policy", "pct_depth", "granularity", "autorun")
POLICIES = ("random", "round_robin", "pct", "manual")
GRANULARITIES = ("operation", "bytecode")
MAX_SEED = 2**32 - 1
YES = ("1", "true", "yes", "on")
NO = ("0", "false", "no", "off")


@dataclass
class DemoLink:
    """A scenario link's setup, as the form shows it.

    ``params``/``schedule``: the value each field starts with (typed if valid, the
    link's own text if not); ``errors``: a sentence per bad field, keyed like the
    form's error slots (a parameter's name, ``sched-seed``…, ``""`` for the link as a
    whole); ``autorun``: run on open (never with errors)."""

    params: dict[str, Any] = field(default_factory=dict)
    schedule: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    autorun: bool = False


def demo_link(
    scenario: registry.Scenario, query: Mapping[str, str], defaults: dict[str, Any]
) -> DemoLink:
    """Read a demo link's query against ``scenario`` (see the module's docstring)."""
    demo = DemoLink(params={p.name: p.default for p in scenario.params})
    known = {p.name: p for p in scenario.params}
    for name, text in query.items():
        if name in known:
            _demo_param(demo, known[name], text)
        elif name not in DEMO_KEYS:
            _unknown_key(demo, scenario, name)
    _demo_schedule(demo, scenario, query, defaults)
    wanted = _flag(demo, query.get("autorun", ""))
    if wanted and demo.errors:
        _error(demo, "", "It would run on open, but not with values like these.")
    demo.autorun = wanted and not demo.errors
    return demo


def _error(demo: DemoLink, key: str, message: str) -> None:
    demo.errors[key] = f"{demo.errors[key]} {message}" if key in demo.errors else message


def _unknown_key(demo: DemoLink, scenario: registry.Scenario, name: str) -> None:
    names = ", ".join(p.name for p in scenario.params) or "none"
    _error(demo, "", f"This link sets '{name}', which “{scenario.title}” does not have "
           f"(its parameters: {names}); it was left out.")  # fmt: skip


def _demo_param(demo: DemoLink, param: registry.Param, text: str) -> None:
    try:
        demo.params[param.name] = param.coerce(_typed(param, text))
    except registry.ParamError as error:
        demo.params[param.name] = text
        _error(demo, param.name, error.message)


def _typed(param: registry.Param, text: str) -> Any:
    """The link's text as the parameter's type, or the text itself (coerce says why not)."""
    text = text.strip()
    if param.type == "bool":
        low = text.lower()
        return True if low in YES else False if low in NO else text
    if param.type == "choice":
        return text
    for convert in (int, float) if param.type == "int" else (float,):
        try:
            return convert(text)
        except ValueError:
            continue
    return text


def _demo_schedule(
    demo: DemoLink, scenario: registry.Scenario, query: Mapping[str, str], defaults: dict[str, Any]
) -> None:
    options = defaults["default_options"]
    demo.schedule = {
        "mode": defaults["default_mode"],
        "seed": "",
        "policy": defaults["default_policy"],
        "depth": options.get("depth", 3),
        "granularity": options.get("granularity", "operation"),
    }
    controlled_keys = [k for k in ("seed", "policy", "pct_depth", "granularity") if k in query]
    mode = _demo_mode(demo, scenario, query.get("mode"), bool(controlled_keys))
    if mode is None:
        return  # a bad mode: its error says so; what depends on it is left at the defaults
    if mode != "controlled":
        for key in controlled_keys:
            _error(demo, "sched-mode", f"'{key}' applies only to controlled mode, and "
                   f"this link runs “{scenario.title}” free; it was left out.")  # fmt: skip
        return
    _demo_choice(demo, "policy", query.get("policy"), POLICIES)
    _demo_choice(demo, "granularity", query.get("granularity"), GRANULARITIES)
    _demo_number(demo, "seed", "seed", query.get("seed"), 0, MAX_SEED)
    if "pct_depth" in query and demo.schedule["policy"] != "pct":
        _error(demo, "sched-policy", "'pct_depth' applies only to the PCT policy (policy=pct).")
    else:
        _demo_number(demo, "depth", "pct_depth", query.get("pct_depth"), 1, 10)


def _demo_mode(
    demo: DemoLink, scenario: registry.Scenario, text: str | None, wants_controlled: bool
) -> str | None:
    """The link's mode (controlled if it only sets a seed or policy); None if bad."""
    modes = scenario.modes
    if text is None:
        implied = wants_controlled and "controlled" in modes
        text = "controlled" if implied else str(demo.schedule["mode"])
    elif text not in modes:
        allowed = " or ".join(modes)
        _error(demo, "sched-mode", f"'mode' must be {allowed} for “{scenario.title}”; "
               f"got {text!r}.")  # fmt: skip
        return None
    demo.schedule["mode"] = text
    return text


def _demo_choice(demo: DemoLink, key: str, text: str | None, allowed: tuple[str, ...]) -> None:
    if text is None:
        return
    if text in allowed:
        demo.schedule[key] = text
    else:
        _error(demo, f"sched-{key}", f"'{key}' must be one of {', '.join(allowed)}; got {text!r}.")


def _demo_number(
    demo: DemoLink, key: str, name: str, text: str | None, low: int, high: int
) -> None:
    if text is None:
        return
    demo.schedule[key] = text
    try:
        value = int(text.strip())
    except ValueError:
        _error(demo, f"sched-{key}", f"'{name}' must be a whole number, not {text!r}.")
        return
    if not low <= value <= high:
        _error(demo, f"sched-{key}", f"'{name}' must be between {low:,} and {high:,}; "
               f"got {value:,}.")  # fmt: skip
        return
    demo.schedule[key] = value


def _flag(demo: DemoLink, text: str) -> bool:
    low = text.strip().lower()
    if low in YES:
        return True
    if low not in NO and low != "":
        _error(demo, "", f"'autorun' must be 1 or 0; got {text!r}, so the link does not run.")
    return False
