"""Shared data traced without a wrapper: the rewritten program vs the same program plain,
side by side in one run.

    python bench/shared_data.py [--wall]

Aims (issue 10): a thread that shares nothing — a pure-Python loop over locals — costs
no more than 1.5x traced (rewritten, in a free-mode run) than untraced; a traced
``with lock: counter += 1`` costs no more than 25x the same plain loop.

The program below is compiled twice from the same text: as written, run outside any run
with the real ``threading`` (untraced), and as the worker compiles it — rewritten by
``app/instrument/rewrite.py``, its ``threading`` the traced one — run inside a real
free-mode run set up by ``bench/_inrun.py`` (``build_runtime`` +
``run_main``, a writer thread taking the events every 10 ms).  Columns: untraced;
traced, the writer only taking the events; traced, the writer also JSON-encoding them as
the worker does (under the GIL that work slows the program's threads too — what a run
really pays).  The aims are judged on the traced column, as ``bench/primitives.py``
judges the Lock.  Each figure is the best of many short rounds, the rounds interleaved.
"""

from __future__ import annotations

import ast
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _inrun import measure_in_run

from app.instrument import runtime, stdlib
from app.instrument.data import ACCESS
from app.instrument.program import ACCESS_NAME, PROGRAM_MODULE, register_file
from app.instrument.rewrite import instrument

ROUNDS = 31  # short rounds, many of them: the best is the machine's quiet moment
WALL = "--wall" in sys.argv
_clock = time.perf_counter_ns if WALL else time.process_time_ns
FILENAME = str(Path(__file__).resolve().parent / "shared_data_program.py")  # never read

PROGRAM = """
import threading

counter = 0
lock = threading.Lock()
items = []


class Box:
    def __init__(self):
        self.n = 0


box = Box()


def local_loop(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def locked_loop(n):
    global counter
    for _ in range(n):
        with lock:
            counter += 1


def plain_increment(n):
    global counter
    for _ in range(n):
        counter += 1


def attribute_increment(n):
    for _ in range(n):
        box.n += 1


def append_pop(n):
    for i in range(n):
        items.append(i)
        items.pop()
"""

# (label, function, iterations per round, aim: traced/untraced at most)
CASES: list[tuple[str, str, int, float | None]] = [
    ("loop over locals (shares nothing)", "local_loop", 50_000, 1.5),
    ("with lock: counter += 1", "locked_loop", 5_000, 25.0),
    ("counter += 1 (global)", "plain_increment", 5_000, None),
    ("box.n += 1 (attribute)", "attribute_increment", 5_000, None),
    ("items.append(i); items.pop()", "append_pop", 5_000, None),
]
COLUMNS = ("untraced", "traced", "+encode")


def load(rewrite: bool) -> dict[str, Any]:
    """The program's namespace: as written (the real threading) or as the worker runs it."""
    tree = ast.parse(PROGRAM, FILENAME)
    namespace: dict[str, Any] = {"__name__": "__bench_plain__"}
    if rewrite:
        register_file(FILENAME)
        tree = instrument(tree, FILENAME).tree
        stdlib.install_import_hook()
        stdlib.reset()
        namespace = {"__name__": PROGRAM_MODULE, ACCESS_NAME: ACCESS}
    exec(compile(tree, FILENAME, "exec", dont_inherit=True), namespace)
    return namespace


def timed(fn: Callable[[int], object], n: int) -> float:
    t0 = _clock()
    fn(n)
    return (_clock() - t0) / n


def measure(rt: runtime.Runtime, encoding: list[bool]) -> list[tuple[str, dict[str, float]]]:
    runtime.install(None)
    plain = load(rewrite=False)
    runtime.install(rt)
    traced = load(rewrite=True)  # its module body runs in the run, as in the worker
    results = []
    for label, name, n, _aim in CASES:
        best = dict.fromkeys(COLUMNS, float("inf"))
        for _ in range(ROUNDS):
            runtime.install(None)
            best["untraced"] = min(best["untraced"], timed(plain[name], n))
            runtime.install(rt)
            for col in ("traced", "+encode"):
                encoding[0] = col == "+encode"
                gc.collect()  # each round from the same start: no collection left over
                best[col] = min(best[col], timed(traced[name], n))
        results.append((label, best))
    runtime.install(rt)
    return results


def main() -> None:
    results, _ = measure_in_run(measure)

    timer = "wall-clock" if WALL else "process CPU"
    print(f"Python {sys.version.split()[0]}; {timer} ns per iteration, best of {ROUNDS} rounds")
    print(f"{'':36}" + "".join(f"{c:>10}" for c in COLUMNS) + "   ratio  +encode  aim (ratio)")
    for (label, best), (*_, aim) in zip(results, CASES, strict=True):
        cells = "".join(f"{best[c]:10.0f}" for c in COLUMNS)
        ratio, encoded = best["traced"] / best["untraced"], best["+encode"] / best["untraced"]
        verdict = "" if aim is None else f"≤{aim:g}x " + ("meets" if ratio <= aim else "MISSES")
        print(f"{label:36}{cells}{ratio:7.1f}x{encoded:8.1f}x  {verdict}")


if __name__ == "__main__":
    main()
