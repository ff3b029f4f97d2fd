"""The per-client run rate limit (app/api/limits.py), on a fake clock."""

from __future__ import annotations

import pytest

from app.api.limits import RateLimited, RateLimiter
from app.errors import QueueFull


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_rate_starts_per_window_then_says_how_long_to_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(10, 60.0, clock)
    for _ in range(10):
        limiter.check("10.0.0.1")
        limiter.add("10.0.0.1")
        clock.now += 3  # 10 starts over 27 s
    clock.now = 1000.0 + 37  # 37 s after the first start
    with pytest.raises(RateLimited) as caught:
        limiter.check("10.0.0.1")
    assert caught.value.retry_after == 23
    assert caught.value.message == "You started 10 runs in the last minute; wait 23 s."
    assert isinstance(caught.value, QueueFull)  # same 429 + Retry-After handler


def test_window_slides_one_start_at_a_time() -> None:
    clock = Clock()
    limiter = RateLimiter(2, 10.0, clock)
    limiter.add("a")
    clock.now += 4
    limiter.add("a")
    assert limiter.wait("a") == pytest.approx(6.0)
    clock.now += 6  # the first start leaves the window
    assert limiter.wait("a") == 0
    limiter.add("a")
    assert limiter.wait("a") == pytest.approx(4.0)  # now the second one must leave


def test_clients_are_independent() -> None:
    clock = Clock()
    limiter = RateLimiter(1, 60.0, clock)
    limiter.add("a")
    assert limiter.wait("a") > 0
    assert limiter.wait("b") == 0
    limiter.check("b")


def test_retry_after_is_at_least_one_second() -> None:
    clock = Clock()
    limiter = RateLimiter(1, 60.0, clock)
    limiter.add("a")
    clock.now += 59.9
    with pytest.raises(RateLimited) as caught:
        limiter.check("a", "runs or searches")
    assert caught.value.retry_after == 1
    assert "runs or searches" in caught.value.message


def test_other_windows_are_named_in_seconds() -> None:
    limiter = RateLimiter(1, 30.0, Clock())
    limiter.add("a")
    with pytest.raises(RateLimited, match="in the last 30 s; wait 30 s"):
        limiter.check("a")


def test_zero_means_no_limit() -> None:
    limiter = RateLimiter(0, 60.0, Clock())
    for _ in range(1000):
        limiter.add("a")
        limiter.check("a")
    assert len(limiter) == 0


def test_memory_is_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(5, 60.0, clock, max_clients=100)
    for i in range(10_000):
        for _ in range(20):
            limiter.add(f"10.0.{i // 256}.{i % 256}")
        clock.now += 0.001
    assert len(limiter) == 100  # least recently seen clients forgotten
    assert all(len(starts) <= 5 for starts in limiter._starts.values())
    clock.now += 61  # all expire; a client is dropped when next looked at
    assert limiter.wait("10.0.39.15") == 0
    assert len(limiter) == 99
