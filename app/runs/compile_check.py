"""Before a run of someone's own code is kept: does it compile?  Asked of a short-lived
worker (``app.worker.check``) launched as every worker is — the server never parses or
compiles a program, so a program that crashes the compiler crashes only that process.
"""

from __future__ import annotations

import asyncio
import json

from app.errors import ProgramRejected
from app.runs import process

CHECK_MODULE = "app.worker.check"
CHECK_TIMEOUT = 10.0  # seconds; compiling 64 KiB takes milliseconds
PROGRAM_FILE = "program.py"  # the name a program's tracebacks and lines go by


async def check_program(source: str, python: str) -> None:
    """Return if ``source`` compiles; else ``ProgramRejected`` with the compiler's
    message, line and column."""
    child = process.worker(python, CHECK_MODULE)
    try:
        await child.start()
    except OSError as exc:
        raise ProgramRejected(f"The program could not be checked: {exc}", str(exc)) from None
    try:
        request = {"source": source, "filename": PROGRAM_FILE}
        await child.send(json.dumps(request).encode() + b"\n")
        line = await asyncio.wait_for(child.readline(), CHECK_TIMEOUT)
    except TimeoutError:
        message = f"Compiling the program took longer than {CHECK_TIMEOUT:g} s; make it smaller."
        raise ProgramRejected(message, message) from None
    except ValueError:  # a line past the pipe's limit: not the checker's answer
        line = b""
    finally:
        await child.close()
    try:
        answer = json.loads(line)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        code = child.returncode
        message = f"Python could not compile the program: the compiler stopped (exit code {code})."
        raise ProgramRejected(message, message)
    if answer.get("ok") is True:
        return
    message = str(answer.get("message") or "The program does not compile.")
    line_no, column = answer.get("line"), answer.get("column")
    raise ProgramRejected(
        message,
        str(answer.get("error") or message),
        line_no if isinstance(line_no, int) else None,
        column if isinstance(column, int) else None,
    )
