"""``/api/scenarios``: the scenario library, as the picker and the scenario page need it."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.handlers import errors
from app.api.schemas import ScenarioDetail, ScenarioSummary
from app.errors import ScenarioNotFound
from app.scenarios import registry

router = APIRouter(prefix="/api/scenarios", tags=["scenarios"], responses=errors(404))


@router.get("", operation_id="list_scenarios")
async def list_scenarios() -> list[ScenarioSummary]:
    return [ScenarioSummary.model_validate(s.public()) for s in registry.scenarios()]


@router.get("/{scenario_id}", operation_id="get_scenario")
async def get_scenario(scenario_id: str) -> ScenarioDetail:
    try:
        scenario = registry.get(scenario_id)
    except KeyError:
        raise ScenarioNotFound(scenario_id) from None
    return ScenarioDetail.model_validate(scenario.public(with_source=True))
