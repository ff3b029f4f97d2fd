"""``/api/scenarios``: the scenario library, as the picker and the scenario page need it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.api.handlers import errors
from app.errors import ScenarioNotFound
from app.scenarios import registry

router = APIRouter(prefix="/api/scenarios", tags=["scenarios"], responses=errors(404))


@router.get("")
async def list_scenarios() -> list[dict[str, Any]]:
    return [scenario.public() for scenario in registry.scenarios()]


@router.get("/{scenario_id}")
async def get_scenario(scenario_id: str) -> dict[str, Any]:
    try:
        scenario = registry.get(scenario_id)
    except KeyError:
        raise ScenarioNotFound(scenario_id) from None
    return scenario.public(with_source=True)
