"""Bytecode granularity for the controlled scheduler (standard library only).

With ``granularity: "bytecode"`` the scheduler may also switch threads between any two
bytecode instructions of the program's own code, so a plain ``counter += 1`` can
tear between its load and its store, as it can on a real interpreter.

- Python 3.11: ``sys.settrace`` installed inside each managed thread, with
  ``f_trace_opcodes`` on for frames of the program's source file.
- Python 3.12+: ``sys.monitoring`` INSTRUCTION events on the program's code objects.
  Opcode tracing through ``sys.settrace`` there silently skips a thread's first trace
  or a function's first call and can crash (CPython gh-114480).

The steps are the program's own instructions, not the rewrite's (``rewrite.py``): an
instruction with no width is the rewrite's and takes no step; a call the rewrite added
steps as the instruction it stands for (``BINARY_OP`` for ``x += 1``'s operator) or not
at all (a read or a write of shared data is a scheduling point of its own, labelled with
its instruction).  Program code that a traced access to shared data runs inside itself
(a sort's key, a dict key's ``__eq__``; ``datalog.inside``) takes no step: the access
and its event stay one step.

Either way, the steps each thread took are counted; a thread that ran program code but
got no instruction step fails the run loudly instead of teaching a wrong interleaving.
Bytecode differs between Python versions, so a bytecode run repeats exactly only on the
same minor version.
"""

from __future__ import annotations

import dis
import sys
from collections.abc import Callable, Iterator, Mapping
from types import CodeType, FrameType
from typing import TYPE_CHECKING, Any

from app.instrument.datalog import inside

if TYPE_CHECKING:
    from app.instrument.runtime import ThreadInfo

TOOL_NAME = "threadlab"
_CALLS = ("CALL", "CALL_KW")  # the instruction that makes a call (3.11 prepares it first)

StepFn = Callable[[CodeType, int, str], None]
Span = tuple[int, int, int, int]  # as ``rewrite.Span``: (lineno, end_lineno, col, end_col)


def plan(code: CodeType, calls: Mapping[Span, str | None]) -> dict[int, str | None]:
    """Each instruction's offset in ``code`` → the instruction a step there shows, or
    None where the step is not the program's (see the module's doc)."""
    steps: dict[int, str | None] = {}
    for ins in dis.get_instructions(code):
        place = tuple(ins.positions or ())
        label: str | None = ins.opname
        if ins.opname == "EXTENDED_ARG":  # a prefix of the next instruction, not one
            label = None
        elif len(place) == 4 and None not in place:
            line, end_line, col, end_col = place
            if (line, col) == (end_line, end_col):
                label = None  # no width: the rewrite's
            elif place in calls:
                stands_for = calls[place]  # type: ignore[index]
                label = stands_for if stands_for is not None and ins.opname in _CALLS else None
        steps[ins.offset] = label
    return steps


def code_objects(code: CodeType) -> Iterator[CodeType]:
    """``code`` and every function body nested in it."""
    yield code
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from code_objects(const)


class BytecodeStepper:
    """Calls ``step(code, offset)`` before each instruction of the scenario's code, in
    managed threads only."""

    def __init__(
        self, files: set[str], step: StepFn, calls: Mapping[Span, str | None] | None = None
    ) -> None:
        self.files = files
        self.step = step  # a C-level callable (a partial): no frame of its own, so the
        # scheduler's events still find the scenario's line as their caller
        self.calls = calls or {}
        self.counts: dict[str, int] = {}
        self._plans: dict[CodeType, dict[int, str | None]] = {}
        self._tool: int | None = None

    def _at(self, code: CodeType, offset: int) -> None:
        steps = self._plans.get(code)
        if steps is None:
            steps = self._plans[code] = plan(code, self.calls)
        label = steps.get(offset, "?")
        if label is not None and not inside():
            self.step(code, offset, label)

    # --- 3.12+: sys.monitoring ------------------------------------------------------

    def install_monitoring(self, codes: tuple[CodeType, ...]) -> None:
        """Step all of ``codes`` (a program's module code) and the code inside them."""
        if sys.version_info < (3, 12):
            raise RuntimeError("sys.monitoring is Python 3.12+; 3.11 uses install_in_thread")
        mon = sys.monitoring
        for tool in range(6):  # ids 0–5 are free for tools other than debuggers/profilers
            if mon.get_tool(tool) is None:
                mon.use_tool_id(tool, TOOL_NAME)
                self._tool = tool
                break
        else:
            raise RuntimeError("no free sys.monitoring tool id for bytecode stepping")
        mon.register_callback(self._tool, mon.events.INSTRUCTION, self._on_instruction)
        for code in codes:
            for inner in code_objects(code):
                mon.set_local_events(self._tool, inner, mon.events.INSTRUCTION)

    def _on_instruction(self, code: CodeType, offset: int) -> None:
        self._at(code, offset)

    def close(self) -> None:
        """Stop stepping (3.12+: give the monitoring tool id back)."""
        if sys.version_info >= (3, 12) and self._tool is not None:
            mon = sys.monitoring
            mon.register_callback(self._tool, mon.events.INSTRUCTION, None)
            mon.free_tool_id(self._tool)
            self._tool = None

    # --- 3.11: sys.settrace in each managed thread ----------------------------------

    def install_in_thread(self) -> None:
        if sys.version_info < (3, 12):
            sys.settrace(self._trace_call)

    def _trace_call(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "call" and frame.f_code.co_filename in self.files:
            frame.f_trace_opcodes = True
            frame.f_trace_lines = False
            return self._trace_local
        return None

    def _trace_local(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "opcode":
            self._at(frame.f_code, frame.f_lasti)
        return self._trace_local

    # --- the guard ------------------------------------------------------------------

    def count(self, info: ThreadInfo) -> None:
        self.counts[info.name] = self.counts.get(info.name, 0) + 1

    def missed(self, info: ThreadInfo) -> bool:
        """True if ``info`` ran scenario code yet no instruction step reached the
        scheduler."""
        code = info.extra.get("code")
        ran_scenario = isinstance(code, CodeType) and code.co_filename in self.files
        return ran_scenario and not self.counts.get(info.name)
