"""The cost of asyncio tasks as lanes: an asyncio program with many awaits, traced vs plain.

    python bench/asyncio_lanes.py [--tasks N] [--awaits M]

The program below (N tasks, each awaiting ``asyncio.sleep(0)`` M times, and a queue
handing M items from a producer to a consumer) is compiled once and run twice in this
process: plain, with the real ``asyncio``; and traced, as a program gets it in a worker
(the import hook hands it the substitute ``asyncio`` of ``app/instrument/stdlib.py``:
every task a lane, every resume and suspend an event), inside a real free-mode run set
up by ``bench/_inrun.py`` (a writer thread taking and encoding the events every 10 ms,
as the worker's does).  Only the tracing of tasks is measured: the program's shared data
is not rewritten here.  After one warm-up, ``--rounds`` rounds (5), plain and traced
interleaved; each figure is the best wall time of ``asyncio.run``, then the ratio.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _inrun import measure_in_run

from app.instrument import stdlib
from app.instrument.program import PROGRAM_MODULE, register_file
from app.instrument.runtime import Runtime

FILENAME = "<bench asyncio_lanes>"
PROGRAM = """\
import asyncio


async def spinner(awaits):
    for _ in range(awaits):
        await asyncio.sleep(0)


async def producer(q, awaits):
    for i in range(awaits):
        await q.put(i)


async def consumer(q, awaits):
    for _ in range(awaits):
        await q.get()


async def main(tasks, awaits):
    q = asyncio.Queue(maxsize=8)
    jobs = [spinner(awaits) for _ in range(tasks)]
    await asyncio.gather(producer(q, awaits), consumer(q, awaits), *jobs)


def go(tasks, awaits):
    asyncio.run(main(tasks, awaits))
"""


def plain(tasks: int, awaits: int) -> float:
    ns: dict[str, Any] = {"__name__": "bench_plain"}
    exec(compile(PROGRAM, "<bench plain>", "exec"), ns)
    started = time.perf_counter()
    ns["go"](tasks, awaits)
    return time.perf_counter() - started


def traced(tasks: int, awaits: int) -> tuple[float, int]:
    register_file(FILENAME)
    stdlib.install_import_hook()
    stdlib.reset()
    code = compile(PROGRAM, FILENAME, "exec")

    def measure(rt: Runtime, encoding: list[bool]) -> list[float]:
        encoding[0] = True  # the writer encodes, as the worker's does
        ns: dict[str, Any] = {"__name__": PROGRAM_MODULE}
        exec(code, ns)
        started = time.perf_counter()
        ns["go"](tasks, awaits)
        return [time.perf_counter() - started]

    rows, events = measure_in_run(measure)
    return rows[0], events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--awaits", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    plain(2, 10)  # warm-up: imports, the first loop
    traced(2, 10)
    untraced, seconds, events = float("inf"), float("inf"), 0
    for _ in range(args.rounds):  # interleaved; the best of each is the quiet moment
        untraced = min(untraced, plain(args.tasks, args.awaits))
        took, events = traced(args.tasks, args.awaits)
        seconds = min(seconds, took)
    steps = (args.tasks + 2) * args.awaits
    print(f"{args.tasks} tasks + producer/consumer, {args.awaits} awaits each ({steps:,} steps)")
    print(f"plain   {untraced * 1e3:8.1f} ms")
    print(f"traced  {seconds * 1e3:8.1f} ms  ({events:,} events)")
    print(
        f"ratio   {seconds / untraced:8.1f}x   ({(seconds - untraced) / steps * 1e6:.1f} µs a step)"
    )


if __name__ == "__main__":
    main()
