"""Playwright, imported only when a browser test runs.

Importing ``playwright.sync_api`` loads greenlet into the whole pytest process at
collection time — before the unit and integration tests, which start and end many
threads.  Keeping the import lazy keeps that C extension out of their way.
"""

from __future__ import annotations

from typing import Any


def expect(actual: Any, message: str | None = None) -> Any:
    """``playwright.sync_api.expect``, imported on first use."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(actual, message)
