"""``/api/runs``: start a run, look at it, cancel it, step it (manual policy)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from app.api.deps import ControlToken, ManagerDep, SettingsDep
from app.api.handlers import errors
from app.api.limits import client_key, get_limiter
from app.errors import InvalidRequest
from app.runs.manager import RunManager
from app.runs.run import Run
from app.settings import Settings

router = APIRouter(
    prefix="/api/runs", tags=["runs"], responses=errors(400, 403, 404, 409, 413, 422, 429)
)


class RunOptions(BaseModel):
    """How the controlled scheduler works; only for ``mode: "controlled"``."""

    model_config = ConfigDict(extra="forbid")

    granularity: Literal["operation", "bytecode"] = Field(
        "operation", description="bytecode: threads may also switch between bytecodes."
    )
    depth: int = Field(3, ge=1, le=10, description="PCT's bug depth d.")
    pct_steps: int = Field(2000, ge=10, le=1_000_000, description="PCT's estimate of steps.")
    choices: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list,
        max_length=100_000,
        description="Replay these picks first (a run's schedule): undo, exact reruns.",
    )


class RunRequest(BaseModel):
    """What a client may ask for; anything else in the body is refused (422)."""

    model_config = ConfigDict(extra="forbid")

    scenario: str = Field(max_length=100)
    params: dict[str, Any] = Field(default_factory=dict)
    mode: Literal["free", "controlled"] = "free"
    seed: int | None = Field(None, ge=0, lt=2**32, description="None: a random seed.")
    policy: Literal["random", "round_robin", "pct", "manual"] = "random"
    options: dict[str, Any] = Field(
        default_factory=dict,
        description="Controlled mode only: " + ", ".join(RunOptions.model_fields) + ".",
        # Inline, not a $ref: a $ref to a model no route uses broke /openapi.json (a 500).
        json_schema_extra={
            key: value
            for key, value in RunOptions.model_json_schema().items()
            if key not in ("title", "description")
        },
    )


def checked_options(body: RunRequest, settings: Settings) -> dict[str, Any]:
    """The run's options, validated; 422 naming the bad option otherwise.  With
    ``settings.test_hooks``, options with a ``fake`` key script the tests' fake worker
    and pass as they are."""
    raw = dict(body.options)
    if settings.test_hooks and "fake" in raw:
        return raw
    if raw and body.mode != "controlled":
        names = ", ".join(RunOptions.model_fields)
        raise InvalidRequest(f"options ({names}) apply only to mode 'controlled'.")
    try:
        options = RunOptions.model_validate(raw).model_dump(exclude_defaults=True)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", "options", *e["loc"])} for e in exc.errors()]
        raise RequestValidationError(errors) from None
    return options


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
async def create_run(
    body: RunRequest,
    manager: ManagerDep,
    settings: SettingsDep,
    request: Request,
    response: Response,
) -> dict[str, Any]:
    options = checked_options(body, settings)
    limiter, client = get_limiter(request), client_key(request)
    limiter.check(client)  # 429 + Retry-After past the client's run_rate
    run = manager.submit(body.scenario, body.params, body.mode, body.seed, body.policy, options)
    limiter.add(client)  # only accepted runs count
    response.headers["Location"] = links(run)["self"]
    return {
        "id": run.id,
        "status": run.status,
        "links": links(run),
        "control_token": run.control_token,
    }


@router.get("/{run_id}")
async def get_run(run_id: str, manager: ManagerDep) -> dict[str, Any]:
    return describe(await manager.find(run_id), manager)


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
