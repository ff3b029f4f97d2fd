"""``/api/runs``: start a run, look at it, cancel it, step it (manual policy).

A created run's answer links (OpenAPI ``links``) to every operation on it, so a client
— or Schemathesis's stateful phase — can walk from ``POST /api/runs`` to the rest.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response

from app.api.answers import RunCreated, RunInfo, RunLinks, Stepped
from app.api.deps import ControlToken, ManagerDep, SettingsDep
from app.api.handlers import Answers, errors
from app.api.limits import client_key, get_limiter
from app.api.own_code import admit
from app.api.schemas import RunRequest, StepRequest, options_of
from app.contract import OWN_CODE
from app.errors import InvalidRequest
from app.runs.compile_check import check_program
from app.runs.manager import RunManager
from app.runs.run import Run
from app.settings import Settings

router = APIRouter(
    prefix="/api/runs", tags=["runs"], responses=errors(400, 403, 404, 409, 413, 422, 429)
)

# The operations a created run's id leads to, for the OpenAPI links of POST /api/runs;
# the creator's ones (CREATOR_ONLY) take the control token from the same answer.
RUN_OPERATIONS = {
    "GetRun": "get_run",
    "CancelRun": "cancel_run",
    "StepRun": "step_run",
    "RunEvents": "run_events",
    "RunTrace": "trace",
    "RunEventsJsonl": "events_jsonl",
    "PresentRun": "present",
    "StopPresenting": "stop_presenting",
    "RunPresence": "follow",
    "DeleteRun": "delete_run",
}
CREATOR_ONLY = {"cancel_run", "step_run", "present", "stop_presenting", "delete_run"}


def _link(operation: str) -> dict[str, Any]:
    parameters = {"run_id": "$response.body#/id"}
    if operation in CREATOR_ONLY:
        parameters["header.X-Control-Token"] = "$response.body#/control_token"
    return {"operationId": operation, "parameters": parameters}


CREATED: Answers = {
    201: {
        "description": "The run is queued; its links lead to everything about it.",
        "links": {name: _link(operation) for name, operation in RUN_OPERATIONS.items()},
    }
}
# Tests only (``settings.test_hooks``): a header that scripts the fake worker.
FAKE_HEADER = "X-Threadlab-Fake"


def links(run: Run) -> RunLinks:
    return RunLinks(
        self=f"/api/runs/{run.id}",
        events=f"/api/runs/{run.id}/events",
        page=f"/runs/{run.id}",
        trace=f"/api/runs/{run.id}/trace",
    )


def describe(run: Run, manager: RunManager) -> RunInfo:
    return RunInfo.model_validate(
        {**run.public(manager.queue_position(run)), "links": links(run).model_dump()}
    )


def fake_script(request: Request, settings: Settings) -> dict[str, Any] | None:
    """What the tests' fake worker is told to do (only with ``test_hooks``)."""
    text = request.headers.get(FAKE_HEADER)
    if not settings.test_hooks or text is None:
        return None
    try:
        script = json.loads(text)
    except ValueError:
        raise InvalidRequest(f"{FAKE_HEADER} must be a JSON object.") from None
    return script if isinstance(script, dict) else None


@router.post("", status_code=201, operation_id="create_run", responses=CREATED)
async def create_run(
    body: RunRequest,
    manager: ManagerDep,
    settings: SettingsDep,
    request: Request,
    response: Response,
) -> RunCreated:
    options = fake_script(request, settings) or options_of(body)
    limiter, client = get_limiter(request), client_key(request)
    limiter.check(client)  # 429 + Retry-After past the client's run_rate
    if body.source is not None:
        admit(request, settings)  # 403 where this client may not run its own code
        await check_program(body.source, settings.worker_python)  # 422 with the line
    scenario = body.scenario or OWN_CODE
    run = manager.submit(
        scenario, body.params, body.mode, body.seed, body.policy, options, body.source
    )
    limiter.add(client)  # only accepted runs count
    response.headers["Location"] = f"/api/runs/{run.id}"
    return RunCreated(
        id=run.id, status=run.status, links=links(run), control_token=run.control_token
    )


@router.get("/{run_id}", operation_id="get_run")
async def get_run(run_id: str, manager: ManagerDep) -> RunInfo:
    return describe(await manager.find(run_id), manager)


@router.post("/{run_id}/cancel", operation_id="cancel_run")
async def cancel_run(run_id: str, manager: ManagerDep, token: ControlToken = None) -> RunInfo:
    return describe(await manager.cancel(run_id, token), manager)


@router.post("/{run_id}/step", status_code=202, operation_id="step_run")
async def step_run(
    run_id: str, body: StepRequest, manager: ManagerDep, token: ControlToken = None
) -> Stepped:
    await manager.step(run_id, token, body.thread)
    return Stepped(id=run_id, stepped=body.thread)
