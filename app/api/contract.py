"""``GET /api/contract``: every mode, policy, status, goal and bound, with its labels.

The same object every page embeds for the browser (``app.contract.browser_contract``),
for clients that do not load a page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.contract import browser_contract

router = APIRouter(tags=["contract"])


@router.get("/api/contract")
async def get_contract() -> dict[str, Any]:
    return browser_contract()
