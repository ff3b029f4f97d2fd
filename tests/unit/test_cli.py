"""The command line: serve is the default subcommand; URL and address helpers."""

from __future__ import annotations

import argparse

import pytest

from app import __main__ as cli


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[argparse.Namespace]:
    calls: list[argparse.Namespace] = []
    monkeypatch.setattr(cli, "run_serve", lambda args: calls.append(args) or 0)
    return calls


@pytest.mark.parametrize(
    "argv", [[], ["--port", "9000"], ["serve", "--port", "9000"], ["--host", "0.0.0.0"]]
)
def test_serve_is_the_default_command(served: list, argv: list[str]) -> None:
    assert cli.main(argv) == 0
    assert len(served) == 1 and served[0].command == "serve"


def test_options_reach_the_serve_command(served: list) -> None:
    cli.main(["--host", "0.0.0.0", "--port", "0", "--data-dir", "/tmp/x"])
    assert (served[0].host, served[0].port, served[0].data_dir) == ("0.0.0.0", 0, "/tmp/x")


def test_help_lists_serve(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        cli.main(["--help"])
    assert exit.value.code == 0 and "serve" in capsys.readouterr().out


def test_an_invalid_setting_is_reported_not_raised(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--port", "70000"]) == 2
    assert "invalid setting" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert cli.is_loopback(host) is loopback


def test_url_shows_a_reachable_address() -> None:
    assert cli.url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert cli.url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert cli.url("::1", 8000) == "http://[::1]:8000"


def test_bind_port_0_picks_a_free_port() -> None:
    with cli.bind("127.0.0.1", 0) as sock:
        assert sock.getsockname()[1] > 0
