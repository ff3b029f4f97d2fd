"""Traced vs plain primitives: nanoseconds per operation pair, side by side in one run.

    python bench/primitives.py [--wall]   (target: traced Lock acquire+release ≤ 1 µs)

The traced side runs inside a real run set up exactly as the worker sets one up
(``bench/_inrun.py``: ``build_runtime`` + ``run_main``, free mode, the caller
bound as MainThread), with a background thread that takes the recorded events every
10 ms like the worker's writer, so memory stays bounded.  Columns: the standard library
(``threading``/``queue``; for shared data, a loop of ``counter += 1`` on a module global
compiled as written); ``app.instrument`` outside a run (for shared data, the same loop
as the worker compiles a program — rewritten by ``app/instrument/rewrite.py``, loaded by
``app/worker/program.load_source`` — run outside any run); traced, the writer only
taking the events (the cost of recording); and traced, the writer also JSON-encoding
them as the worker does (under the GIL that work slows the program's threads too — what
a run really pays).  Each figure is the best of several rounds, the rounds interleaved
so that all columns see the same machine state.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _inrun import measure_in_run

import app.instrument as ins
from app.instrument import runtime
from app.instrument.program import PROGRAM_MODULE
from app.worker.program import load_source

ROUNDS = 7
# Process CPU time by default: it counts every thread of the process (the writer's work
# too) but not the time other processes take the CPU away, so a busy machine (CI, other
# test runs) does not blur the figures.  --wall measures wall-clock time instead.
WALL = "--wall" in sys.argv
_clock = time.perf_counter_ns if WALL else time.process_time_ns


# Shared data needs no object: a program's own ``counter += 1`` on a global, which the
# worker's loader rewrites into a traced read and write.
GLOBAL_COUNTER = """
counter = 0


def loop(n, clock):
    global counter
    t0 = clock()
    for _ in range(n):
        counter += 1
    return clock() - t0
"""


def _counter_loop(rewritten: bool) -> Callable[[int], int]:
    """The loop of ``GLOBAL_COUNTER``: compiled as written, or loaded as the worker loads
    a program (executed now: inside the run if one is installed, so its global is the
    run's shared data)."""
    namespace: dict[str, Any] = {}
    if rewritten:
        program = load_source(GLOBAL_COUNTER, str(Path(__file__).with_name("counter.py")))
        program()  # a fresh module (``PROGRAM_MODULE``): its body runs, there is no main
        namespace = vars(sys.modules[PROGRAM_MODULE])
    else:
        exec(compile(GLOBAL_COUNTER, "<plain>", "exec"), namespace)
    return partial(namespace["loop"], clock=_clock)


def _pairs(make: Callable[[], object], kind: str) -> Callable[[int], int]:
    """A loop of ``n`` operation pairs on a fresh object; returns elapsed ns."""
    obj = make()
    if kind == "lock":
        acquire, release = obj.acquire, obj.release  # type: ignore[attr-defined]

        def loop(n: int) -> int:
            t0 = _clock()
            for _ in range(n):
                acquire()
                release()
            return _clock() - t0

    elif kind == "with":

        def loop(n: int) -> int:
            t0 = _clock()
            for _ in range(n):
                with obj:  # type: ignore[attr-defined]
                    pass
            return _clock() - t0

    elif kind == "global":
        return obj  # type: ignore[return-value]  # the loop itself (``_counter_loop``)

    else:  # queue
        put, get = obj.put, obj.get  # type: ignore[attr-defined]

        def loop(n: int) -> int:
            t0 = _clock()
            for _ in range(n):
                put(1)
                get()
            return _clock() - t0

    return loop


# (label, kind, pairs per round, stdlib factory, app.instrument factory)
CASES: list[tuple[str, str, int, Callable[[], object], Callable[[], object]]] = [
    ("Lock acquire+release", "lock", 50_000, threading.Lock, ins.Lock),
    ("Lock `with`", "with", 50_000, threading.Lock, ins.Lock),
    ("RLock acquire+release", "lock", 30_000, threading.RLock, ins.RLock),
    ("Semaphore acquire+release", "lock", 20_000, threading.Semaphore, ins.Semaphore),
    (
        "global `counter += 1`",
        "global",
        30_000,
        partial(_counter_loop, rewritten=False),
        partial(_counter_loop, rewritten=True),
    ),
    ("Queue put+get", "queue", 10_000, queue.Queue, ins.Queue),
]


COLUMNS = ("stdlib", "outside", "traced", "+encode")
Row = tuple[str, dict[str, float]]


def measure(rt: runtime.Runtime, encoding: list[bool]) -> list[Row]:
    results = []
    for label, kind, n, std, traced in CASES:
        runtime.install(None)
        loops = {"stdlib": _pairs(std, kind), "outside": _pairs(traced, kind)}
        runtime.install(rt)
        loops["traced"] = _pairs(traced, kind)  # created in the run: declared, named
        loops["+encode"] = _pairs(traced, kind)
        best = dict.fromkeys(loops, float("inf"))
        for _ in range(ROUNDS):
            for col, loop in loops.items():
                runtime.install(rt if col in ("traced", "+encode") else None)
                encoding[0] = col == "+encode"
                best[col] = min(best[col], loop(n) / n)
        runtime.install(rt)
        results.append((label, best))
    return results


def main() -> None:
    results, drained = measure_in_run(measure)

    timer = "wall-clock" if WALL else "process CPU"
    print(f"Python {sys.version.split()[0]}; {timer} ns per pair, best of {ROUNDS} rounds")
    print(f"{'':27}" + "".join(f"{c:>9}" for c in COLUMNS) + "   traced/stdlib")
    for label, best in results:
        cells = "".join(f"{best[c]:9.0f}" for c in COLUMNS)
        print(f"{label:27}{cells}{best['traced'] / best['stdlib']:13.1f}x")
    lock = results[0][1]["traced"]
    verdict = "meets" if lock <= 1000 else "MISSES"
    print(f"traced Lock acquire+release: {lock:.0f} ns — {verdict} the 1 µs target")
    print(f"events recorded and drained: {drained:,}")


if __name__ == "__main__":
    main()
