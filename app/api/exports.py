"""Downloads of a run: ``/trace`` (Chrome Trace Event JSON, for Perfetto and
chrome://tracing) and ``/events.jsonl`` (the raw events, JSON Lines)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response
from fastapi.responses import StreamingResponse

from app.api.deps import RunDep
from app.api.handlers import Answers, errors
from app.runs.exports import filename, jsonl, trace_json
from app.runs.run import Run

router = APIRouter(prefix="/api/runs/{run_id}", tags=["exports"], responses=errors(404))


def attachment(run: Run, extension: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename(run, extension)}"'}


TRACE: Answers = {
    200: {
        "description": "Chrome Trace Event JSON, as a download.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}
JSONL: Answers = {
    200: {
        "description": "The run's events, one JSON object a line, as a download.",
        "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
    }
}


@router.get("/trace", operation_id="trace", response_class=Response, responses=TRACE)
async def trace(run: RunDep) -> Response:
    content = await asyncio.to_thread(trace_json, run)  # 200,000 events take a while
    return Response(content, media_type="application/json", headers=attachment(run, "json"))


@router.get("/events.jsonl", operation_id="events_jsonl", response_class=Response, responses=JSONL)
async def events_jsonl(run: RunDep) -> Response:
    return StreamingResponse(
        jsonl(run), media_type="application/x-ndjson", headers=attachment(run, "jsonl")
    )
