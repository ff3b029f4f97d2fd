"""A traced drop-in for ``threading.Timer`` (standard library only).

CPython's own ``Timer``: a ``Thread`` whose ``run`` waits on an ``Event`` named
``finished`` for ``interval`` seconds, then calls ``function`` unless ``cancel()`` set the
event first.  Built on the traced ``Thread`` and ``Event``, the wait is a visible,
scheduled wait — in controlled mode the interval passes in virtual time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from app.instrument.gates import Event
from app.instrument.threads import Thread

__all__ = ["Timer"]


class Timer(Thread):
    """``threading.Timer(interval, function, args=None, kwargs=None)``."""

    def __init__(
        self,
        interval: float,
        function: Callable[..., object],
        args: Iterable[Any] | None = None,
        kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        Thread.__init__(self)
        self.interval = interval
        self.function = function
        self.args = args if args is not None else []
        self.kwargs = kwargs if kwargs is not None else {}
        self.finished = Event(name=f"{self.name}.finished")

    def cancel(self) -> None:
        """Stop the timer, and the action, if it has not run yet."""
        self.finished.set()

    def run(self) -> None:
        self.finished.wait(self.interval)
        if not self.finished.is_set():
            self.function(*self.args, **self.kwargs)
        self.finished.set()
