"""The scenario programs are plain Python: each file in app/scenarios/programs imports
nothing of ours, takes its parameters as ``main``'s keyword defaults, and runs with a bare
``python -I file.py`` where Threadlab is not installed — ending by itself, or hanging
where a hang is its lesson.

A run that needs smaller parameters than the defaults gets what "Copy" gives a teacher:
the same file with the values written into ``main``'s signature.
"""

from __future__ import annotations

import ast
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from app.scenarios import registry

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = ROOT / "app" / "scenarios" / "programs"
FILES = sorted(PROGRAMS.glob("*.py"))
STEMS = [path.stem for path in FILES]

RUN_LIMIT = 30.0  # seconds a program that ends by itself may take (a loaded machine)
HANG_WAIT = 2.0  # seconds a hanging program must still be running after
ERROR_NAME = re.compile(r"[A-Z][A-Za-z]*?(?:Error|Exit|Interrupt)")  # IndexError…


@dataclass(frozen=True)
class Case:
    """One run of a program: its parameters, and what it must do."""

    program: str
    params: dict[str, Any] = field(default_factory=dict)
    hangs: bool = False
    exit_code: int = 0
    stdout: tuple[str, ...] = ()  # patterns the output must contain
    absent: tuple[str, ...] = ()  # patterns it must not
    error: str = ""  # the exception a thread dies of, as its traceback's last line
    error_may: bool = False  # the error happens in some runs only (else: in every run)
    variant: str = ""

    @property
    def id(self) -> str:
        return f"{self.program}[{self.variant}]" if self.variant else self.program


CASES = (
    Case(
        "thread_basics",
        stdout=(r"from-target: step 3", r"from-subclass: step 3", r"main: both threads are done"),
    ),
    Case(
        "thread_basics",
        {"override_start": True},
        exit_code=1,
        stdout=(r"from-subclass: step 1",),
        absent=(r"main: both threads are done",),
        error=r"RuntimeError: cannot join thread before it is started",
        variant="override_start",
    ),
    Case("lifecycle", {"nap": 0.02, "hold": 0.05}, stdout=(r"worker: got the lock",)),
    Case(
        "join_timeout",
        {"job": 0.3, "patience": 0.05},
        stdout=(r"main: is_alive\(\) = True", r"worker: download finished"),
    ),
    Case(
        "daemon",
        {"work": 0.2, "beat": 0.05},
        stdout=(r"logger: heartbeat 1", r"main: done; .*", r"worker: files saved"),
    ),
    Case("race", stdout=(r"expected 4000, got \d+",)),
    Case("race_locked", stdout=(r"expected 4000, got 4000",)),
    Case("rlock", stdout=(r"visited 8 levels",)),
    Case("lock_reentry", hangs=True, absent=(r"visited",)),
    Case("lock_reentry", {"depth": 1}, stdout=(r"visited 1 levels",), variant="depth=1"),
    Case("semaphore", {"query": 0.02}),
    Case("bounded_semaphore", error=r"ValueError: Semaphore released too many times"),
    Case("condition", stdout=tuple(f"consumed {item}" for item in range(1, 7))),
    Case(
        "condition",
        {"recheck": False},
        error=r"IndexError: pop from empty list",
        variant="recheck=False",
    ),
    Case("notify_all", {"patience": 0.2}, stdout=(r"through the gate",)),
    Case("queue_pipeline", stdout=(r"main: every job is done",)),
    Case("event", {"steps": 2}, stdout=(r"W1: no signal yet, still waiting",)),
    Case(
        "barrier",
        stdout=(
            r"T3: something failed, aborting phase 3",
            r"T1: barrier broken in phase 3, giving up",
        ),
    ),
    Case("deadlock", hangs=True, absent=(r"got both locks",)),
    Case("deadlock_ordered", {"pause": 0.01}, stdout=(r"got both locks",)),
    # Time enough to reach for the second fork even on a loaded machine: nobody eats.
    Case("dining_philosophers", {"meals": 1, "reach": 0.3}, hangs=True, absent=(r"eats",)),
    Case(
        "dining_philosophers",
        {"fix": "ordered", "reach": 0.01, "meals": 2},
        stdout=tuple(f"P{i} eats meal 2" for i in range(5)),
        variant="ordered",
    ),
    Case(
        "dining_philosophers",
        {"fix": "waiter", "reach": 0.01, "meals": 2},
        stdout=tuple(f"P{i} eats meal 2" for i in range(5)),
        variant="waiter",
    ),
    Case("readers_writers", {"reads": 2}),
    Case("readers_writers", {"reads": 2, "prefer": "writers"}, variant="writers"),
    Case(
        "gil_cpu",
        {"tasks": 2, "millions": 1, "rounds": 1},
        stdout=(
            r"cores: \d+",
            r"GIL enabled: (True|False)",
            r"process start-up: \d+\.\d{3} s",
            r"sequential: \d+\.\d{3} s",
            r"threads: \d+\.\d{3} s",
            r"processes: \d+\.\d{3} s",
        ),
    ),
    Case(
        "gil_io",
        {"requests": 3, "latency": 0.05},
        stdout=(r"sequential: \d+\.\d{3} s", r"threads: \d+\.\d{3} s"),
    ),
    Case(
        "gil_convoy",
        {"rounds": 10, "server_us": 0},
        stdout=(
            r"switch interval: \d+ µs",
            r"alone: \d+ µs",
            r"beside a CPU-bound thread: \d+ µs",
        ),
    ),
    Case(
        "concurrency_models",
        {"tasks": 2, "millions": 1, "wait": 0.02, "rounds": 1},
        stdout=(
            r"cores: \d+",
            r"timed rounds: the best of each variant counts",
            r"process start-up: \d+\.\d{3} s",
            *(
                rf"{kind}/{model}: \d+\.\d{{3}} s"
                for kind in ("cpu", "io")
                for model in ("sequential", "threads", "processes", "asyncio")
            ),
        ),
    ),
    Case(
        "api_fanout",
        {"calls": 4, "latency": 0.05, "max_workers": 2},
        stdout=(
            r"sequential: \d+\.\d{3} s",
            r"a thread per call: \d+\.\d{3} s",
            r"pool of 2: \d+\.\d{3} s",
            r"asyncio tasks: \d+\.\d{3} s",
            r"4 answers, first: 'answer to prompt 1'",
        ),
    ),
    Case(
        "free_threaded",
        {"threads": 2, "millions": 1, "rounds": 1},
        stdout=(
            r"free-threaded build: (True|False)",
            r"GIL enabled: (True|False)",
            r"sequential: \d+\.\d{3} s",
            r"threads: \d+\.\d{3} s",
        ),
    ),
    Case("challenge_busy_wait"),
    Case("challenge_plus_equals", stdout=(r"expected 6, got \d+",)),
    Case("challenge_check_then_act", stdout=(r"seats left: -?\d+, sold: \d+",)),
    Case("challenge_if_not_while", error=r"IndexError: pop from empty list", error_may=True),
    Case("challenge_forgotten_release", hangs=True, absent=(r"audit",)),
    Case("challenge_barrier_three", hangs=True, stdout=(r"through",)),
    Case(
        "challenge_over_release",
        error=r"ValueError: Semaphore released too many times",
        error_may=True,
    ),
)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _main(tree: ast.Module) -> ast.FunctionDef:
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main"]
    assert len(found) == 1, "a program defines one top-level main()"
    return found[0]


def _defaults(main: ast.FunctionDef) -> dict[str, ast.expr]:
    """main's parameters and their default expressions (every one must have one)."""
    args = main.args
    assert not (args.vararg or args.kwarg or args.posonlyargs), "main takes keywords only"
    assert len(args.defaults) == len(args.args), "every parameter of main has a default"
    pairs = list(zip(args.args, args.defaults, strict=True))
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d]
    assert len(pairs) == len(args.args) + len(args.kwonlyargs)
    return {arg.arg: default for arg, default in pairs}


def _with_params(path: Path, params: dict[str, Any]) -> str:
    """The program's text with ``params`` written into main's signature, as Copy does."""
    data = path.read_bytes()
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    defaults = _defaults(_main(ast.parse(data)))
    unknown = set(params) - set(defaults)
    assert not unknown, f"main has no parameter {unknown}"
    spans = []
    for name, value in params.items():
        node = defaults[name]
        assert node.end_lineno is not None and node.end_col_offset is not None
        begin = starts[node.lineno - 1] + node.col_offset  # offsets count UTF-8 bytes
        end = starts[node.end_lineno - 1] + node.end_col_offset
        spans.append((begin, end, repr(value).encode()))
    for begin, end, text in sorted(spans, reverse=True):
        data = data[:begin] + text + data[end:]
    return data.decode("utf-8")


def _scenario_programs() -> dict[str, dict[str, Any]]:
    """Program file stem -> the scenario's parameters and their defaults."""
    out: dict[str, dict[str, Any]] = {}
    for scenario in registry.scenarios():
        program = getattr(scenario, "program", "") or scenario.module.rpartition(".")[2]
        out[Path(program).stem] = {p.name: p.default for p in scenario.params}
    return out


# --- the files ---------------------------------------------------------------------------


def test_every_scenario_has_a_program_and_a_run() -> None:
    assert sorted(_scenario_programs()) == STEMS
    assert sorted({case.program for case in CASES}) == STEMS
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.timeout(10)
@pytest.mark.parametrize("path", FILES, ids=STEMS)
def test_plain_standalone_program(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    compile(source, str(path), "exec")
    tree = _tree(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = [alias.name.partition(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            roots = [(node.module or "").partition(".")[0]] if not node.level else ["."]
        else:
            continue
        assert "app" not in roots and "." not in roots, f"line {node.lineno} imports our code"
    assert not re.search(r"^\s*(import|from)\s+app\b", source, re.MULTILINE)
    last = tree.body[-1]
    assert ast.unparse(last) == "if __name__ == '__main__':\n    main()", "ends with main()"


@pytest.mark.timeout(10)
@pytest.mark.parametrize("path", FILES, ids=STEMS)
def test_main_takes_the_scenario_parameters(path: Path) -> None:
    defaults = _defaults(_main(_tree(path)))
    values = {name: ast.literal_eval(node) for name, node in defaults.items()}
    assert values == _scenario_programs()[path.stem]


def test_written_params_replace_the_defaults() -> None:
    text = _with_params(PROGRAMS / "race.py", {"threads": 2, "iterations": 10})
    assert "def main(threads=2, iterations=10, switch_interval_us=100):" in text


# --- the runs ----------------------------------------------------------------------------


def _start(case: Case, tmp_path: Path) -> subprocess.Popen[str]:
    path = PROGRAMS / f"{case.program}.py"
    if case.params:
        path = tmp_path / path.name
        path.write_text(_with_params(PROGRAMS / path.name, case.params), encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-I", "-u", str(path)],  # -u: a killed hang keeps what it printed
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        start_new_session=True,  # its own process group: spawned helpers go with it
    )


def _kill(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """Kill the program (still running: never reaped) and its process group."""
    os.killpg(proc.pid, signal.SIGKILL)
    return proc.communicate()


def _check_output(case: Case, out: str, err: str) -> None:
    # Not line by line: two threads' print() calls may interleave within a line.
    for pattern in case.stdout:
        assert re.search(pattern, out), f"{pattern!r} not printed"
    for pattern in case.absent:
        assert not re.search(pattern, out), f"{pattern!r} printed"
    # The exceptions raised are the names at the margin of stderr (a traceback's source
    # lines are indented).  Two threads' tracebacks interleave even within a line (CI
    # printed "IndexErrorException in thread C2:" and ": pop from empty list"), so
    # the names are checked, not whole lines.
    margin = [line for line in err.splitlines() if line and not line[0].isspace()]
    raised = {found.group() for line in margin for found in ERROR_NAME.finditer(line)}
    expected = ERROR_NAME.search(case.error) if case.error else None
    assert raised <= ({expected.group()} if expected else set()), err
    assert raised or case.error_may or not case.error, f"no {case.error!r}"


@pytest.mark.timeout(RUN_LIMIT + 15)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_runs_under_plain_python(case: Case, tmp_path: Path) -> None:
    proc = _start(case, tmp_path)
    try:
        out, err = proc.communicate(timeout=HANG_WAIT if case.hangs else RUN_LIMIT)
    except subprocess.TimeoutExpired:
        out, err = _kill(proc)
        assert case.hangs, f"still running after {RUN_LIMIT} s: {out}{err}"
    else:
        assert not case.hangs, f"ended with {proc.returncode} instead of hanging: {out}{err}"
        assert proc.returncode == case.exit_code, err
    _check_output(case, out, err)
