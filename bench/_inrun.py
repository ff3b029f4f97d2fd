"""Measuring inside a real free-mode run, as the worker records one (for the benches).

``measure_in_run(measure)`` builds the run's recorder and runtime, starts a writer
thread that drains the recorder every 10 ms as the worker's does (encoding what it
takes while ``encoding[0]`` is true), runs ``measure(rt, encoding)`` as the run's
MainThread and returns its rows and the number of events drained.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from app.contract import Mode, Status
from app.instrument import runtime
from app.instrument.runtime import Runtime
from app.worker.execution import build_runtime, run_main

FLUSH_INTERVAL = 0.01  # as the worker's writer
Row = TypeVar("Row")


class _Control:
    def finish(self, status: str, message: str | None, **facts: object) -> None:
        raise SystemExit(f"the run ended: {status}: {message}")


def measure_in_run(
    measure: Callable[[Runtime, list[bool]], list[Row]],
) -> tuple[list[Row], int]:
    spec = {"mode": Mode.FREE, "options": {}, "limits": {"max_events": 10**12, "max_threads": 64}}
    rows: list[Row] = []
    encoding = [False]  # does the writer encode what it takes (as the worker does)?

    def body() -> None:
        rows.extend(measure(rt, encoding))

    rt = build_runtime(spec, _Control(), body)  # type: ignore[arg-type]  # a stand-in control
    recorder = rt.recorder
    stop = threading.Event()
    drained = [0]

    def writer() -> None:
        while not stop.wait(FLUSH_INTERVAL):
            batch = recorder.take()
            drained[0] += len(batch)
            if encoding[0]:
                recorder.encode_batch(batch)

    drain = threading.Thread(target=writer, name="writer", daemon=True)
    drain.start()
    runtime.install(rt)
    try:
        status, message = run_main(rt, body, {})
    finally:
        runtime.install(None)
        stop.set()
        drain.join()
    if status != Status.FINISHED:
        raise SystemExit(f"the bench run {status}: {message}")
    return rows, drained[0] + len(recorder.take())
