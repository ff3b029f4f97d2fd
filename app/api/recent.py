"""Recent runs: ``GET /api/runs`` (newest first) and ``DELETE /api/runs/{id}``."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Response

from app.api.answers import RunEntry, RunList
from app.api.deps import ControlToken, ManagerDep, SettingsDep
from app.api.handlers import errors
from app.contract import OWN_CODE
from app.errors import InvalidRequest
from app.runs.store import RunRecord, UnknownCursor
from app.scenarios import registry

OWN_CODE_TITLE = "Your own code"

router = APIRouter(prefix="/api/runs", tags=["runs"], responses=errors(403, 404, 409, 422))


@router.get("", operation_id="recent_runs")
async def recent_runs(
    manager: ManagerDep,
    settings: SettingsDep,
    scenario: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[str | None, Query(max_length=64, description="A run id: older runs.")] = None,
) -> RunList:
    try:
        page = await manager.recent(scenario, limit, before)
    except UnknownCursor:
        raise InvalidRequest(
            f"'before' must be the id of a recorded run; {before!r} is not one "
            "(it may have been deleted). Start again without it."
        ) from None
    more = None
    if page.more and page.records:
        query = {"limit": limit, "before": page.records[-1].id}
        if scenario:
            query["scenario"] = scenario
        more = f"/api/runs?{urlencode(query)}"
    keep = settings.keep_runs
    return RunList(
        runs=[entry(record) for record in page.records],
        next=more,
        keep_runs=keep,
        retention=f"Threadlab keeps the newest {keep:,} runs; older recordings are deleted.",
    )


@router.delete("/{run_id}", status_code=204, operation_id="delete_run", response_class=Response)
async def delete_run(run_id: str, manager: ManagerDep, token: ControlToken = None) -> Response:
    await manager.delete(run_id, token)
    return Response(status_code=204)


def entry(record: RunRecord) -> RunEntry:
    """One run in the listing: enough to show and open it."""
    try:
        title = registry.get(record.scenario).title
    except KeyError:
        title = OWN_CODE_TITLE if record.scenario == OWN_CODE else record.scenario
    verdict = record.verdict or {}
    return RunEntry.model_validate(
        {
            "id": record.id,
            "scenario": record.scenario,
            "title": title,
            "status": record.status,
            "summary": verdict.get("summary") or record.message,
            "mode": record.mode,
            "seed": record.seed,
            "policy": record.policy,
            "params": record.params,
            "created": record.created,
            "ended": record.ended,
            "counts": {"events": record.events, "threads": record.threads},
            "links": {"self": f"/api/runs/{record.id}", "page": f"/runs/{record.id}"},
        }
    )
