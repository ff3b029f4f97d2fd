"""Share links: the addresses a class can open, and QR codes of them (segno).

A classroom may have no internet, so the machine's LAN addresses are found without it:

* the addresses the machine's own host name resolves to (``/etc/hosts``, mDNS…), and
* the UDP "connect" trick: connecting a UDP socket to a private address sends nothing,
  but makes the kernel pick the interface (and so the address) it would route through.

Loopback and link-local addresses are left out: no student can open those.
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import TextIO
from urllib.parse import quote, urlsplit

import segno

# Private addresses to "route" to; nothing is ever sent to them.
PROBES = ("10.255.255.255", "192.168.255.255", "172.31.255.255")
CACHE_SECONDS = 10.0
MAX_QR_DATA = 1000  # characters; a QR code past this gets too dense to scan from a projector

_cache: tuple[float, list[str]] = (-CACHE_SECONDS, [])


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    return host in ("0.0.0.0", "::", "")


def usable(address: str) -> bool:
    """Can another machine on the LAN reach this IPv4 address?"""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.version == 4 and not (ip.is_loopback or ip.is_link_local or ip.is_unspecified)


def _routed_addresses() -> list[str]:
    found = []
    for probe in PROBES:
        with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect((probe, 9))  # UDP connect: picks a route, sends no packet
            found.append(s.getsockname()[0])
    return found


def _named_addresses() -> list[str]:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return [str(info[4][0]) for info in infos]


def lan_addresses() -> list[str]:
    """This machine's LAN IPv4 addresses, the default route's first (cached briefly:
    resolving the host name may be slow on a machine without DNS)."""
    global _cache
    moment, addresses = _cache
    if time.monotonic() - moment < CACHE_SECONDS:
        return list(addresses)
    found = [a for a in _routed_addresses() + _named_addresses() if usable(a)]
    addresses = list(dict.fromkeys(found))
    _cache = (time.monotonic(), addresses)
    return list(addresses)


def origin(host: str, port: int, scheme: str = "http") -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port}"


@dataclass(frozen=True)
class ShareInfo:
    """What the Share dialog shows for one path of this server."""

    path: str
    local_url: str  # as the presenter's own browser opened the server
    lan_urls: list[str]  # what the class can open, best first
    reachable: bool  # can the class reach the server at all?
    hint: str | None  # what to do if they cannot
    command: str | None  # the command that fixes it, to show as code

    @property
    def url(self) -> str:
        """The one link to give the class."""
        return self.lan_urls[0] if self.lan_urls else self.local_url

    def public(self) -> dict[str, object]:
        return {
            "path": self.path,
            "url": self.url,
            "local_url": self.local_url,
            "lan_urls": self.lan_urls,
            "reachable": self.reachable,
            "hint": self.hint,
            "command": self.command,
            "qr": "/api/qr?data=" + quote(self.url, safe=""),
        }


def share_info(path: str, bound: str, port: int, local: str, lan: list[str]) -> ShareInfo:
    """``bound``: the address the server listens on; ``local``: the origin the presenter
    used (``http://127.0.0.1:8000``); ``lan``: this machine's LAN addresses."""
    if is_loopback(bound):
        command = f"threadlab --share --port {port}"
        hint = (
            f"The class cannot open this link: Threadlab listens on {bound} (this computer "
            f"only). Stop it and restart it with: {command}"
        )
        return ShareInfo(path, local + path, [], False, hint, command)
    addresses = lan if is_wildcard(bound) else [bound]
    urls = [origin(a, port) + path for a in addresses]
    if not urls:
        hint = (
            "This computer has no network address the class could use: connect it to the "
            "classroom network (Wi-Fi or cable), then open Share again."
        )
        return ShareInfo(path, local + path, [], False, hint, None)
    return ShareInfo(path, local + path, urls, True, None, None)


def is_own_url(data: str, port: int, hosts: set[str]) -> bool:
    """Is ``data`` an http(s) URL of this server (one of ``hosts``, on ``port``)?"""
    try:
        parts = urlsplit(data)
        data_port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or parts.username or parts.password:
        return False
    return (parts.hostname or "") in hosts and data_port == port


def qr_svg(data: str) -> bytes:
    """A QR code of ``data`` as a standalone SVG: dark modules on white, with the quiet
    zone scanners need, readable from the back of a classroom."""
    code = segno.make(data, error="m", micro=False)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        scale=8,
        border=4,
        dark="#000",
        light="#fff",
        xmldecl=False,
        title=data,
        svgclass="qr",
        lineclass=None,
    )
    return out.getvalue()


def qr_terminal(data: str, out: TextIO | None = None, compact: bool = True) -> None:
    """The QR code in a terminal (compact: half blocks, two rows a line)."""
    segno.make(data, error="m", micro=False).terminal(out=out, compact=compact, border=2)
