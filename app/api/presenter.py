"""Presenter mode: the creator's playback position, followed by everyone watching.

    POST   /api/runs/{id}/presenter   {seq, playing, speed, live}   creator only (403)
    DELETE /api/runs/{id}/presenter   stop presenting               creator only (403)
    GET    /api/runs/{id}/presence    SSE: ``event: presenter`` / ``event: viewers``
                                      messages (no ``id:``), keep-alive comments

The presence stream stays open for ended and recorded runs too, whose event streams
close after ``end``; see ``app/runs/presence.py``.
"""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Response
from sse_starlette import EventSourceResponse

from app.api.answers import Presented, event_stream
from app.api.deps import ControlToken, PresenceDep, RunDep, SettingsDep
from app.api.handlers import Answers, errors
from app.api.schemas import PresenterRequest
from app.api.stream import SHUTDOWN_GRACE, keepalive
from app.runs.presence import Position

router = APIRouter(
    prefix="/api/runs/{run_id}", tags=["presenter"], responses=errors(400, 403, 404, 413, 422)
)


@router.post("/presenter", operation_id="present")
async def present(
    run: RunDep, body: PresenterRequest, presence: PresenceDep, token: ControlToken = None
) -> Presented:
    position = Position(body.seq, body.playing, body.speed, body.live)
    return Presented.model_validate(presence.present(run, token, position))


@router.delete("/presenter", operation_id="stop_presenting")
async def stop_presenting(
    run: RunDep, presence: PresenceDep, token: ControlToken = None
) -> Presented:
    return Presented.model_validate(presence.stop(run, token))


PRESENCE: Answers = {
    200: event_stream("`event: presenter` and `event: viewers` messages (no `id:`).")
}


@router.get("/presence", operation_id="follow", response_class=Response, responses=PRESENCE)
async def follow(run: RunDep, presence: PresenceDep, settings: SettingsDep) -> Response:
    shutdown = anyio.Event()
    return EventSourceResponse(
        presence.channel(run.id).follow(shutdown),
        ping=settings.keepalive,
        sep="\n",
        ping_message_factory=keepalive,
        shutdown_event=shutdown,
        shutdown_grace_period=SHUTDOWN_GRACE,
    )
