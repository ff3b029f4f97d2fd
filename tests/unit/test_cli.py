"""The command line: serve is the default subcommand; URL and address helpers."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import __main__ as cli
from app.instrument.events import make
from app.runs.log import body
from app.runs.recordings import to_record
from app.runs.run import Run
from app.runs.store import SqliteStore, StoredEvent


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


# ---- threadlab run / export / --share ---------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def threadlab(*argv: str) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it (a process of its own: it spawns workers)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "app", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_prints_the_same_timeline_for_the_same_seed() -> None:
    argv = ("run", "deadlock", "--mode", "controlled", "--seed", "7", "--policy", "pct")
    first, second = threadlab(*argv), threadlab(*argv)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    lines = first.stdout.splitlines()
    assert lines[0].startswith("deadlock · controlled · seed 7 · policy pct · ")
    assert [line.split()[0] for line in lines[1:4]] == ["MainThread", "T1", "T2"]
    assert "status: deadlocked" in first.stdout and "verdict: Deadlock" in first.stdout


def test_run_json_prints_the_events_as_json_lines() -> None:
    done = threadlab("run", "race", "-p", "threads=2", "-p", "iterations=5", "--json")
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[-1]["kind"] == "end" and events[-1]["detail"]["verdict"]["facts"]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["run", "race", "-p", "threads=99"], "'threads' must be between 1 and 16; got 99."),
        (["run", "race", "-p", "threads=many"], "'threads' must be a whole number"),
        (["run", "race", "-p", "colour=red"], "has no parameter 'colour'"),
        (["run", "race", "-p", "threads"], "--param takes NAME=VALUE"),
        (["run", "nope"], "Scenario 'nope' not found. The scenarios are: thread-basics,"),
    ],
)
def test_run_with_bad_input_exits_2_with_the_reason(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == 2  # checked before any worker starts
    out, err = capsys.readouterr()
    assert words in err and out == ""


def test_parse_params_types_values_by_the_scenario() -> None:
    assert cli.parse_params("race", ["threads=3", "iterations=10"]) == {
        "threads": 3,
        "iterations": 10,
    }


@pytest.fixture
def recorded(tmp_path: Path) -> tuple[Path, str]:
    """A data folder with one recorded run of two events and the end."""
    store = SqliteStore(tmp_path / "recordings.sqlite3")
    store.open()
    run = Run("race", {}, "controlled", 7, "pct", {}, status="finished")
    events = [
        make(1, 0.0, "create", "T1", "New"),
        make(2, 0.0, "start", "T1", "Runnable"),
        make(3, 0.0, "end", detail={"status": "finished"}),
    ]
    for event in events:
        run.log.append(event)
    stored = [StoredEvent(i, body(f)) for i, f in enumerate(run.log.frames, 1)]
    store.save(to_record(run, 3), stored)
    store.close()
    return tmp_path, run.id


def test_export_writes_the_trace_and_the_events(recorded: tuple[Path, str]) -> None:
    data, run_id = recorded
    trace, lines = data / "run.json", data / "run.jsonl"
    assert cli.main(["export", run_id, "-o", str(trace), "--data-dir", str(data)]) == 0
    assert cli.main(["export", run_id, "-o", str(lines), "--data-dir", str(data)]) == 0
    assert {"M", "X", "i"} <= {e["ph"] for e in json.loads(trace.read_text())["traceEvents"]}
    assert [json.loads(line)["seq"] for line in lines.read_text().splitlines()] == [1, 2, 3]


def test_export_failures(recorded: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    data, run_id = recorded
    out = str(data / "x.json")
    assert cli.main(["export", "nope", "-o", out, "--data-dir", str(data)]) == 1
    assert "run 'nope' is not recorded" in capsys.readouterr().err
    assert cli.main(["export", run_id, "-o", str(data / "x.txt"), "--data-dir", str(data)]) == 2
    assert cli.main(["export", run_id, "-o", out, "--data-dir", str(data / "empty")]) == 1
    assert "there are no recordings" in capsys.readouterr().err


def test_share_prints_the_lan_link_and_a_qr_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "lan_addresses", lambda: ["192.168.1.20", "10.0.0.5"])
    cli.print_share(8000)
    out = capsys.readouterr().out
    assert "Share with the class: http://192.168.1.20:8000" in out
    assert "or: http://10.0.0.5:8000" in out
    assert len(out.splitlines()) > 12  # the QR code's rows


def test_share_binds_every_interface_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--share", "--host", "127.0.0.1"]) == 2
    assert "--share listens on 0.0.0.0" in capsys.readouterr().err


def test_run_ids_never_look_like_options() -> None:
    """Regression: a run id starting with '-' made `threadlab export ID` an unknown
    option (one id in 64 did)."""
    from app.runs.run import new_id

    assert not any(new_id().startswith("-") for _ in range(5000))


def test_a_system_without_process_groups_is_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Windows has no os.killpg: `threadlab` says so before it serves or runs anything,
    instead of failing at the first cancelled run."""
    monkeypatch.delattr(os, "killpg")
    assert cli.main(["--port", "0"]) == 1
    assert cli.main(["run", "race"]) == 1
    err = capsys.readouterr().err
    assert err.count("WSL or Docker") == 2, err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--mode", "free", "--depth", "4"], "apply only to mode 'controlled'"),
        (["--mode", "controlled", "--depth", "11"], "'--depth'"),
        (["--mode", "controlled", "--seed", "-1"], "'--seed'"),
        (["--mode", "controlled", "--gil-lane"], "gil_lane applies only to mode 'free'"),
    ],
)
def test_run_options_are_checked_by_the_apis_model(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert cli.main(["run", "race", *argv]) == 2
    assert message in capsys.readouterr().err
