"""Traced drop-in replacements for Python's threading primitives (standard library only).

    from app.instrument import Thread, Lock, RLock, Semaphore, BoundedSemaphore, \
        Condition, Event, Barrier, Queue, Shared, sleep, io

Inside a run every operation is recorded as an event (``events.py``) and passes through
the run's scheduling hook (``hooks.py``); outside a run they behave as the plain
standard-library primitives.
"""

from app.instrument.conditions import BoundedSemaphore, Condition, Semaphore
from app.instrument.gates import Barrier, BrokenBarrierError, Event
from app.instrument.locks import Lock, RLock
from app.instrument.queues import Empty, Full, Queue
from app.instrument.shared import Shared, io, measure, sleep
from app.instrument.threads import Thread

__all__ = [
    "Barrier",
    "BoundedSemaphore",
    "BrokenBarrierError",
    "Condition",
    "Empty",
    "Event",
    "Full",
    "Lock",
    "Queue",
    "RLock",
    "Semaphore",
    "Shared",
    "Thread",
    "io",
    "measure",
    "sleep",
]
