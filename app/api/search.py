"""``/api/search``: "Break it" — find a seed whose controlled run reaches a goal."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from app.api.handlers import errors
from app.api.limits import client_key, get_limiter
from app.runs.search_jobs import SearchManager

router = APIRouter(
    prefix="/api/search", tags=["search"], responses=errors(400, 404, 409, 413, 422, 429)
)


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scenario: str = Field(max_length=100)
    params: dict[str, Any] = Field(default_factory=dict)
    goal: Literal["deadlock", "lost_update", "any_failure"]
    policy: Literal["random", "pct", "mixed"] = "mixed"
    budget: int = Field(200, ge=1, le=5000, description="Seeds to try at most.")


def _searches(request: Request) -> SearchManager:
    searches: SearchManager = request.app.state.searches
    return searches


@router.post("", status_code=202)
async def start_search(body: SearchRequest, request: Request, response: Response) -> dict[str, Any]:
    limiter, client = get_limiter(request), client_key(request)
    limiter.check(client, "runs or searches")  # searches share the run_rate
    search = _searches(request).start(
        body.scenario, body.params, body.goal, body.policy, body.budget
    )
    limiter.add(client)
    response.headers["Location"] = f"/api/search/{search.id}"
    return search.public()


@router.get("/{search_id}")
async def get_search(search_id: str, request: Request) -> dict[str, Any]:
    return _searches(request).get(search_id).public()
