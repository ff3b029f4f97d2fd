"""Plain programs (``tests/programs/``) run by the worker's loader
(``app/worker/program.py``): in the real worker process and as in-process trials, with
events on the program's own lines, module-level objects, a clean module for every
execution, and a syntax error reported as a failed run."""

from __future__ import annotations

import ast
import inspect
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from app.analysis.history import check, replay
from app.instrument import rewrite
from app.instrument.data import LOAD_ITEM
from app.instrument.events import Event, encode, validate
from app.scenarios import registry
from app.worker.program import Program, load_file, load_source
from app.worker.trial import TrialResult, run_controlled
from tests.fakes.procs import converse

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = ROOT / "tests" / "programs"
WORKER = [sys.executable, "-m", "app.worker.runner"]
LIMITS = {"wall_time": 20, "max_events": 50_000, "max_threads": 64, "idle_time": 60}
BROKEN = "import threading\n\ndef main(:\n    pass\n"


def line_of(name: str, text: str) -> int:
    """The number of the one line of ``tests/programs/name`` that contains ``text``."""
    lines = (PROGRAMS / name).read_text().splitlines()
    found = [n for n, line in enumerate(lines, 1) if text in line]
    assert len(found) == 1, (text, found)
    return found[0]


def run_worker(source: str, filename: str, mode: str = "free", seed: int = 1, **params: Any):
    """One run of a program's text in a real worker process: (events, done message)."""
    spec = {
        "source": source,
        "filename": filename,
        "params": params,
        "mode": mode,
        "seed": seed,
        "policy": "random",
        "options": {},
        "limits": LIMITS,
    }
    events, messages, err = converse(WORKER, spec)
    done = messages[-1] if messages and messages[-1]["msg"] in ("done", "error") else {}
    assert done, err
    return events, done


def trial(name: str, seed: int = 1, **options: Any) -> TrialResult:
    return run_controlled(load_file(PROGRAMS / name), {}, seed, "random", options)


def outputs(events: list[Event]) -> list[str]:
    return [e["detail"]["text"] for e in events if e["kind"] == "output"]


@pytest.mark.timeout(30)
def test_a_program_runs_in_the_worker_process() -> None:
    path = PROGRAMS / "module_level.py"
    events, done = run_worker(path.read_text(), str(path))
    assert done["status"] == "finished", done["message"]
    assert [e for e in events if validate(e) is not None] == []
    assert check(events) == []
    history = replay(events)
    # The program's threads, and none of the worker's own (writer, commands, watchdog).
    assert set(history.threads) == {"MainThread", "W1", "W2"}
    assert outputs(events) == ["runs=1 done=6 seen_before=False"]
    # The module-level lock, named after its variable at its first use, used by both.
    declare = [e for e in events if e["kind"] == "declare" and e["detail"]["type"] != "Shared"]
    assert [(e["obj"], e["line"]) for e in declare] == [
        ("lock", line_of("module_level.py", "with lock:"))
    ]
    acquires = [e for e in events if e["kind"] == "acquire" and e["obj"] == "lock"]
    assert len(acquires) == 6 and {e["thread"] for e in acquires} == {"W1", "W2"}
    assert {e["line"] for e in acquires} == {line_of("module_level.py", "with lock:")}
    sleeps = [e for e in events if e["kind"] == "sleep"]
    assert {e["line"] for e in sleeps} == {line_of("module_level.py", "time.sleep(0.001)")}


@pytest.mark.timeout(30)
def test_a_syntax_error_is_a_failed_run_in_the_worker() -> None:
    events, done = run_worker(BROKEN, "broken.py")
    assert done["msg"] == "done" and done["status"] == "failed"
    assert done["message"] == "The program does not compile: invalid syntax at line 3: def main(:"
    assert check(events) == []
    exit_ = events[-1]
    assert exit_["kind"] == "exit" and exit_["thread"] == "MainThread"
    assert exit_["detail"]["error"] == "SyntaxError: invalid syntax"
    assert 'File "broken.py", line 3' in exit_["detail"]["traceback"]


@pytest.mark.timeout(30)
def test_controlled_runs_repeat_byte_for_byte_in_the_worker() -> None:
    path = PROGRAMS / "imports.py"
    runs = [run_worker(path.read_text(), str(path), "controlled", seed=5) for _ in range(2)]
    (first, done), (second, _) = runs
    assert done["status"] == "finished", done["message"]
    assert [encode(e) for e in first] == [encode(e) for e in second]


def test_controlled_trials_repeat_byte_for_byte() -> None:
    logs = {
        seed: [[encode(e) for e in trial("imports.py", seed).events] for _ in "ab"]
        for seed in (1, 2, 3)
    }
    for seed, (first, second) in logs.items():
        assert first == second, seed
    assert len({tuple(first) for first, _ in logs.values()}) > 1  # seeds do differ


def test_the_traced_standard_library_runs_the_program() -> None:
    result = trial("imports.py")
    assert result.status == "finished", result.message
    assert check(result.events) == []
    assert outputs(result.events) == ["empty", "finished [0, 1, 2, 3]", "True FIRST_COMPLETED"]
    kinds = {e["kind"] for e in result.events}
    assert {"put", "get", "acquire", "release", "notify_all", "sleep"} <= kinds
    puts = [e for e in result.events if e["kind"] == "put"]
    assert {e["line"] for e in puts} == {
        line_of("imports.py", "jobs.put(item)"),
        line_of("imports.py", "jobs.put(None)"),
    }


def test_two_trials_in_a_row_share_no_module_state() -> None:
    for _ in range(2):
        result = trial("module_level.py")
        assert result.status == "finished", result.message
        assert outputs(result.events) == ["runs=1 done=6 seen_before=False"]


def test_bytecode_granularity_steps_the_programs_own_code() -> None:
    """``counter += 1`` steps as the program's own bytecode — load, add, store — not as
    the calls the rewrite made of it, and tears between them."""
    finals = []
    plus_equals = line_of("plus_equals.py", "counter += 1")
    for seed in range(20):
        result = trial("plus_equals.py", seed, granularity="bytecode")
        assert result.status == "finished", result.message
        assert result.facts["steps"] > 50  # the loops' instructions, not just the joins
        steps = {
            e["detail"]["op"]
            for e in result.events
            if e["kind"] == "preempt" and e["line"] == plus_equals and "op" in e["detail"]
        }
        assert steps <= {"LOAD_GLOBAL", "LOAD_CONST", "BINARY_OP", "STORE_GLOBAL"}, steps
        (text,) = outputs(result.events)
        finals.append(int(text.removeprefix("counter=")))
    assert min(finals) < 6 and all(3 <= final <= 6 for final in finals), finals
    # Without preemption (PCT of depth 1: one thread runs until it ends) nothing is lost.
    options = {"granularity": "bytecode", "depth": 1}
    whole = run_controlled(load_file(PROGRAMS / "plus_equals.py"), {}, 1, "pct", options)
    assert outputs(whole.events) == ["counter=6"]


def test_bytecode_steps_name_the_instructions_of_every_kind_of_access() -> None:
    """Each access to shared data steps as the instruction the program's bytecode has
    there; the calls, names and temporaries the rewrite added take no step."""
    result = trial("bytecode_ops.py", 3, granularity="bytecode")
    assert result.status == "finished", result.message
    seen: dict[int, set[str]] = {}
    for e in result.events:
        if e["kind"] == "preempt" and "op" in e["detail"]:
            seen.setdefault(e["line"], set()).add(e["detail"]["op"])
    expected = {
        "hits.total += 1": {"LOAD_DEREF", "LOAD_ATTR", "LOAD_CONST", "BINARY_OP", "STORE_ATTR"},
        "stock[item] -= 1": {"LOAD_GLOBAL", "LOAD_FAST", LOAD_ITEM, "LOAD_CONST", "BINARY_OP"}
        | {"STORE_SUBSCR"},
        "log.append(item)": {"LOAD_GLOBAL", "LOAD_FAST", "CALL"},
        "seen = seen + 1": {"LOAD_DEREF", "LOAD_CONST", "BINARY_OP", "STORE_DEREF"},
    }
    lines = []
    for text, ops in expected.items():
        line = line_of("bytecode_ops.py", text)
        lines.append(line)
        assert seen.get(line, set()) <= ops, (text, seen.get(line))
        loads = {"LOAD_FAST", "LOAD_CONST", "LOAD_GLOBAL", "LOAD_DEREF"}
        assert seen.get(line, set()) & (ops - loads), text
    in_shop = set().union(*(seen.get(line, set()) for line in lines))
    assert not in_shop & {"LOAD_METHOD", "PRECALL", "POP_TOP", "EXTENDED_ARG"}, in_shop


def test_a_threads_traceback_shows_the_pasted_programs_lines() -> None:
    entry = load_source((PROGRAMS / "crash.py").read_text(), "<pasted>")
    result = run_controlled(entry, {}, 1, "random")
    assert result.status == "finished"
    (exit_,) = [e for e in result.events if e["kind"] == "exit" and e["thread"] == "worker"]
    assert exit_["detail"]["error"] == "KeyError: 'missing'"
    assert re.search(
        r'File "<pasted>", line \d+, in work\n\s+return values\["missing"\]',
        exit_["detail"]["traceback"],
    )
    assert "main goes on" in outputs(result.events)


def test_a_program_without_main_runs_its_module_body() -> None:
    source = "import threading\n\nlock = threading.Lock()\nwith lock:\n    print('inside')\n"
    result = run_controlled(load_source(source, "<script>"), {}, 1, "random")
    assert result.status == "finished" and outputs(result.events) == ["inside"]
    assert [e["line"] for e in result.events if e["kind"] == "acquire"] == [4]
    result = run_controlled(load_source(source, "<script>"), {"n": 1}, 1, "random")
    assert result.status == "failed"
    assert result.message == (
        "The program raised TypeError: the program has no main() to take its parameters (n)"
    )


def test_the_program_module_is_importable_while_it_runs() -> None:
    """pickle (a process pool) finds the program's functions by their module's name."""
    source = (
        "import pickle\n\ndef work():\n    pass\n\n"
        "def main():\n    print(pickle.loads(pickle.dumps(work)) is work)\n"
    )
    result = run_controlled(load_source(source, "<pickle>"), {}, 1, "random")
    assert result.status == "finished", result.message
    assert outputs(result.events) == ["True"]


def test_main_signature_is_read_from_the_source() -> None:
    program = load_file(PROGRAMS / "module_level.py")
    assert str(inspect.signature(program)) == "(threads=2, rounds=3)"
    odd = load_source("def main(a, /, b=1 + 1, *rest, c=(1, 'x'), **more):\n    pass\n", "<x>")
    assert str(inspect.signature(odd)) == "(a, /, b=1 + 1, *rest, c=(1, 'x'), **more)"
    assert load_source("x = 1\n", "<y>").signature is None
    assert load_source(BROKEN, "<z>").code is None


def test_program_scenarios_run_through_the_loader() -> None:
    programs = [s for s in registry.scenarios() if s.program]
    for scenario in programs:
        entry = registry.main_function(scenario)
        assert isinstance(entry, Program) and entry.filename == str(scenario.path)
        assert scenario.source == scenario.path.read_text()
        assert "app" not in {n.split(".")[0] for n in _imported(scenario.source)}


def _imported(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_shared_data_is_read_and_written_on_the_programs_lines() -> None:
    result = trial("plus_equals.py", 1)
    line = line_of("plus_equals.py", "counter += 1")
    reads = [e for e in result.events if e["kind"] == "read" and e["obj"] == "counter"]
    writes = [e for e in result.events if e["kind"] == "write" and e["obj"] == "counter"]
    # Six of each on its line; and the module's ``counter = 0``, main's print.
    assert [len([e for e in ops if e["line"] == line]) for ops in (reads, writes)] == [6, 6]
    first, shown = line_of("plus_equals.py", "counter = 0"), line_of("plus_equals.py", "print(")
    assert [e["line"] for e in writes if e["line"] != line] == [first]
    assert [e["line"] for e in reads if e["line"] != line] == [shown]


def test_a_failing_rewrite_is_reported_as_ours(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(tree: Any, filename: str) -> Any:
        raise RecursionError("too deep")

    monkeypatch.setattr(rewrite, "instrument", broken)
    result = run_controlled(load_source("x = 1\n", "<rewrite-fails>"), {}, 1, "random")
    assert result.status == "failed"
    assert result.message == (
        "Threadlab could not instrument this program: RecursionError: too deep"
    )


@pytest.mark.timeout(30)
def test_input_reads_nothing_and_leaves_the_managers_commands_alone() -> None:
    """The worker's stdin carries the manager's commands: a program's ``input()`` gets
    EOFError, as with ``python3 prog.py < /dev/null``, and the run still ends."""
    source = (
        "def main():\n"
        "    try:\n"
        "        name = input('name? ')\n"
        "    except EOFError:\n"
        "        name = 'nobody'\n"
        "    print('hello', name)\n"
    )
    events, done = run_worker(source, "program.py")
    assert done["status"] == "finished", done
    assert "hello nobody" in [e["detail"]["text"] for e in events if e["kind"] == "output"]


def test_main_is_called_once_whether_or_not_the_body_calls_it() -> None:
    counts = {}
    for name, tail in [
        ("guard", "if __name__ == '__main__':\n    main()\n"),
        ("body", "main()\n"),
        ("none", ""),
    ]:
        source = "calls = []\n\ndef main():\n    calls.append(1)\n    print(len(calls))\n\n" + tail
        result = run_controlled(load_source(source, f"/threadlab-test/{name}.py"), {}, 1, "random")
        assert result.status == "finished", result.message
        counts[name] = outputs(result.events)
    assert counts == {"guard": ["1"], "body": ["1"], "none": ["1"]}
