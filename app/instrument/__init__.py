"""The traced standard library a program gets (standard library only).

A program run by the worker imports ``threading``, ``queue``, ``time`` and
``concurrent.futures`` as it would anywhere; ``stdlib.py`` hands it substitute modules
whose names in ``stdlib.TRACED`` are the classes and functions exported here: ``Thread``,
``Lock``, ``Condition``, ``Queue``, ``ThreadPoolExecutor``, ``time.sleep`` and the rest.
Its shared data needs no wrapper: ``rewrite.py`` turns its reads and writes into calls
of ``data.py``.

Inside a run every operation is recorded as an event (``events.py``) and passes through
the run's scheduling hook (``hooks.py``); outside a run each behaves as its
standard-library original.
"""

from app.instrument.completion import as_completed, wait
from app.instrument.conditions import BoundedSemaphore, Condition, Semaphore
from app.instrument.executor import ThreadPoolExecutor
from app.instrument.futures import Future
from app.instrument.gates import Barrier, BrokenBarrierError, Event
from app.instrument.locks import Lock, RLock
from app.instrument.queues import Empty, Full, LifoQueue, PriorityQueue, Queue, SimpleQueue
from app.instrument.sleeps import sleep
from app.instrument.threadinfo import (
    active_count,
    current_thread,
    enumerate,
    get_ident,
    main_thread,
)
from app.instrument.threadlocal import local
from app.instrument.threads import Thread
from app.instrument.timers import Timer
from app.instrument.uncaught import excepthook

__all__ = [
    "Barrier",
    "BoundedSemaphore",
    "BrokenBarrierError",
    "Condition",
    "Empty",
    "Event",
    "Full",
    "Future",
    "LifoQueue",
    "Lock",
    "PriorityQueue",
    "Queue",
    "RLock",
    "Semaphore",
    "SimpleQueue",
    "Thread",
    "ThreadPoolExecutor",
    "Timer",
    "active_count",
    "as_completed",
    "current_thread",
    "enumerate",
    "excepthook",
    "get_ident",
    "local",
    "main_thread",
    "sleep",
    "wait",
]
