"""Share links: which addresses a class can use, what the dialog says, and QR codes
that encode exactly the link (read back from the SVG, compared with segno's own)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import segno

from app import share
from app.share import is_own_url, qr_svg, share_info

SVG = "{http://www.w3.org/2000/svg}"


def modules(svg: bytes, border: int = 4) -> list[list[bool]]:
    """The dark modules an SVG from segno draws: its path is rows of ``h`` runs."""
    root = ET.fromstring(svg)
    path = next(p for p in root.iter(f"{SVG}path") if p.get("stroke"))
    size = int(root.get("width", "0")) // 8 - 2 * border
    dark = [[False] * size for _ in range(size)]
    x = y = 0.0
    for op, a, b in re.findall(r"([MmHh])\s*(-?[\d.]+)(?:\s+(-?[\d.]+))?", path.get("d", "")):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for k in range(int(float(a))):
                dark[int(y - 0.5) - border][int(x) + k - border] = True
            x += float(a)
    return dark


def test_the_qr_code_encodes_the_link() -> None:
    link = "http://192.168.1.20:8000/runs/Zx3_abcdefghijkl"
    expected = [[bool(m) for m in row] for row in segno.make(link, error="m").matrix]
    assert modules(qr_svg(link)) == expected
    other = "http://192.168.1.20:8000/runs/Zx3_abcdefghijkm"
    assert modules(qr_svg(other)) != expected


def test_on_loopback_the_class_cannot_reach_it_and_is_told_how() -> None:
    info = share_info("/runs/x", "127.0.0.1", 8000, "http://127.0.0.1:8000", ["10.0.0.5"])
    assert not info.reachable and info.lan_urls == []
    assert info.url == "http://127.0.0.1:8000/runs/x"
    assert info.command == "threadlab --share --port 8000"
    assert info.hint and "threadlab --share --port 8000" in info.hint


def test_on_every_interface_the_lan_addresses_are_the_links() -> None:
    info = share_info("/runs/x", "0.0.0.0", 8123, "http://127.0.0.1:8123", ["10.0.0.5", "1.2.3.4"])
    assert info.reachable and info.hint is None
    assert info.lan_urls == ["http://10.0.0.5:8123/runs/x", "http://1.2.3.4:8123/runs/x"]
    public = info.public()
    assert public["url"] == "http://10.0.0.5:8123/runs/x"
    assert public["qr"] == "/api/qr?data=http%3A%2F%2F10.0.0.5%3A8123%2Fruns%2Fx"


def test_a_specific_address_and_no_network_at_all() -> None:
    bound = share_info("/", "192.168.1.9", 80, "http://192.168.1.9", [])
    assert bound.lan_urls == ["http://192.168.1.9:80/"] and bound.reachable
    offline = share_info("/", "0.0.0.0", 8000, "http://127.0.0.1:8000", [])
    assert not offline.reachable and "connect it to the classroom network" in (offline.hint or "")


def test_lan_addresses_leave_out_loopback_and_link_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(share, "_cache", (-1e9, []))
    monkeypatch.setattr(share, "_routed_addresses", lambda: ["192.168.1.20", "127.0.0.1"])
    monkeypatch.setattr(
        share, "_named_addresses", lambda: ["127.0.1.1", "169.254.3.3", "10.0.0.5", "192.168.1.20"]
    )
    assert share.lan_addresses() == ["192.168.1.20", "10.0.0.5"]


def test_the_udp_trick_sends_nothing_and_finds_an_address_or_none() -> None:
    assert all(share.usable(a) or a == "0.0.0.0" for a in share._routed_addresses())


@pytest.mark.parametrize(
    ("data", "ok"),
    [
        ("http://10.0.0.5:8000/runs/x", True),
        ("https://10.0.0.5:8000/", True),
        ("http://localhost:8000/runs/x?speed=2", True),
        ("http://10.0.0.5:9000/runs/x", False),  # another port
        ("http://evil.example:8000/", False),
        ("ftp://10.0.0.5:8000/", False),
        ("javascript:alert(1)", False),
        ("http://user:pw@10.0.0.5:8000/", False),
        ("http://10.0.0.5:99999/", False),
    ],
)
def test_only_this_servers_urls_become_qr_codes(data: str, ok: bool) -> None:
    assert is_own_url(data, 8000, {"10.0.0.5", "localhost", "127.0.0.1"}) is ok
