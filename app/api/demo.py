"""Demo links: a scenario page's link that carries the run's whole setup, for slides::

    /scenarios/race?threads=8&iterations=500&mode=controlled&seed=7&policy=pct&autorun=1

The page opens with the form filled in from it; a bad or out-of-range value is shown as
that field's error, and such a link never runs on open.  Scenario parameters are named
as they are; the schedule's keys are ``DEMO_KEYS`` (PCT's depth is ``pct_depth``:
scenarios have a parameter called depth).  Every name and bound comes from
``app.contract``; a parameter's text becomes a value by ``text_value``, as on the
command line; the sentences are the link's own, naming its keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.contract import (
    DEFAULT_GRANULARITY,
    PCT_DEPTH,
    POLICY_OPTIONS,
    SEED,
    Bounds,
    Granularity,
    Mode,
    Name,
    Policy,
)
from app.scenarios import registry

DEMO_KEYS = ("mode", "seed", "policy", "pct_depth", "granularity", "gil_lane", "autorun")
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
    wanted = _flag(demo, "autorun", query.get("autorun", ""))
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
        demo.params[param.name] = param.coerce(text_value(param, text))
    except registry.ParamError as error:
        demo.params[param.name] = text
        _error(demo, param.name, error.message)


def text_value(param: registry.Param, text: str) -> Any:
    """A parameter's value typed as text (a link, the command line) as the parameter's
    type, or the text itself, for ``Param.coerce`` to say why it is not one."""
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


def text_params(scenario_id: str, pairs: Mapping[str, str]) -> dict[str, Any]:
    """Text values by parameter name, typed (unknown names are left as text)."""
    try:
        known = {p.name: p for p in registry.get(scenario_id).params}
    except KeyError:
        known = {}
    return {
        name: text_value(known[name], text) if name in known else text
        for name, text in pairs.items()
    }


def _demo_schedule(
    demo: DemoLink, scenario: registry.Scenario, query: Mapping[str, str], defaults: dict[str, Any]
) -> None:
    options = defaults["default_options"]
    demo.schedule = {
        "mode": defaults["default_mode"],
        "seed": "",
        "policy": defaults["default_policy"],
        "depth": options.get("depth", PCT_DEPTH.default),
        "granularity": options.get("granularity", DEFAULT_GRANULARITY),
        "gil_lane": False,  # a free run's GIL lane (gil_lane=1)
        "own_lane": bool(scenario.extra.get("gil_lane")),  # a GIL scenario: always on
    }
    controlled_keys = [k for k in ("seed", "policy", "pct_depth", "granularity") if k in query]
    mode = _demo_mode(demo, scenario, query.get("mode"), bool(controlled_keys))
    if mode is None:
        return  # a bad mode: its error says so; what depends on it is left at the defaults
    if mode != Mode.CONTROLLED:
        for key in controlled_keys:
            _error(demo, "sched-mode", f"'{key}' applies only to controlled mode, and "
                   f"this link runs “{scenario.title}” free; it was left out.")  # fmt: skip
        demo.schedule["gil_lane"] = _flag(demo, "gil_lane", query.get("gil_lane", ""))
        return
    if "gil_lane" in query:
        _error(demo, "sched-mode", "'gil_lane' applies only to free mode (in controlled "
               "mode the scheduler's baton is the lane); it was left out.")  # fmt: skip
    _demo_choice(demo, "policy", query.get("policy"), tuple(Policy))
    _demo_choice(demo, "granularity", query.get("granularity"), tuple(Granularity))
    _demo_number(demo, "seed", "seed", query.get("seed"), SEED)
    takes_depth = [p for p, names in POLICY_OPTIONS.items() if "depth" in names]
    if "pct_depth" in query and demo.schedule["policy"] not in takes_depth:
        only = " or ".join(f"policy={p}" for p in takes_depth)
        _error(demo, "sched-policy", f"'pct_depth' applies only to the PCT policy ({only}).")
    else:
        _demo_number(demo, "depth", "pct_depth", query.get("pct_depth"), PCT_DEPTH)


def _demo_mode(
    demo: DemoLink, scenario: registry.Scenario, text: str | None, wants_controlled: bool
) -> str | None:
    """The link's mode (controlled if it only sets a seed or policy); None if bad."""
    modes = scenario.modes
    if text is None:
        implied = wants_controlled and Mode.CONTROLLED in modes
        text = Mode.CONTROLLED if implied else str(demo.schedule["mode"])
    elif text not in modes:
        allowed = " or ".join(modes)
        _error(demo, "sched-mode", f"'mode' must be {allowed} for “{scenario.title}”; "
               f"got {text!r}.")  # fmt: skip
        return None
    demo.schedule["mode"] = text
    return text


def _demo_choice(demo: DemoLink, key: str, text: str | None, allowed: tuple[Name, ...]) -> None:
    if text is None:
        return
    if text in allowed:
        demo.schedule[key] = text
    else:
        names = ", ".join(a.value for a in allowed)
        _error(demo, f"sched-{key}", f"'{key}' must be one of {names}; got {text!r}.")


def _demo_number(demo: DemoLink, key: str, name: str, text: str | None, bounds: Bounds) -> None:
    if text is None:
        return
    demo.schedule[key] = text
    try:
        value = int(text.strip())
    except ValueError:
        _error(demo, f"sched-{key}", f"'{name}' must be a whole number, not {text!r}.")
        return
    if not bounds.low <= value <= bounds.high:
        low, high = bounds.low, bounds.high
        _error(demo, f"sched-{key}", f"'{name}' must be between {low:,} and {high:,}; "
               f"got {value:,}.")  # fmt: skip
        return
    demo.schedule[key] = value


def _flag(demo: DemoLink, key: str, text: str) -> bool:
    low = text.strip().lower()
    if low in YES:
        return True
    if low not in NO and low != "":
        _error(demo, "", f"'{key}' must be 1 or 0; got {text!r}, so the link does not run.")
    return False
