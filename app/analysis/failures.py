"""The exceptions a program's threads died of, each with the line of the program it
happened on.  Standard library only.

An ``exit`` event with ``detail.error`` ("Type: message") is a thread that died of an
exception, MainThread included (a failed ``assert`` at the end of ``main`` is one).
Its line is the last frame of the program's own file in ``detail.traceback`` — the
call into a library that raised counts as the program's line — and, for a log whose
traceback has none, the thread's last line in the log.  For a failed ``assert``, the
values the thread read just before it died, of the variables the assert names, say why
(``counter was 1503``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.analysis.history import History
from app.analysis.ordering import Ev

MAX_TEXT = 200  # characters of an error kept
MAX_VALUES = 3  # variables of an assert shown
_FRAME = re.compile(r'^  File "(?P<file>[^"]*)", line (?P<line>\d+)(?:, in .*)?$')
_HEADER = "Traceback (most recent call last):"
_OURS = re.compile(r"[\\/]app[\\/](?:instrument|worker)[\\/]")  # Threadlab's own frames
_LIBRARY = re.compile(r"[\\/](?:lib[\\/]python\d|site-packages|dist-packages)|^<frozen ")


@dataclass(frozen=True)
class Frame:
    file: str
    line: int
    code: str | None  # the line's text, as the traceback shows it


@dataclass(frozen=True)
class Failure:
    thread: str
    error: str
    line: int | None
    code: str | None
    values: dict[str, Any] = field(default_factory=dict)  # variable → value read

    @property
    def is_assert(self) -> bool:
        return self.error.split(":", 1)[0] == "AssertionError"


def frames(traceback: str) -> list[Frame]:
    """The frames of the last traceback in ``traceback`` (a chained one's too)."""
    text = traceback.rsplit(_HEADER, 1)[-1]
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        match = _FRAME.match(line)
        if match is None:
            continue
        code = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if not code or _FRAME.match(lines[i + 1]) or lines[i + 1][:4] != "    ":
            code = ""
        out.append(Frame(match["file"], int(match["line"]), code or None))
    return out


def program_frame(traceback: str) -> Frame | None:
    """The last frame of the program's own file: the first file that is neither
    Threadlab's nor a library's is the program."""
    own = [f for f in frames(traceback) if not _OURS.search(f.file) and not _LIBRARY.search(f.file)]
    if not own:
        return None
    return [f for f in own if f.file == own[0].file][-1]


def error_text(error: str) -> str:
    """'AssertionError: ' → 'AssertionError'; long messages cut."""
    text = error.removesuffix(": ")
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def failures(history: History, events: list[Ev]) -> list[Failure]:
    """Every thread that died of an exception, in the order they died."""
    last_reads = _last_reads(events)
    out = []
    for thread, error in history.errors.items():
        detail = history.timeline.exits.get(thread, {})
        frame = program_frame(str(detail.get("traceback", "")))
        state = history.threads.get(thread)
        line = frame.line if frame is not None else (state.line if state else None)
        code = frame.code if frame is not None else None
        failure = Failure(thread, error_text(error), line, code)
        if failure.is_assert and code is not None:
            named = {
                name: value
                for name, value in last_reads.get(thread, {}).items()
                if re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", code)
            }
            failure = Failure(
                thread, failure.error, line, code, dict(list(named.items())[:MAX_VALUES])
            )
        out.append(failure)
    return out


_QUIET = ("read", "run", "preempt", "wake")  # what may come between an assert's reads


def _last_reads(events: list[Ev]) -> dict[str, dict[str, Any]]:
    """Thread → the values it read right before its exit, with nothing but other reads
    (and its scheduling) in between."""
    reads: dict[str, dict[str, Any]] = {}
    out: dict[str, dict[str, Any]] = {}
    for ev in events:
        if ev.kind == "exit":
            out[ev.thread] = reads.pop(ev.thread, {})
        elif ev.kind == "read" and ev.obj is not None:
            reads.setdefault(ev.thread, {})[ev.obj] = ev.detail.get("value")
        elif ev.kind not in _QUIET:
            reads.pop(ev.thread, None)
    return out
