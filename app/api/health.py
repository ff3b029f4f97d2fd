"""``GET /healthz``: 200 while the server is serving (for Docker and load balancers)."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.answers import Health
from app.api.deps import ManagerDep

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="healthz")
async def healthz(manager: ManagerDep) -> Health:
    return Health(status="ok", runs=manager.counts())
