"""Presenter mode: the creator's playback position, followed by everyone watching.

    POST   /api/runs/{id}/presenter   {seq, playing, speed, live}   creator only (403)
    DELETE /api/runs/{id}/presenter   stop presenting               creator only (403)
    GET    /api/runs/{id}/presence    SSE: ``event: presenter`` / ``event: viewers``
                                      messages (no ``id:``), keep-alive comments

The presence stream stays open for ended and recorded runs too, whose event streams
close after ``end``; see ``app/runs/presence.py``.
"""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse

from app.api.deps import ControlToken, PresenceDep, RunDep, SettingsDep
from app.api.handlers import errors
from app.api.stream import SHUTDOWN_GRACE, keepalive
from app.runs.presence import Position

router = APIRouter(
    prefix="/api/runs/{run_id}", tags=["presenter"], responses=errors(400, 403, 404, 413, 422)
)


class PresenterRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seq: int = Field(ge=0, le=100_000_000, description="The last event shown (0: none yet).")
    playing: bool
    speed: float = Field(1.0, gt=0, le=64, description="Playback speed, as the player's.")
    live: bool = Field(False, description="Following a live run's newest event.")


@router.post("/presenter")
async def present(
    run: RunDep, body: PresenterRequest, presence: PresenceDep, token: ControlToken = None
) -> dict[str, Any]:
    position = Position(body.seq, body.playing, body.speed, body.live)
    return presence.present(run, token, position)


@router.delete("/presenter")
async def stop_presenting(
    run: RunDep, presence: PresenceDep, token: ControlToken = None
) -> dict[str, Any]:
    return presence.stop(run, token)


@router.get("/presence")
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
