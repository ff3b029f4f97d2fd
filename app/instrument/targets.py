"""What a program does with the value of a call, read from its bytecode (standard library
only): the first half of naming an object after the code (``naming.py``).

``plan(code, offset)`` follows the value the call at ``offset`` leaves on the stack —
its distance from the top, through 3.11's cache entries and ``PRECALL``, ``COPY`` and
``SWAP``, a list or tuple built around it — to what consumes it (3.11 to 3.13: 3.13's
fused ``STORE_FAST_STORE_FAST``, the inlined comprehensions of 3.12):

- ``("name", n)``: stored in variable ``n`` (``pair[1]``: item 1 of a list or tuple
  display stored in ``pair``);
- ``("find", "")``: stored in an attribute or an item, passed to a call, appended,
  collected by a comprehension — where it ends up is looked for at its first use;
- ``("up", "")``: returned, so the caller's code says; ``("init", "")``: discarded in
  an ``__init__`` (``super().__init__()``: the caller's code says, if that __init__ is
  the object's own);
- ``("none", "")``: anything else (used at once, a branch, a loop).
"""

from __future__ import annotations

import dis
from typing import Any

__all__ = ["FIND", "INIT", "NAME", "NONE", "UP", "Plan", "plan"]

NAME, FIND, UP, INIT, NONE = "name", "find", "up", "init", "none"
Plan = tuple[str, str]
_NOTHING: Plan = (NONE, "")
_MAX_STEPS = 64  # instructions followed after the call

_SKIP = frozenset({"CACHE", "NOP", "EXTENDED_ARG", "RESUME", "NOT_TAKEN", "KW_NAMES"})
_GOTO = frozenset({"JUMP_FORWARD", "JUMP", "JUMP_NO_INTERRUPT"})
_STORES = frozenset({"STORE_NAME", "STORE_GLOBAL", "STORE_FAST", "STORE_DEREF"})
_CALLS = frozenset({"CALL", "PRECALL", "CALL_KW", "CALL_FUNCTION_EX"})
_COLLECTS = frozenset(
    {"LIST_APPEND", "SET_ADD", "MAP_ADD", "LIST_EXTEND", "BUILD_SET", "BUILD_MAP"}
    | {"BUILD_CONST_KEY_MAP"}
)
_TAKES_TOP = frozenset(  # pop the top, push one or more
    {"LOAD_ATTR", "LOAD_METHOD", "BEFORE_WITH", "BEFORE_ASYNC_WITH", "LOAD_SPECIAL"}
    | {"LOAD_FROM_DICT_OR_DEREF", "LOAD_FROM_DICT_OR_GLOBALS", "UNPACK_SEQUENCE", "UNPACK_EX"}
)
_NO_PUSH = frozenset(
    {"LIST_APPEND", "SET_ADD", "MAP_ADD", "LIST_EXTEND", "SET_UPDATE", "DICT_UPDATE"}
    | {"DICT_MERGE", "PRECALL", "PRINT_EXPR", "END_FOR"}
)
_ENDS = ("RETURN_", "RAISE", "RERAISE")
_NO_PUSH_PREFIXES = ("STORE_", "DELETE_", "POP_", "JUMP", *_ENDS)

_PLANS: dict[tuple[object, int], Plan] = {}


def plan(code: Any, lasti: int) -> Plan:
    """The plan for the call at byte ``lasti`` of ``code`` (cached)."""
    key = (code, lasti)
    found = _PLANS.get(key)
    if found is None:
        if len(_PLANS) > 4096:  # programs recompiled per trial: keep the cache bounded
            _PLANS.clear()
        found = _PLANS[key] = _follow(code, lasti)
    return found


def _follow(code: Any, lasti: int) -> Plan:
    """Follow the value the call at ``lasti`` leaves on the stack to what consumes it.
    ``depth``: its distance from the top; ``box`` >= 0: it is that item of a list or
    tuple just built, which is what ``depth`` then follows."""
    instructions = list(dis.get_instructions(code))
    index = {ins.offset: i for i, ins in enumerate(instructions)}
    i = next((k for k, ins in enumerate(instructions) if ins.offset > lasti), len(instructions))
    depth, box = 0, -1

    def named(name: str) -> Plan:
        return (NAME, f"{name}[{box}]" if box >= 0 else name)

    for _ in range(_MAX_STEPS):
        if i >= len(instructions):
            break
        ins = instructions[i]
        i += 1
        op, arg = ins.opname, ins.arg or 0
        if op in _SKIP:
            continue
        if op in _GOTO:  # e.g. 3.11's ``x = Lock() if c else None``
            if not isinstance(ins.argval, int) or ins.argval not in index:
                break
            i = index[ins.argval]
        elif op == "COPY":
            depth = 0 if depth == arg - 1 else depth + 1
        elif op == "SWAP":
            depth = arg - 1 if depth == 0 else 0 if depth == arg - 1 else depth
        elif op in _STORES:
            if depth == 0:
                return named(ins.argval)
            depth -= 1
        elif op == "STORE_FAST_STORE_FAST":  # 3.13: first name from the top
            if depth < 2:
                return named(ins.argval[depth])
            depth -= 2
        elif op == "STORE_FAST_LOAD_FAST":
            if depth == 0:
                return named(ins.argval[0])
        elif op in ("STORE_ATTR", "STORE_SUBSCR"):  # the value is below owner (and key)
            under = 1 if op == "STORE_ATTR" else 2
            if depth < under:
                break
            if depth == under:
                return (FIND, "")
            depth -= under + 1
        elif op in ("BUILD_LIST", "BUILD_TUPLE") and depth < arg:
            if box >= 0:
                return (FIND, "")
            depth, box = 0, arg - 1 - depth
        elif op == "UNPACK_SEQUENCE" and depth == 0 and 0 <= box < arg:
            depth, box = box, -1
        else:
            counts = _stack_counts(ins)
            if counts is None:
                break
            pops, pushes = counts
            if depth < pops:
                return _consumed(op, box, code.co_name)
            if op.startswith(_ENDS):
                break
            depth += pushes - pops
    return _NOTHING


def _consumed(op: str, box: int, function: str) -> Plan:
    if op == "RETURN_VALUE":
        return (FIND, "") if box >= 0 else (UP, "")
    if op in _CALLS or op in _COLLECTS or box >= 0:
        return (FIND, "")  # appended, passed on, collected: look for it at first use
    if op == "POP_TOP" and function == "__init__":
        return (INIT, "")
    return _NOTHING


def _stack_counts(ins: dis.Instruction) -> tuple[int, int] | None:
    """(popped, pushed) by ``ins``; None if unknown (the search stops)."""
    op = ins.opname
    if op in _GOTO or ins.opcode in dis.hasjrel or ins.opcode in dis.hasjabs:
        return None  # a branch or a loop: nothing certain after it
    try:
        effect = dis.stack_effect(ins.opcode, ins.arg, jump=False)
    except (ValueError, TypeError):
        return None
    if op in _TAKES_TOP:
        return 1, 1 + effect
    if op == "LOAD_SUPER_ATTR":
        return 3, 3 + effect
    if op.startswith("LOAD_") or op == "PUSH_NULL":
        return 0, effect
    if op in _NO_PUSH or op.startswith(_NO_PUSH_PREFIXES):
        return -effect, 0
    return 1 - effect, 1
