"""A cap on request bodies, as a pure ASGI middleware: 413 with a message past it.

No route needs more than ``MAX_BODY``: the largest body is a controlled rerun with its
``options.choices`` (up to 100,000 thread names, well under 1 MiB).  A declared
``Content-Length`` past the cap is refused before anything is read; a chunked body is
counted as it arrives and refused as soon as it crosses the cap.
"""

from __future__ import annotations

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 1 << 20  # bytes


def too_large(limit: int) -> str:
    return f"The request body is larger than the limit of {limit // 1024:,} KiB."


class BodySizeLimit:
    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            answer = JSONResponse({"detail": too_large(self.limit)}, status_code=413)
            await answer(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:  # FastAPI passes HTTPException on as it is
                    raise HTTPException(413, too_large(self.limit))
            return message

        await self.app(scope, counted, send)
