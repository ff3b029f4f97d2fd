"""Share info and QR codes against a real server bound to 127.0.0.1."""

from __future__ import annotations

import pytest
import segno

from tests.integration.conftest import Server
from tests.unit.test_share import modules

pytestmark = pytest.mark.integration


def test_on_loopback_the_dialog_says_how_to_let_the_class_in(fake_server: Server) -> None:
    info = fake_server.http.get("/api/share", params={"url": "/runs/abc"}).json()
    port = fake_server.url.rsplit(":", 1)[1]
    assert info["reachable"] is False and info["lan_urls"] == []
    assert info["url"] == info["local_url"] == f"{fake_server.url}/runs/abc"
    assert info["command"] == f"threadlab --share --port {port}"
    assert info["command"] in info["hint"]
    qr = fake_server.http.get(info["qr"])
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/svg+xml"
    expected = [[bool(m) for m in row] for row in segno.make(info["url"], error="m").matrix]
    assert modules(qr.content) == expected


@pytest.mark.parametrize(
    "url", ["runs/abc", "//evil.example/x", "http://evil.example/", "/" + "x" * 1000]
)
def test_share_takes_only_a_path_of_this_server(fake_server: Server, url: str) -> None:
    answer = fake_server.http.get("/api/share", params={"url": url})
    assert answer.status_code == 422 and "url" in answer.json()["detail"]


@pytest.mark.parametrize(
    "data",
    [
        "http://evil.example/runs/x",
        "file:///etc/passwd",
        "http://127.0.0.1:1/runs/x",
        "http://127.0.0.1/" + "x" * 1000,
    ],
)
def test_qr_codes_only_for_links_to_this_server(fake_server: Server, data: str) -> None:
    answer = fake_server.http.get("/api/qr", params={"data": data})
    assert answer.status_code == 422
