"""The cost of tracing a child process: ``Process(target=noop)`` started and joined,
traced (in a real worker, the child a group of lanes of the run) vs plain (``python3``).

    python bench/process_lanes.py [--processes N] [--method spawn|fork|forkserver]

The program below starts and joins N processes one after another (after one warm-up
process) and prints the median and the best seconds of one start+join.  It runs twice,
each as its own process: plain, as ``python3 program.py`` would; and traced, through
``python -m app.worker.runner`` in free mode, as a run does (the import hook hands it the
traced ``multiprocessing``, so each child reports over its own channel, its module body
and its lanes are traced, and the parent records its start and end).  One run of each;
the figure is the difference of the medians, the cost a traced child adds to its start.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = """\
import statistics
import time
from multiprocessing import get_context


def noop():
    pass


def main(processes=20, method="spawn"):
    ctx = get_context(method)
    times = []
    for i in range(processes + 1):
        start = time.perf_counter()
        p = ctx.Process(target=noop)
        p.start()
        p.join()
        if i:  # the first one warms up (imports, the resource tracker)
            times.append(time.perf_counter() - start)
    print(f"median: {statistics.median(times) * 1000:.1f} ms")
    print(f"best: {min(times) * 1000:.1f} ms")
"""


def plain(processes: int, method: str) -> list[str]:
    call = f"\nif __name__ == '__main__':\n    main({processes}, {method!r})\n"
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM + call], capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def traced(processes: int, method: str) -> list[str]:
    spec = {
        "source": PROGRAM,
        "filename": "bench_process_lanes.py",
        "params": {"processes": processes, "method": method},
        "mode": "free",
        "seed": 1,
        "policy": "random",
        "options": {},
        "limits": {"wall_time": 120, "max_events": 10**6, "max_threads": 256, "idle_time": 60},
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.worker.runner"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write((json.dumps(spec) + "\n").encode())
    proc.stdin.flush()
    printed: list[str] = []
    for line in proc.stdout:
        obj = json.loads(line)
        if obj.get("kind") == "output":
            printed.append(obj["detail"]["text"])
        if obj.get("msg") == "done":
            assert obj["status"] == "finished", obj
            break
    proc.stdin.close()
    proc.wait()
    proc.stdout.close()
    return printed


def ms(lines: list[str], label: str) -> float:
    return next(float(line.split()[1]) for line in lines if line.startswith(label))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=20)
    parser.add_argument("--method", default="spawn", choices=("spawn", "fork", "forkserver"))
    args = parser.parse_args()
    bare, ours = plain(args.processes, args.method), traced(args.processes, args.method)
    print(f"{args.processes} × Process(target=noop).start() + join(), {args.method}:")
    print(f"{'':8} {'median':>10} {'best':>10}")
    for name, lines in (("plain", bare), ("traced", ours)):
        print(f"{name:8} {ms(lines, 'median'):>7.1f} ms {ms(lines, 'best'):>7.1f} ms")
    cost = ms(ours, "median") - ms(bare, "median")
    print(f"tracing a child's start costs {cost:.1f} ms (median)")


if __name__ == "__main__":
    main()
