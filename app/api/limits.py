"""Per-client rate limit on starting runs (and searches): a sliding window per IP.

    POST /api/runs ──▶ limiter.check(ip) ──over──▶ 429, Retry-After: seconds until the
                          │ ok                       oldest start leaves the window
                          ▼
                       manager.submit() ──accepted──▶ limiter.add(ip)

Only accepted starts count: a press answered 422 or "queue full" costs nothing.  Each
client keeps at most ``rate`` timestamps, and at most ``max_clients`` clients are
tracked (the least recently seen is forgotten first), so memory is bounded whatever
arrives.  The client is the TCP peer's address (``request.client.host``): behind a
reverse proxy every student shares the proxy's address, so raise the limit there.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from fastapi import Request

from app.errors import QueueFull
from app.settings import Settings

MAX_CLIENTS = 10_000


class RateLimited(QueueFull):
    """429 with Retry-After, like a full queue, but for one client's own pace."""


class RateLimiter:
    """At most ``rate`` starts per ``window`` seconds per key; ``rate`` 0: no limit."""

    def __init__(
        self,
        rate: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.rate, self.window, self.clock = rate, window, clock
        self.max_clients = max_clients
        self._starts: OrderedDict[str, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._starts)

    def wait(self, key: str) -> float:
        """Seconds ``key`` must wait before its next start; 0 if it may start now."""
        if self.rate <= 0:
            return 0.0
        starts = self._recent(key)
        if starts is None or len(starts) < self.rate:
            return 0.0
        return max(0.0, starts[0] + self.window - self.clock())

    def add(self, key: str) -> None:
        """Count one start by ``key`` now."""
        if self.rate <= 0:
            return
        starts = self._recent(key)
        if starts is None:
            starts = self._starts[key] = deque(maxlen=self.rate)
            while len(self._starts) > self.max_clients:
                self._starts.popitem(last=False)
        self._starts.move_to_end(key)
        starts.append(self.clock())

    def check(self, key: str, what: str = "runs") -> None:
        """RateLimited (a sentence and Retry-After) if ``key`` is over its limit."""
        seconds = self.wait(key)
        if seconds > 0:
            retry = max(1, math.ceil(seconds))
            raise RateLimited(
                f"You started {self.rate} {what} in {self.period()}; wait {retry} s.", retry
            )

    def period(self) -> str:
        if self.window == 60:
            return "the last minute"
        return f"the last {self.window:g} s"

    def _recent(self, key: str) -> deque[float] | None:
        """``key``'s starts inside the window (None if it has none: then forgotten)."""
        starts = self._starts.get(key)
        if starts is None:
            return None
        horizon = self.clock() - self.window
        while starts and starts[0] <= horizon:
            starts.popleft()
        if not starts:
            del self._starts[key]
            return None
        return starts


def limiter_for(settings: Settings) -> RateLimiter:
    return RateLimiter(settings.run_rate, settings.run_rate_window)


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def get_limiter(request: Request) -> RateLimiter:
    """The app's limiter (made on first use if the app was built without one)."""
    limiter: RateLimiter | None = getattr(request.app.state, "limiter", None)
    if limiter is None:
        limiter = request.app.state.limiter = limiter_for(request.app.state.settings)
    return limiter
