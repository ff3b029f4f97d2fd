"""A traced drop-in for ``threading.Thread`` (standard library only).

Both forms work: ``Thread(target=f, args=…)`` and a subclass overriding ``run()``.
Inside a run the OS thread underneath is always a daemon, so a stuck scenario can never
keep the worker process alive; the worker emulates the interpreter's wait for
non-daemon threads at the end of the run instead (``run_main`` in
``app/worker/execution.py``).
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from app.instrument import runtime, uncaught
from app.instrument.events import DEAD, NEW, RUNNABLE
from app.instrument.runtime import INTERNAL_THREADS, RunOver, Runtime

__all__ = ["Thread"]


class Thread:
    """``threading.Thread``: ``start``, ``run``, ``join(timeout)``, ``is_alive``, ``name``,
    ``daemon``, ``ident``."""

    def __init__(
        self,
        group: None = None,
        target: Callable[..., object] | None = None,
        name: str | None = None,
        args: Iterable[Any] = (),
        kwargs: Mapping[str, Any] | None = None,
        *,
        daemon: bool | None = None,
    ) -> None:
        if group is not None:
            raise AssertionError("group argument must be None for now")
        self._target = target
        self._args = tuple(args)
        self._kwargs = dict(kwargs or {})
        self._rt = rt = runtime.current
        if daemon is None:
            daemon = rt.me().daemon if rt is not None else threading.current_thread().daemon
        self._daemon = daemon
        self._started = False
        self._os_thread: threading.Thread | None = None
        # As threading does: a given name is made a str (a non-str would break the
        # event contract), an empty one means "no name".
        name = str(name) if name else None
        if rt is not None:
            if name is None:  # threading's own "Thread-N (target)", numbered per run
                name = f"Thread-{rt.count('Thread')}"
                target_name = getattr(target, "__name__", None)
                if target is not None and target_name is not None:
                    name += f" ({target_name})"
            # The program sees ``name``; the log sees the lane, unique in the run.
            self._info = rt.new_thread(name, daemon)
            self._name = name
            self._info.extra["thread"] = self  # what current_thread() answers in it
            # The code this thread will run, so bytecode stepping can check it saw it.
            self._info.extra["code"] = getattr(target, "__code__", None) or getattr(
                type(self).run, "__code__", None
            )
            detail: dict[str, Any] = {"daemon": daemon}
            if target is not None:
                detail["target"] = getattr(target, "__name__", repr(target))
            if name.startswith(INTERNAL_THREADS):  # named as a library names its own
                detail["internal"] = True  # (a controlled run's asyncio_0: to_thread's pool)
            rt.emit("create", detail=detail, state=NEW, info=self._info)
        else:
            # The standard "Thread-N (target)": threading names a thread after its target.
            self._name = name or threading.Thread(target=target).name

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = str(value)  # the lane keeps its name: the log has it already

    @property
    def daemon(self) -> bool:
        return self._daemon

    @daemon.setter
    def daemon(self, value: bool) -> None:
        if self._started:
            raise RuntimeError("cannot set daemon status of active thread")
        self._daemon = bool(value)
        if self._rt is not None:
            self._info.daemon = self._daemon

    @property
    def ident(self) -> int | None:
        return self._os_thread.ident if self._os_thread is not None else None

    @property
    def native_id(self) -> int | None:
        return self._os_thread.native_id if self._os_thread is not None else None

    def start(self) -> None:
        if self._started:
            raise RuntimeError("threads can only be started once")
        rt = self._rt
        if rt is not None:
            if rt.started_count() >= rt.max_threads:
                raise RuntimeError(
                    f"this run may start at most {rt.max_threads} threads "
                    "(the max_threads limit); start fewer threads"
                )
            rt.hook.point(rt)
            rt.emit("start", state=RUNNABLE, info=self._info)
            rt.hook.starting(rt, self._info)
        self._started = True
        self._os_thread = threading.Thread(
            target=self._bootstrap, name=self._name, daemon=True if rt else self._daemon
        )
        if rt is not None:
            self._info.extra["os_thread"] = self._os_thread  # a trial joins it at its end
        try:
            self._os_thread.start()
        except BaseException as exc:  # the OS refused it: out of address space or tasks
            self._started = False  # as in CPython: joining it says it never started
            if rt is not None:
                self._never_ran(rt, exc)
            raise

    def _never_ran(self, rt: Runtime, exc: BaseException) -> None:
        """Its lane ends where it started (Runnable → Dead, with the error), and nobody
        waits for a thread that never ran: the scheduler forgets it, its end is open."""
        info = self._info
        rt.hook.never_started(rt, info)
        detail = {"error": f"{type(exc).__name__}: {exc}", "never_ran": True}
        rt.emit("exit", state=DEAD, info=info, detail=detail)
        info.ended.release()

    def run(self) -> None:
        try:
            if self._target is not None:
                self._target(*self._args, **self._kwargs)
        finally:
            # As in CPython: don't keep the target's arguments alive after the run.
            del self._target, self._args, self._kwargs

    def _bootstrap(self) -> None:
        rt = self._rt
        if rt is None:
            self.run()
            return
        info = self._info
        rt.bind(info)
        try:
            rt.hook.begin(rt, info)
            detail: dict[str, Any] = {}
            line = None
            try:
                self.run()
            except SystemExit:
                pass
            except RunOver:
                info.ended.release()  # nothing more goes in the log; joiners unwind too
                return
            except BaseException as exc:
                detail = {"error": f"{type(exc).__name__}: {exc}"}
                line = runtime.raised_at(exc)
                if rt.recorder.enabled:  # not for a run that is already over
                    uncaught.invoke(self, exc)  # as CPython: threading.excepthook
                    detail["traceback"] = "".join(traceback.format_exception(exc))
            rt.emit("exit", detail=detail, state=DEAD, info=info, line=line)
            info.ended.release()
            rt.hook.end(rt, info)
        except RunOver:
            return  # the run ended around this thread: nothing more to record

    def join(self, timeout: float | None = None) -> None:
        if not self._started:
            raise RuntimeError("cannot join thread before it is started")
        rt = runtime.current
        if rt is None or self._rt is None:
            if self._os_thread is threading.current_thread():
                raise RuntimeError("cannot join current thread")
            assert self._os_thread is not None
            self._os_thread.join(timeout)
            return
        if rt.me() is self._info:
            raise RuntimeError("cannot join current thread")
        rt.hook.point(rt)
        wait = None if timeout is None else max(timeout, 0)
        ended = self._info.ended
        finished = rt.hook.acquire(rt, ended, wait, self._info.name, "join")
        if finished:
            ended.release()  # leave it free for every other joiner
        rt.emit("join", self._info.name, {"timeout": timeout, "alive": not finished})

    def is_alive(self) -> bool:
        if self._rt is None:
            return self._os_thread is not None and self._os_thread.is_alive()
        return self._started and self._info.state != DEAD

    def __repr__(self) -> str:
        status = "started" if self._started else "initial"
        if self._started and not self.is_alive():
            status = "stopped"
        return f"<Thread({self._name}, {status}{' daemon' if self._daemon else ''})>"
