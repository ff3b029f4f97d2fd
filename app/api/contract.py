"""``GET /api/contract``: every mode, policy, status, goal and bound, with its labels.

The same object every page embeds for the browser (``app.contract.browser_contract``),
for clients that do not load a page.
"""

from __future__ import annotations

from fastapi import APIRouter

from app.api.answers import Contract
from app.contract import browser_contract

router = APIRouter(tags=["contract"])


@router.get("/api/contract", operation_id="get_contract")
async def get_contract() -> Contract:
    return Contract.model_validate(browser_contract())
