"""Who may run their own code here: the ``own_code`` setting, the sandbox and the
client's address decide (``permission``); a refusal is a sentence saying why and what
the teacher can change."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from fastapi import Request

from app.contract import OwnCode
from app.errors import Forbidden
from app.runs import sandbox
from app.settings import Settings


@dataclass(frozen=True)
class Permission:
    allowed: bool
    reason: str | None  # why not, for the page and the 403
    sandboxed: bool  # programs run in the sandbox


def is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def permission(host: str | None, settings: Settings) -> Permission:
    """May a client at ``host`` run its own code on this server?"""
    box = sandbox.status()
    local = is_loopback(host)
    match settings.own_code:
        case OwnCode.OFF:
            return Permission(
                False,
                "Running your own code is turned off on this server. The teacher can "
                "turn it on with THREADLAB_OWN_CODE=auto.",
                box.available,
            )
        case OwnCode.ANYONE:
            return Permission(True, None, box.available)
        case OwnCode.LOCAL if not local:
            return Permission(
                False,
                "Running your own code is turned off on this server for other computers "
                "(THREADLAB_OWN_CODE=local): only the computer running Threadlab may. "
                "The teacher can set THREADLAB_OWN_CODE=auto to let the class run code.",
                box.available,
            )
        case OwnCode.AUTO if not local and not box.available:
            return Permission(
                False,
                "Running your own code is turned off on this server for other computers: "
                f"it has no working sandbox ({box.reason}), so only the computer running "
                "Threadlab may run code. The teacher can install bubblewrap, or set "
                "THREADLAB_OWN_CODE=anyone to allow it without a sandbox.",
                box.available,
            )
    return Permission(True, None, box.available)


def permission_of(request: Request, settings: Settings) -> Permission:
    return permission(request.client.host if request.client else None, settings)


def admit(request: Request, settings: Settings) -> None:
    """Forbidden (403, saying why) unless this client may run its own code."""
    allowed = permission_of(request, settings)
    if not allowed.allowed:
        raise Forbidden(allowed.reason or "Running your own code is not allowed here.")
