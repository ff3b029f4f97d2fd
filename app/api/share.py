"""Sharing: ``GET /api/share`` (the links a class can open) and ``GET /api/qr`` (SVG).

GET /api/share?url=/runs/abc  → {url, local_url, lan_urls, reachable, hint, command, qr}
GET /api/qr?data=<url>        → image/svg+xml; only http(s) URLs of this server,
                                at most 1,000 characters (422 otherwise)
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.answers import ShareInfo
from app.api.deps import SettingsDep
from app.api.handlers import Answers, errors
from app.errors import InvalidRequest
from app.settings import Settings
from app.share import (
    MAX_QR_DATA,
    is_own_url,
    is_wildcard,
    lan_addresses,
    qr_svg,
    share_info,
)

router = APIRouter(prefix="/api", tags=["share"], responses=errors(422))
# What the handlers check, in the schema too; the handlers say it in a sentence.
PATH = {"pattern": r"^/([^/][\s\S]*)?$", "description": "A path of this server."}
WEB_URL = {"pattern": r"^https?://", "description": "A URL of this server."}


def server_port(request: Request) -> int:
    """The port the presenter's browser reached us on (the real one, even with --port 0)."""
    if request.url.port is not None:
        return request.url.port
    server = request.scope.get("server")
    return int(server[1]) if server else (443 if request.url.scheme == "https" else 80)


async def lan(settings: Settings) -> list[str]:
    if not is_wildcard(settings.host):
        return []
    return await asyncio.to_thread(lan_addresses)  # resolving our name may be slow


QR: Answers = {
    200: {
        "description": "The link as a QR code.",
        "content": {"image/svg+xml": {"schema": {"type": "string"}}},
    }
}


@router.get("/share", operation_id="share")
async def share(
    request: Request,
    settings: SettingsDep,
    url: Annotated[
        str, Query(max_length=MAX_QR_DATA, description="A path", json_schema_extra=PATH)
    ],
) -> ShareInfo:
    if not url.startswith("/") or url.startswith("//"):
        raise InvalidRequest(
            f"'url' must be a path of this server that starts with '/', such as /runs/abc; "
            f"got {url[:100]!r}."
        )
    local = str(request.base_url).rstrip("/")
    info = share_info(url, settings.host, server_port(request), local, await lan(settings))
    return ShareInfo.model_validate(info.public())


@router.get("/qr", operation_id="qr", response_class=Response, responses=QR)
async def qr(
    request: Request,
    settings: SettingsDep,
    data: Annotated[
        str, Query(max_length=MAX_QR_DATA, description="A URL", json_schema_extra=WEB_URL)
    ],
) -> Response:
    hosts = {"127.0.0.1", "localhost", request.url.hostname or "", *await lan(settings)}
    if not is_wildcard(settings.host):
        hosts.add(settings.host)
    port = server_port(request)
    if not is_own_url(data, port, hosts):
        raise InvalidRequest(
            "Only links to this Threadlab server become QR codes: 'data' must be an http(s) "
            f"URL of {', '.join(sorted(h for h in hosts if h))} on port {port}; "
            f"got {data[:100]!r}."
        )
    svg = await asyncio.to_thread(qr_svg, data)
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})
