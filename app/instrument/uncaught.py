"""What happens to an exception a run's thread does not catch: ``threading.excepthook``
(standard library only).

When a traced thread's ``run()`` raises, the thread does what CPython's does: it calls
the ``excepthook`` of the ``threading`` the program imported (``stdlib.py`` hands each
execution a fresh one, so a hook the program sets there is the one called), with
``threading.ExceptHookArgs``.  The default hook prints what CPython's prints to
``sys.stderr`` — ``Exception in thread NAME:`` and the traceback.  Our own frames are cut
out of the traceback first, so it shows the program's lines only.
"""

from __future__ import annotations

import os
import sys
import threading
import traceback
from types import TracebackType
from typing import Any

__all__ = ["excepthook", "invoke"]

_HERE = os.path.dirname(os.path.abspath(__file__))


def excepthook(args: Any) -> None:
    """CPython's default ``threading.excepthook``: a ``SystemExit`` is ignored; anything
    else is printed to ``sys.stderr`` with the thread's name."""
    if args.exc_type is SystemExit:
        return
    stderr = sys.stderr
    if stderr is None:
        return
    name = args.thread.name if args.thread is not None else threading.get_ident()
    print(f"Exception in thread {name}:", file=stderr, flush=True)
    traceback.print_exception(args.exc_type, args.exc_value, args.exc_traceback, file=stderr)
    stderr.flush()


def invoke(thread: object, exc: BaseException) -> None:
    """Report ``exc``, raised by ``thread``'s ``run()``, as CPython's ``Thread`` does
    (``_make_invoke_excepthook``): the program's hook, and if that hook itself fails,
    ``Exception in threading.excepthook:`` and ``sys.excepthook``."""
    exc.__traceback__ = _without_ours(exc.__traceback__)
    args = threading.ExceptHookArgs([type(exc), exc, exc.__traceback__, thread])
    try:
        _program_hook()(args)
    except Exception as hook_exc:
        hook_exc.__suppress_context__ = True
        if sys.stderr is not None:
            print("Exception in threading.excepthook:", file=sys.stderr, flush=True)
        sys.excepthook(type(hook_exc), hook_exc, hook_exc.__traceback__)
    finally:
        del args  # as CPython: no cycle through the traceback


def _program_hook() -> Any:
    """The hook the program's ``threading`` holds now (ours, unless it set one)."""
    from app.instrument import stdlib  # here: stdlib imports the package being built

    hook = getattr(stdlib.substitute("threading"), "excepthook", None)
    return hook if hook is not None else excepthook


def _without_ours(tb: TracebackType | None) -> TracebackType | None:
    """``tb`` without the frames of ``app/instrument`` (a thread's bootstrap and run)."""
    kept = []
    while tb is not None:
        if os.path.dirname(tb.tb_frame.f_code.co_filename) != _HERE:
            kept.append(tb)
        tb = tb.tb_next
    out = None
    for entry in reversed(kept):
        out = TracebackType(out, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return out
