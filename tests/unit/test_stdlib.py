"""The substitute modules a program gets for ``threading``, ``queue``, ``time`` and
``concurrent.futures`` (``app/instrument/stdlib.py``): which importers get them, that
every other importer — the standard library's internals, the worker — keeps the real
modules, and that they start afresh for every execution."""

from __future__ import annotations

import builtins
import concurrent.futures
import concurrent.futures.thread
import queue
import sys
import threading
import time
from typing import Any

import pytest

import app.instrument
from app.instrument import stdlib
from app.instrument.program import PROGRAM_MODULE

IMPORTS = """
import threading
import threading as t
from threading import Lock, RLock, Condition
import queue
from queue import Queue
import time
from time import sleep
import concurrent.futures
import concurrent.futures as cf
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor, FIRST_COMPLETED
"""


def run_as(name: str, code: str) -> dict[str, Any]:
    stdlib.install_import_hook()
    namespace: dict[str, Any] = {"__name__": name}
    exec(code, namespace)
    return namespace


def traced(module: str, name: str) -> Any:
    """What a program should get for ``module.name``: ours where it exists."""
    if f"{module}.{name}" in stdlib.NOT_YET_TRACED:
        return getattr(sys.modules[module], name)
    return getattr(app.instrument, name)


def test_a_program_gets_the_traced_names_however_it_imports_them() -> None:
    stdlib.reset()  # as the loader does per execution: an earlier program set excepthook
    ns = run_as(PROGRAM_MODULE, IMPORTS)
    assert ns["threading"].Lock is ns["t"].Lock is ns["Lock"] is app.instrument.Lock
    assert ns["RLock"] is app.instrument.RLock and ns["Condition"] is app.instrument.Condition
    assert ns["threading"].Thread is app.instrument.Thread
    assert ns["queue"].Queue is ns["Queue"] is app.instrument.Queue
    assert ns["time"].sleep is ns["sleep"] is app.instrument.sleep
    # ``import concurrent.futures`` binds ``concurrent``: its ``futures`` is ours too.
    assert ns["concurrent"].futures is ns["cf"] is ns["futures"]
    assert ns["futures"] is not concurrent.futures
    assert ns["ThreadPoolExecutor"] is traced("concurrent.futures", "ThreadPoolExecutor")
    for module, names in stdlib.TRACED.items():
        substitute = stdlib.substitute(module)
        for name in names:
            assert getattr(substitute, name) is traced(module, name), f"{module}.{name}"


def test_what_is_not_overridden_is_the_real_modules() -> None:
    ns = run_as(PROGRAM_MODULE, IMPORTS)
    assert ns["threading"].TIMEOUT_MAX == threading.TIMEOUT_MAX
    assert ns["threading"].get_native_id is threading.get_native_id
    assert ns["time"].perf_counter is time.perf_counter and ns["time"].monotonic is time.monotonic
    assert ns["queue"].Empty is queue.Empty and ns["queue"].Full is queue.Full
    assert ns["FIRST_COMPLETED"] == concurrent.futures.FIRST_COMPLETED
    assert ns["futures"].CancelledError is concurrent.futures.CancelledError
    # A process pool's workers are lanes of the run (app/instrument/processes.py) ...
    assert issubclass(ns["futures"].ProcessPoolExecutor, concurrent.futures.ProcessPoolExecutor)
    # ... made at its first use, as concurrent.futures' own __getattr__ makes the real one,
    # which loads a submodule: still there.
    assert ns["futures"].process is concurrent.futures.process
    assert ns["concurrent"].futures.thread is concurrent.futures.thread
    assert ns["threading"].__name__ == "threading"
    assert "Lock" in dir(ns["threading"]) and "TIMEOUT_MAX" in dir(ns["threading"])
    with pytest.raises(ImportError, match="cannot import name 'Nope' from 'threading'"):
        run_as(PROGRAM_MODULE, "from threading import Nope")
    with pytest.raises(AttributeError, match="module 'threading' has no attribute 'nope'"):
        _ = ns["threading"].nope


def test_star_import_gives_the_traced_names() -> None:
    ns = run_as(PROGRAM_MODULE, "from threading import *")
    assert ns["Lock"] is app.instrument.Lock and ns["Thread"] is app.instrument.Thread
    assert ns["TIMEOUT_MAX"] == threading.TIMEOUT_MAX


@pytest.mark.parametrize("name", ["__main__", "app.worker.runner", "queue", "somebody"])
def test_every_other_importer_gets_the_real_modules(name: str) -> None:
    ns = run_as(name, IMPORTS)
    assert ns["threading"] is ns["t"] is threading and ns["Lock"] is threading.Lock
    assert ns["queue"] is queue and ns["time"] is time
    assert ns["concurrent"].futures is ns["futures"] is ns["cf"] is concurrent.futures
    assert ns["ThreadPoolExecutor"] is concurrent.futures.ThreadPoolExecutor


def test_no_globals_and_relative_imports_pass_through() -> None:
    stdlib.install_import_hook()
    assert __import__("threading") is threading
    assert builtins.__import__("threading", None, None, ("Lock",), 0) is threading


def test_the_real_modules_are_never_patched() -> None:
    run_as(PROGRAM_MODULE, IMPORTS + "\nthreading.patched = True\nqueue.Queue = None\n")
    assert sys.modules["threading"] is threading and not hasattr(threading, "patched")
    assert threading.Lock is not app.instrument.Lock and queue.Queue is not None
    # The library's own internals still see the real threading.
    assert vars(queue)["threading"] is threading
    assert vars(concurrent.futures.thread)["threading"] is threading
    assert concurrent.futures.thread.queue is queue
    assert isinstance(queue.Queue().mutex, type(threading.Lock()))


def test_each_reset_hands_out_fresh_modules() -> None:
    stdlib.reset()
    # One execution imports twice and gets the same module (within one exec, so that no
    # reset by a thread another test left running can fall between the two imports).
    first = run_as(
        PROGRAM_MODULE,
        "import threading\nthreading.excepthook = print\nimport threading as again\n",
    )
    assert first["threading"].excepthook is print
    assert first["again"] is first["threading"]
    stdlib.reset()
    fresh = run_as(PROGRAM_MODULE, "import threading")
    assert fresh["threading"] is not first["threading"]
    assert fresh["threading"].excepthook is traced("threading", "excepthook")


def test_the_hook_is_installed_once() -> None:
    stdlib.install_import_hook()
    hook = builtins.__import__
    stdlib.install_import_hook()
    assert builtins.__import__ is hook
    assert hook.__module__ == stdlib.__name__


def test_not_yet_traced_lists_exactly_what_app_instrument_lacks() -> None:
    wanted = {f"{m}.{n}" for m, names in stdlib.TRACED.items() for n in names}
    assert set(stdlib.NOT_YET_TRACED) <= wanted
    for entry in wanted:
        name = entry.rpartition(".")[2]
        assert (entry in stdlib.NOT_YET_TRACED) == (not hasattr(app.instrument, name)), entry
