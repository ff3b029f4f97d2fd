"""Security headers on every HTTP answer, as a pure ASGI middleware.

Pure ASGI (not Starlette's BaseHTTPMiddleware) so streamed answers — the SSE event
streams — pass through untouched and unbuffered; only the start message is amended.
"""

from __future__ import annotations

import base64
import hashlib

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(
    frame_ancestors: str = "'none'", scripts: tuple[str, ...] = (), styles: tuple[str, ...] = ()
) -> str:
    """The CSP of an answer: our own files only; ``scripts``/``styles``, the sources of the
    inline scripts and styles a page may have (an import map's hash, ``script_hash``; the
    nonce of the editor's style elements); ``frame_ancestors``, who may show it in a
    frame (nobody, but for the embeddable views)."""
    script = f"; script-src 'self' {' '.join(scripts)}" if scripts else ""
    style = f"; style-src 'self' {' '.join(styles)}" if styles else ""
    return f"default-src 'self'{script}{style}; frame-ancestors {frame_ancestors}; base-uri 'none'"


def script_hash(text: str) -> str:
    """The CSP source that allows one inline script whose text is exactly ``text``."""
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'"


HEADERS = {
    # Pages load only our own scripts, styles and images: nothing a run prints (its
    # ``output`` events end up on the page) can ever run as script. A page may send its
    # own CSP (the code page allows its import map by hash; the embeds their framers).
    "Content-Security-Policy": content_security_policy(),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
