"""``/api/scenarios``: the scenario library, as the picker and the scenario page need it,
and a scenario's program with chosen parameter values written into ``main``."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from app.api.answers import ScenarioDetail, ScenarioSummary
from app.api.demo import text_params
from app.api.handlers import Answers, errors
from app.errors import InvalidParams, ScenarioNotFound
from app.scenarios import registry
from app.scenarios.source import with_params

router = APIRouter(prefix="/api/scenarios", tags=["scenarios"], responses=errors(404))

PYTHON = "text/x-python"
PROGRAM: Answers = {
    200: {
        "description": "The program's file, with each parameter given in the query "
        "(`?threads=8&iterations=500`, typed as in a demo link) written into main's "
        "signature; the others keep their defaults. Line numbers are the run's.",
        "content": {PYTHON: {"schema": {"type": "string"}}},
    },
    **errors(422),
}


@router.get("", operation_id="list_scenarios")
async def list_scenarios() -> list[ScenarioSummary]:
    return [ScenarioSummary.model_validate(s.public()) for s in registry.scenarios()]


@router.get("/{scenario_id}", operation_id="get_scenario")
async def get_scenario(scenario_id: str) -> ScenarioDetail:
    return ScenarioDetail.model_validate(_scenario(scenario_id).public(with_source=True))


@router.get(
    "/{scenario_id}/program",
    operation_id="get_program",
    response_class=Response,
    responses=PROGRAM,
)
async def get_program(scenario_id: str, request: Request) -> Response:
    """The program as a run with these parameters runs it: what "Copy" copies."""
    scenario = _scenario(scenario_id)
    try:
        params = scenario.validate(text_params(scenario_id, request.query_params))
    except registry.ParamError as error:
        raise InvalidParams(error.name, error.message) from None
    return Response(with_params(scenario.source, params), media_type=PYTHON)


def _scenario(scenario_id: str) -> registry.Scenario:
    try:
        return registry.get(scenario_id)
    except KeyError:
        raise ScenarioNotFound(scenario_id) from None
