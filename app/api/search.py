"""``/api/search``: "Break it" — find a seed whose controlled run reaches a goal."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from app.api.answers import SearchInfo
from app.api.deps import SettingsDep
from app.api.handlers import Answers, errors
from app.api.limits import client_key, get_limiter
from app.api.own_code import admit
from app.api.schemas import SearchRequest
from app.contract import OWN_CODE
from app.runs.compile_check import check_program
from app.runs.search_jobs import SearchManager

router = APIRouter(
    prefix="/api/search", tags=["search"], responses=errors(400, 403, 404, 409, 413, 422, 429)
)


def _searches(request: Request) -> SearchManager:
    searches: SearchManager = request.app.state.searches
    return searches


# A started search's answer links to the search, so clients can follow it.
STARTED: Answers = {
    202: {
        "description": "The search runs; follow it at its link.",
        "links": {
            "GetSearch": {
                "operationId": "get_search",
                "parameters": {"search_id": "$response.body#/id"},
            }
        },
    }
}


@router.post("", status_code=202, operation_id="start_search", responses=STARTED)
async def start_search(
    body: SearchRequest, request: Request, response: Response, settings: SettingsDep
) -> SearchInfo:
    limiter, client = get_limiter(request), client_key(request)
    limiter.check(client, "runs or searches")  # searches share the run_rate
    if body.source is not None:  # its tries run someone's own code: as a run would
        admit(request, settings)
        await check_program(body.source, settings.worker_python)
    search = _searches(request).start(
        body.scenario or OWN_CODE, body.params, body.goal, body.policy, body.budget, body.source
    )
    limiter.add(client)
    response.headers["Location"] = f"/api/search/{search.id}"
    return SearchInfo.model_validate(search.public())


@router.get("/{search_id}", operation_id="get_search")
async def get_search(search_id: str, request: Request) -> SearchInfo:
    return SearchInfo.model_validate(_searches(request).get(search_id).public())
