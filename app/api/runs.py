"""``/api/runs``: start a run, look at it, cancel it, step it (manual policy)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from app.api.deps import ControlToken, ManagerDep
from app.runs.manager import RunManager
from app.runs.run import Run

router = APIRouter(prefix="/api/runs", tags=["runs"])


class RunRequest(BaseModel):
    """What a client may ask for; anything else in the body is refused (422)."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = Field(max_length=100)
    params: dict[str, Any] = Field(default_factory=dict)
    mode: Literal["free", "controlled"] = "free"
    seed: int | None = Field(None, ge=0, lt=2**32, description="None: a random seed.")
    policy: Literal["random", "round_robin", "pct", "manual"] = "random"
    options: dict[str, Any] = Field(default_factory=dict)


class StepRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    thread: str = Field(min_length=1, max_length=200)


def links(run: Run) -> dict[str, str]:
    return {
        "self": f"/api/runs/{run.id}",
        "events": f"/api/runs/{run.id}/events",
        "page": f"/runs/{run.id}",
        "trace": f"/api/runs/{run.id}/trace",
    }


def describe(run: Run, manager: RunManager) -> dict[str, Any]:
    return {**run.public(manager.queue_position(run)), "links": links(run)}


@router.post("", status_code=201)
async def create_run(body: RunRequest, manager: ManagerDep, response: Response) -> dict[str, Any]:
    run = manager.submit(
        body.scenario, body.params, body.mode, body.seed, body.policy, body.options
    )
    response.headers["Location"] = links(run)["self"]
    return {
        "id": run.id,
        "status": run.status,
        "links": links(run),
        "control_token": run.control_token,
    }


@router.get("/{run_id}")
async def get_run(run_id: str, manager: ManagerDep) -> dict[str, Any]:
    return describe(manager.get(run_id), manager)


@router.post("/{run_id}/cancel")
async def cancel_run(
    run_id: str, manager: ManagerDep, token: ControlToken = None
) -> dict[str, Any]:
    return describe(await manager.cancel(run_id, token), manager)


@router.post("/{run_id}/step", status_code=202)
async def step_run(
    run_id: str, body: StepRequest, manager: ManagerDep, token: ControlToken = None
) -> dict[str, Any]:
    await manager.step(run_id, token, body.thread)
    return {"id": run_id, "stepped": body.thread}
