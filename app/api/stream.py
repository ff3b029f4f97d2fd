"""``GET /api/runs/{id}/events``: a run's event log as Server-Sent Events.

    viewer ──GET (Last-Event-ID: 41 | ?after=41)──▶ replay frames 42… from the log,
           ◀── then live frames as the worker produces them, keep-alive comments,
           ◀── ``event: end`` frame, then the stream closes.

sse-starlette's EventSourceResponse sends our pre-encoded bytes untouched and watches
uvicorn's exit flag, so shutdown never waits for a viewer to leave (a plain
StreamingResponse holds uvicorn's shutdown open until every stream closes):

    Ctrl+C ─▶ uvicorn should_exit ─▶ sse-starlette (polls ≤ 0.5 s) sets ``shutdown``
           ─▶ follow() returns ─▶ the response completes cleanly ─▶ connection closes
           (a stream still open after SHUTDOWN_GRACE is cancelled outright)

A disconnecting viewer just drops its position; there is nothing else to free.
A viewer resuming after the ``end`` event gets 204 No Content, which tells a browser's
EventSource to stop reconnecting.  A run no longer in memory is loaded from its
recording first, and streams the very same bytes it streamed live.
"""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Header, Query, Response
from sse_starlette import EventSourceResponse, ServerSentEvent

from app.api.answers import event_stream
from app.api.deps import ManagerDep, SettingsDep
from app.api.handlers import Answers, errors
from app.errors import InvalidRequest

router = APIRouter(tags=["runs"])
# What resume_point() reads (it says why not); a header is never null, so the schema
# has only the text.
SEQ_TEXT = {"anyOf": [{"type": "string", "pattern": r"^\s*[0-9]*\s*$"}]}

# Seconds a stream gets to end by itself at shutdown before it is cancelled; ending by
# itself avoids uvicorn's "ASGI callable returned without completing response".
SHUTDOWN_GRACE = 0.3


def keepalive() -> ServerSentEvent:
    return ServerSentEvent(comment="keep-alive", sep="\n")


def resume_point(after: int | None, last_event_id: str | None) -> int:
    """The seq to resume after; the browser's Last-Event-ID wins over ?after=."""
    if last_event_id is None or not last_event_id.strip():
        return after or 0
    try:
        seq = int(last_event_id.strip())
    except ValueError:
        seq = -1
    if seq < 0:
        raise InvalidRequest(
            f"Last-Event-ID must be an event seq (0 or more), not {last_event_id!r}."
        )
    return seq


STREAM: Answers = {
    200: event_stream("The run's events (`id:` = seq), then `event: end`."),
    204: {"description": "Resumed after the run's last event: nothing more will come."},
    **errors(404, 422),
}


@router.get(
    "/api/runs/{run_id}/events",
    operation_id="run_events",
    response_class=Response,
    responses=STREAM,
)
async def run_events(
    run_id: str,
    manager: ManagerDep,
    settings: SettingsDep,
    after: Annotated[int | None, Query(ge=0, description="Resume after this seq.")] = None,
    last_event_id: Annotated[str | None, Header(json_schema_extra=SEQ_TEXT)] = None,
) -> Response:
    run = await manager.find(run_id)  # live, or loaded from its recording
    position = resume_point(after, last_event_id)
    if run.log.closed and position >= len(run.log):
        return Response(status_code=204)
    shutdown = anyio.Event()
    return EventSourceResponse(
        run.log.follow(position, stop=shutdown),
        ping=settings.keepalive,
        sep="\n",
        ping_message_factory=keepalive,
        shutdown_event=shutdown,
        shutdown_grace_period=SHUTDOWN_GRACE,
    )
