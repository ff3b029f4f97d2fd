"""The standard library as a program sees it (standard library only).

A program imports ``threading``, ``queue``, ``time`` and ``concurrent.futures`` and gets
*substitute* modules: each is a copy of the real module's namespace with the traced
classes of ``app.instrument`` put over the names listed in ``TRACED``.  The real modules
are never patched: ``threading.py`` looks its own names up at call time (``Thread.start``
makes an ``Event``, ``Condition`` makes a ``Lock``) and ``concurrent.futures`` blocks in
C on ``SimpleQueue``, so patching them in place would make the library's internals and
the worker's own threads traced scheduling points.

The hand-over is an import hook, a wrapper of ``builtins.__import__`` installed once
(``install_import_hook``): an importer whose globals say ``__name__ == PROGRAM_MODULE``
gets the substitutes; every other importer — the standard library, the worker, the
tests — gets the real modules, as it always did.  ``import threading as t``, ``from
threading import Lock``, ``import concurrent.futures`` and ``from concurrent import
futures`` all go through it.  ``importlib.import_module`` and ``sys.modules`` do not:
they give the real modules, untraced.

Whatever a substitute does not override is the real module's attribute
(``threading.TIMEOUT_MAX``, ``time.perf_counter``, ``queue.Empty``), also one set on the
real module later (a submodule imported lazily).  Each execution of a program gets fresh
substitutes (``reset``), so a program that sets ``threading.excepthook`` leaves nothing
behind for the next trial.
"""

from __future__ import annotations

import builtins
import concurrent
import concurrent.futures
import queue
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from types import ModuleType

import app.instrument
from app.instrument.program import PROGRAM_MODULE

# The names each substitute takes from ``app.instrument``: every blocking or
# thread-aware name a program reaches for.
TRACED: dict[str, tuple[str, ...]] = {
    "threading": (
        "Thread",
        "Lock",
        "RLock",
        "Semaphore",
        "BoundedSemaphore",
        "Condition",
        "Event",
        "Barrier",
        "BrokenBarrierError",
        "Timer",
        "local",
        "excepthook",
        "current_thread",
        "get_ident",
        "enumerate",
        "active_count",
        "main_thread",
    ),
    "queue": ("Queue", "LifoQueue", "PriorityQueue", "SimpleQueue", "Empty", "Full"),
    "time": ("sleep",),
    "concurrent.futures": ("ThreadPoolExecutor", "Future", "as_completed", "wait"),
}

# Listed names that ``app.instrument`` does not export yet: the program gets the real
# (untraced) ones until it does.  Empty once every name is traced.
NOT_YET_TRACED: tuple[str, ...] = tuple(
    f"{module}.{name}"
    for module, names in TRACED.items()
    for name in names
    if not hasattr(app.instrument, name)
)

_REAL: dict[str, ModuleType] = {
    "threading": threading,
    "queue": queue,
    "time": time,
    "concurrent": concurrent,
    "concurrent.futures": concurrent.futures,
}
_TOP_LEVEL = frozenset(name.partition(".")[0] for name in _REAL) | {"asyncio", "multiprocessing"}

_active: dict[str, ModuleType] | None = None
_real_import: Callable[..., ModuleType] | None = None


def _substitute(real: ModuleType, overrides: Mapping[str, object]) -> ModuleType:
    module = ModuleType(real.__name__, real.__doc__)
    namespace = vars(module)
    namespace.update(vars(real))
    namespace.update(overrides)
    # A name missing here is looked up on the real module (PEP 562), where it may have
    # appeared since: a submodule, or what concurrent.futures' own __getattr__ makes.
    namespace["__getattr__"] = partial(getattr, real)
    return module


def _build() -> dict[str, ModuleType]:
    modules: dict[str, ModuleType] = {}
    for name in ("threading", "queue", "time", "concurrent.futures"):
        overrides = {
            attr: getattr(app.instrument, attr)
            for attr in TRACED[name]
            if f"{name}.{attr}" not in NOT_YET_TRACED
        }
        modules[name] = _substitute(_REAL[name], overrides)
    # A process pool's workers are lanes (``processes.py``), loaded at its first use.
    futures = vars(modules["concurrent.futures"])
    futures.pop("ProcessPoolExecutor", None)  # the real one, once something loaded it
    futures["__getattr__"] = _futures_getattr
    modules["concurrent"] = _substitute(concurrent, {"futures": modules["concurrent.futures"]})
    return modules


def _futures_getattr(name: str) -> object:
    if name == "ProcessPoolExecutor":
        from app.instrument import process_substitutes

        return process_substitutes.ProcessPoolExecutor
    return getattr(concurrent.futures, name)


def _multiprocessing_substitute() -> ModuleType:
    """``multiprocessing`` as a program gets it: each child process a group of lanes
    (``processes.py``), "spawn" by default; built at a program's first import of it
    (fresh for each execution), as it costs a worker that does not."""
    import multiprocessing

    from app.instrument import process_substitutes

    return _substitute(multiprocessing, process_substitutes.substitute_namespace())


def _multiprocessing_submodules() -> dict[str, ModuleType]:
    from app.instrument import process_substitutes

    return process_substitutes.submodules()


def _asyncio_substitute() -> ModuleType:
    """``asyncio`` as a program gets it: its tasks are lanes (``tasks.py``); imported
    only by a program that imports asyncio, as it costs a worker that does not."""
    import asyncio

    from app.instrument import asyncio_prims, tasks

    overrides = {name: getattr(tasks, name) for name in ASYNCIO_TRACED[0]}
    overrides.update({name: getattr(asyncio_prims, name) for name in ASYNCIO_TRACED[1]})
    return _substitute(asyncio, overrides)


# ``asyncio``'s names a program gets traced: from ``tasks.py``, from ``asyncio_prims.py``.
ASYNCIO_TRACED = (
    ("run", "Runner", "new_event_loop", "gather"),
    (
        "Lock",
        "Semaphore",
        "Event",
        "Queue",
        "Condition",
        "TaskGroup",
        "sleep",
        "to_thread",
        "wait",
        "wait_for",
    ),
)


def reset() -> dict[str, ModuleType]:
    """Fresh substitute modules, handed to every program import from now on (the loader
    calls this once per execution); returns them by module name."""
    global _active
    _active = _build()
    return _active


def substitute(name: str) -> ModuleType:
    """The substitute module a program importing ``name`` gets now (``"threading"``,
    ``"queue"``, ``"time"``, ``"concurrent"``, ``"concurrent.futures"``)."""
    modules = _active if _active is not None else reset()
    return modules[name]


def install_import_hook() -> None:
    """Hand the substitutes to the program's imports from now on.  Idempotent; affects
    no importer but a program's, so it is safe in any process (the tests run trials
    in-process)."""
    global _real_import
    if _real_import is not None:
        return
    _real_import = builtins.__import__
    builtins.__import__ = _import


def _import(
    name: str,
    globals: Mapping[str, object] | None = None,
    locals: Mapping[str, object] | None = None,
    fromlist: Sequence[str] | None = (),
    level: int = 0,
) -> ModuleType:
    assert _real_import is not None
    # The real import first: it loads what is missing and raises what Python raises.
    module = _real_import(name, globals, locals, fromlist, level)
    if level or globals is None or globals.get("__name__") != PROGRAM_MODULE:
        return module
    top = name.partition(".")[0]
    if top not in _TOP_LEVEL:
        return module
    modules = _active if _active is not None else reset()
    if top == "asyncio" and "asyncio" not in modules:  # built at its first import only
        modules["asyncio"] = _asyncio_substitute()
    if top == "multiprocessing" and "multiprocessing" not in modules:  # the same
        modules["multiprocessing"] = _multiprocessing_substitute()
        # ``from multiprocessing.pool import Pool`` asks for the submodule by its name.
        modules.update(_multiprocessing_submodules())
    if fromlist:  # ``from X import y`` gets X itself: ours, unless X is one we don't cover
        return modules.get(name, module)
    return modules[top]  # ``import X.Y`` binds X, whose ``Y`` is ours
