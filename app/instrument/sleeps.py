"""``time.sleep`` as a program gets it: a visible wait (standard library only)."""

from __future__ import annotations

import time

from app.instrument import runtime

__all__ = ["sleep"]


def sleep(seconds: float) -> None:
    """``time.sleep``, visible: the thread is Blocked for ``seconds`` (virtual time in
    controlled mode); outside a run, the real ``time.sleep``."""
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    rt = runtime.current
    if rt is None:
        time.sleep(seconds)
        return
    rt.hook.point(rt)
    rt.emit("sleep", None, {"seconds": seconds})
    rt.hook.sleep(rt, seconds, "sleep")
