"""Dependencies the routes ask for, as ``Annotated`` aliases (one place to change them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from app.runs.manager import RunManager
from app.runs.presence import PresenceHub
from app.runs.run import Run
from app.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_manager(request: Request) -> RunManager:
    manager: RunManager = request.app.state.manager
    return manager


def get_presence(request: Request) -> PresenceHub:
    presence: PresenceHub = request.app.state.presence
    return presence


async def find_run(run_id: str, request: Request) -> Run:
    """The run of the path's ``{run_id}``, live or recorded; 404 if there is none."""
    return await get_manager(request).find(run_id)


SettingsDep = Annotated[Settings, Depends(get_settings)]
ManagerDep = Annotated[RunManager, Depends(get_manager)]
PresenceDep = Annotated[PresenceHub, Depends(get_presence)]
RunDep = Annotated[Run, Depends(find_run)]
# The secret a run's creator got in the POST answer; needed to cancel or step it.
ControlToken = Annotated[str | None, Header(alias="X-Control-Token")]
