"""What one worker process may use, set by the worker itself before a program runs
(standard library only).

Every worker applies these, in the sandbox or not (``app/runs/sandbox.py``).  Soft and
hard limits are set alike, so an unprivileged program cannot raise them again; where the
worker still runs as root (no sandbox and no other user to run as) it could, which is
why a server without a sandbox lets only its own computer run code.

The rlimits hold per process; ``tree_budget`` is the run's memory over all its processes,
which the server's supervisor enforces from outside (``app/runs/supervisor.py``).

RLIMIT_NPROC counts every process and thread of the worker's real uid, not of the run,
so it is set only when the launcher says that uid runs nothing but this run
(``SOLE_UID`` in the environment): a uid of its own, or a user namespace of its own.
"""

from __future__ import annotations

import math
import os
import resource
import sysconfig
from collections.abc import Mapping
from typing import Any

from app.contract import DEFAULT_LIMITS

SOLE_UID = "THREADLAB_SOLE_UID"  # "1": this process's uid runs nothing but this run

CPU_SLACK = 5  # CPU seconds past the wall time: the wall-time kill normally comes first
MIB = 1 << 20
# Address space: the interpreter, the worker and the program's data, plus one thread
# stack (8 MiB, glibc's default from RLIMIT_STACK) and its guard and TLS per thread.
# Measured: 63 waiting threads took 630 MB of address space with MALLOC_ARENA_MAX=2
# (the launcher sets it; glibc's default of 8 arenas a core reserves 64 MiB each).
MEMORY_BASE = 1024 * MIB
MEMORY_PER_THREAD = 10 * MIB
FILE_SIZE = 64 * MIB  # the largest file a program may write (EFBIG past it)
OPEN_FILES = 256
TASKS_SPARE = 64  # the worker's own threads, and a few child processes


def apply(limits: Mapping[str, Any] | None) -> None:
    """Lower this process's limits for a run with ``limits`` (a spec's ``limits``)."""
    limits = limits or {}
    wall = float(limits.get("wall_time", DEFAULT_LIMITS.wall_time))
    threads = int(limits.get("max_threads", DEFAULT_LIMITS.max_threads))
    cpu = math.ceil(wall) + CPU_SLACK
    _lower(resource.RLIMIT_CPU, cpu, cpu + CPU_SLACK)  # SIGXCPU, then SIGKILL
    _lower(resource.RLIMIT_AS, reserved() + MEMORY_BASE + threads * MEMORY_PER_THREAD)
    _lower(resource.RLIMIT_FSIZE, FILE_SIZE)
    _lower(resource.RLIMIT_NOFILE, OPEN_FILES)
    _lower(resource.RLIMIT_CORE, 0)
    if os.environ.get(SOLE_UID) == "1":
        _lower(resource.RLIMIT_NPROC, threads + TASKS_SPARE)


def reserved() -> int:
    """Address space a free-threaded build's allocator (mimalloc) reserves up front:
    about 1 GiB, not memory, measured 1,033 MiB on 3.13t before any program ran.  On
    top of the run's budget, or no thread could start there; 0 on a build with a GIL."""
    if not sysconfig.get_config_var("Py_GIL_DISABLED"):
        return 0
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def tree_budget(max_threads: int, mib: int | None = None) -> int:
    """The bytes of resident memory a run's whole process tree may hold, summed (the
    server's supervisor watches it: RLIMIT_AS is per process, so 8 children could
    hold 8 times a worker's): ``mib`` (the setting ``tree_memory_mib``) if given, else
    what one worker's address space may be."""
    if mib is not None:
        return mib * MIB
    return MEMORY_BASE + max_threads * MEMORY_PER_THREAD


def _lower(kind: int, soft: int, hard: int | None = None) -> None:
    """Set ``kind`` to at most ``soft``/``hard``, never above what is allowed now."""
    _, ceiling = resource.getrlimit(kind)
    hard = soft if hard is None else hard
    if ceiling != resource.RLIM_INFINITY:
        soft, hard = min(soft, ceiling), min(hard, ceiling)
    resource.setrlimit(kind, (soft, hard))
