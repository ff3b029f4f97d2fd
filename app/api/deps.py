"""Dependencies the routes ask for, as ``Annotated`` aliases (one place to change them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from app.runs.manager import RunManager
from app.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_manager(request: Request) -> RunManager:
    manager: RunManager = request.app.state.manager
    return manager


SettingsDep = Annotated[Settings, Depends(get_settings)]
ManagerDep = Annotated[RunManager, Depends(get_manager)]
# The secret a run's creator got in the POST answer; needed to cancel or step it.
ControlToken = Annotated[str | None, Header(alias="X-Control-Token")]
