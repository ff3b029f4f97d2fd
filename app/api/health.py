"""``GET /healthz``: 200 while the server is serving (for Docker and load balancers)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.api.deps import ManagerDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(manager: ManagerDep) -> dict[str, Any]:
    return {"status": "ok", "runs": manager.counts()}
