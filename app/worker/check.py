"""Does a program compile?  A short-lived worker the server asks before it keeps a run
of someone's own code (standard library only): the server never parses or compiles a
program itself, so a program that crashes the parser crashes only this process.

stdin: one JSON line ``{"source": text, "filename": name}``.  stdout: one JSON line,
``{"ok": true}`` or ``{"ok": false, "message", "error", "line", "column"}`` (line and
column 1-based, or null).  Run as ``python -m app.worker.check``, launched like the
runner (in the sandbox where there is one).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from app.worker.limits import apply as apply_limits
from app.worker.program import load_source

CHECK_SECONDS = 10  # the server waits as long (compile_check.CHECK_TIMEOUT)


def check(source: str, filename: str) -> dict[str, Any]:
    try:
        program = load_source(source, filename)
    except RecursionError:  # the compiler's own recursion on a deeply nested program
        return _refused("The program is nested too deeply for Python to compile it.")
    except MemoryError:
        return _refused("The program is too large or nested too deeply to compile.")
    failure = program.failure
    if failure is None:
        return {"ok": True}
    return {
        "ok": False,
        "message": failure.message,
        "error": failure.error,
        "line": failure.line,
        "column": failure.column,
    }


def _refused(message: str) -> dict[str, Any]:
    return {"ok": False, "message": message, "error": message, "line": None, "column": None}


def main() -> None:
    request = json.loads(sys.stdin.readline())
    apply_limits({"wall_time": CHECK_SECONDS})  # the parser's memory and time, bounded
    answer = check(str(request["source"]), str(request["filename"]))
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
