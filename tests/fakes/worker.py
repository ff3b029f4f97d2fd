"""A fake worker that speaks the worker protocol and misbehaves on request.

Run as ``python -m tests.fakes.worker`` (the setting ``worker_module``).  What it does
is chosen by the run's ``options``: ``{"fake": BEHAVIOUR, "n": events, "interval": s}``.

    events    n events from two threads, then done(finished)          (the default)
    paced     n events, one every ``interval`` s, then done; stops on {"cmd": "stop"}
    slow      one event every ``interval`` s until stopped
    hang      ready, then nothing; ignores stop and SIGTERM
    orphan    forks a grandchild that ignores SIGTERM, reports its pid, then hangs
    crash     a few events, a traceback on stderr, exit code 3
    garbage   a line that is not JSON
    badseq    an event with seq 2 first
    endevent  an ``end`` event (only the manager may write one)
    longline  one line longer than the manager's line limit
    truncate  half an event line, then exit
    steps     manual policy: "waiting" for T1 or T2, each step becomes a ``run`` event
    flood     n events as fast as the pipe takes them (benchmarks)
    stamped   after ``wait`` s, n events in batches of ``batch`` every ``interval`` s, each
              with its wall-clock send time in ``detail.wall`` (latency benchmarks)
    deadlock  two events, then done(deadlocked)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from app.instrument.events import encode, make

OUT = sys.stdout.buffer
STOP = threading.Event()
STEPS: list[str] = []
OPTIONS: dict[str, Any] = {}


def send(line: bytes | str) -> None:
    OUT.write(line.encode() if isinstance(line, str) else line)
    OUT.flush()


def message(msg: str, **fields: Any) -> None:
    send(json.dumps({"msg": msg, **fields}) + "\n")


class Events:
    def __init__(self) -> None:
        self.seq = 0
        self.t0 = time.perf_counter()

    def emit(self, kind: str = "read", thread: str | None = "T1", **detail: Any) -> None:
        self.seq += 1
        t = round(time.perf_counter() - self.t0, 6)
        state = "Running" if thread else None
        send(encode(make(self.seq, t, kind, thread, state, "counter", 7, detail)) + "\n")


def listen(ignore_stop: bool = False) -> None:
    for line in sys.stdin:
        command = json.loads(line)
        if command.get("cmd") == "stop" and not ignore_stop:
            STOP.set()
        elif command.get("cmd") == "step":
            STEPS.append(command["thread"])
    if not ignore_stop:
        STOP.set()  # stdin closed: the manager is gone


def done(status: str = "finished", message_text: str | None = None) -> None:
    message("done", status=status, message=message_text, python="3.11.fake", facts={})
    os._exit(0)  # not sys.exit: a daemon thread blocked on stdin can hang shutdown


def main() -> None:
    spec = json.loads(sys.stdin.readline())
    options = spec.get("options", {})
    OPTIONS.update(options)
    behaviour = options.get("fake", "events")
    n, interval = int(options.get("n", 20)), float(options.get("interval", 0.05))
    ignore = behaviour in ("hang", "orphan")
    if ignore:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=listen, args=(ignore,), daemon=True).start()
    message("ready", python="3.11.fake")
    BEHAVIOURS[behaviour](Events(), n, interval)


def events(ev: Events, n: int, interval: float) -> None:
    for i in range(n):
        ev.emit(thread=f"T{i % 2 + 1}", i=i)
    done()


def paced(ev: Events, n: int, interval: float) -> None:
    for i in range(n):
        if STOP.wait(interval):
            done("cancelled", "Stopped on request.")
        ev.emit(thread=f"T{i % 2 + 1}", i=i)
    done()


def slow(ev: Events, n: int, interval: float) -> None:
    paced(ev, 10**9, interval)


def hang(ev: Events, n: int, interval: float) -> None:
    while True:
        time.sleep(3600)


def orphan(ev: Events, n: int, interval: float) -> None:
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\ntime.sleep(3600)",
        ]
    )
    ev.emit(thread="T1", pid=os.getpid(), grandchild=child.pid)
    hang(ev, n, interval)


def crash(ev: Events, n: int, interval: float) -> None:
    ev.emit()
    ev.emit()
    print("Traceback (most recent call last):\nRuntimeError: boom", file=sys.stderr)
    sys.stderr.flush()
    os._exit(3)


def garbage(ev: Events, n: int, interval: float) -> None:
    ev.emit()
    send("this is not json\n")
    hang(ev, n, interval)


def badseq(ev: Events, n: int, interval: float) -> None:
    ev.seq = 1
    ev.emit()
    hang(ev, n, interval)


def endevent(ev: Events, n: int, interval: float) -> None:
    ev.emit(kind="end", thread=None)
    hang(ev, n, interval)


def longline(ev: Events, n: int, interval: float) -> None:
    ev.emit(blob="x" * (2 << 20))
    hang(ev, n, interval)


def truncate(ev: Events, n: int, interval: float) -> None:
    ev.emit()
    send('{"seq":2,"t":0.1,"ki')
    os._exit(0)


def steps(ev: Events, n: int, interval: float) -> None:
    ev.emit(thread="T1")
    ev.emit(thread="T2")
    seen = 0
    message("waiting", runnable=["T1", "T2"], step=seen)
    while not STOP.wait(0.01):
        while seen < len(STEPS):
            ev.emit(kind="run", thread=STEPS[seen])
            seen += 1
            message("waiting", runnable=["T1", "T2"], step=seen)
    done("cancelled")


def flood(ev: Events, n: int, interval: float) -> None:
    # Pre-encode in bulk: measure the server, not this script.
    t = "T1"
    lines = [
        encode(make(i, 0.0, "read", t, "Running", "counter", 7, {"value": i}))
        for i in range(1, n + 1)
    ]
    for start in range(0, n, 1000):
        send(("\n".join(lines[start : start + 1000]) + "\n").encode())
    done()


def stamped(ev: Events, n: int, interval: float) -> None:
    batch, wait = int(OPTIONS.get("batch", 50)), float(OPTIONS.get("wait", 0))
    if STOP.wait(wait):
        done("cancelled", "Stopped on request.")
    sent = 0
    while sent < n:
        wall, lines = time.time(), []
        for _ in range(min(batch, n - sent)):
            sent += 1
            ev.seq += 1
            t = round(time.perf_counter() - ev.t0, 6)
            detail = {"value": sent, "wall": wall}
            lines.append(encode(make(ev.seq, t, "read", "T1", "Running", "counter", 7, detail)))
        send(("\n".join(lines) + "\n").encode())
        if sent < n and STOP.wait(interval):
            done("cancelled", "Stopped on request.")
    done()


def deadlock(ev: Events, n: int, interval: float) -> None:
    ev.emit(kind="block", thread="T1")
    ev.emit(kind="block", thread="T2")
    done("deadlocked", "Both threads wait for each other.")


BEHAVIOURS = {
    name: globals()[name]
    for name in (
        "events",
        "paced",
        "slow",
        "hang",
        "orphan",
        "crash",
        "garbage",
        "badseq",
        "endevent",
        "longline",
        "truncate",
        "steps",
        "flood",
        "stamped",
        "deadlock",
    )
}

if __name__ == "__main__":
    main()
