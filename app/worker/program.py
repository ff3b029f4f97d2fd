"""Loading and running a program (standard library only).

A program is a plain Python file that imports ``threading``: a scenario's file in
``app/scenarios/programs/``, or source someone pastes.  ``load_file`` and
``load_source`` compile it once: parsed, its shared data rewritten to go through
``ACCESS`` (``app/instrument/rewrite.py``, line numbers kept), compiled under its own
file name (``register_file``) so events, tracebacks and bytecode stepping find its lines.

The ``Program`` they return is a run's entry: ``program(**params)`` executes it once, in
a fresh module named ``PROGRAM_MODULE`` — the module body, then ``main(**params)`` — so
``execution.run_main`` runs both as the run's MainThread, and every trial of a search
starts from a clean module: nothing a program keeps at module level, nor what it sets
on ``threading``, outlives one execution.  The module's imports of ``threading``,
``queue``, ``time`` and ``concurrent.futures`` get the traced substitutes
(``app/instrument/stdlib.py``); its ``if __name__ == "__main__": main()`` stays idle.
A program whose body calls ``main()`` itself is not given a second call; one without a
``main`` is its module body.  (Not ``runpy.run_path`` as ``__main__``: the worker itself
is ``__main__``, and the instrumentation tells the program's code by its module's name;
what the program sees of this is only ``__name__``.)

A program that does not compile still loads: calling it raises ``ProgramError`` with
the line and its text, which the run reports as failed.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import linecache
import os
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import CodeType, FunctionType, ModuleType
from typing import Any

from app.instrument import rewrite, stdlib
from app.instrument.data import ACCESS
from app.instrument.program import ACCESS_NAME, PROGRAM_MODULE, register_file
from app.instrument.rewrite import Span


class ProgramError(Exception):
    """The program cannot run at all (it does not compile): its run fails with
    ``message``; ``error`` and ``traceback`` are what Python would have printed."""

    def __init__(
        self,
        message: str,
        error: str,
        traceback: str,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.error = error
        self.traceback = traceback
        self.line = line  # where the compiler stopped (1-based), if it says
        self.column = column


class _Expression:
    """A default value that is not a literal, shown as its source text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Program:
    filename: str
    source: str
    code: CodeType | None  # None if it does not compile
    failure: ProgramError | None = None  # why it does not
    signature: inspect.Signature | None = None  # main's, read from the source
    # The module body calls ``main()`` itself (not under ``if __name__ == "__main__":``).
    body_calls_main: bool = False
    # The rewrite's calls: what each stands for at bytecode granularity (``rewrite.py``).
    calls: Mapping[Span, str | None] = field(default_factory=dict, compare=False)

    @property
    def __code__(self) -> CodeType | None:
        """The code the run's MainThread executes (bytecode stepping checks it saw it)."""
        return self.code

    def __post_init__(self) -> None:
        # ``inspect.signature(program)`` is ``main``'s: the run's parameters.  Set on the
        # instance: a class-level property named ``__signature__`` breaks
        # ``@dataclass`` itself on Python 3.11.0–3.11.3 (inspect refuses the property).
        object.__setattr__(self, "__signature__", self.signature)

    def __call__(self, **params: Any) -> None:
        """Execute the program once: a fresh module, its body, then ``main(**params)``."""
        if self.code is None:
            assert self.failure is not None
            failure = self.failure  # a new instance each time: no traceback piles up
            raise ProgramError(
                failure.message, failure.error, failure.traceback, failure.line, failure.column
            )
        namespace = vars(self.module())
        if "multiprocessing" in sys.modules:  # the program may start processes
            _let_children_load(self)
        main = namespace.get("main")
        if callable(main) and not self.body_calls_main:
            main(**params)
        elif params:
            names = ", ".join(sorted(params))
            raise TypeError(f"the program has no main() to take its parameters ({names})")

    def module(self) -> ModuleType:
        """A fresh module of the program, its body executed (``sys.modules`` has it)."""
        assert self.code is not None
        global _running
        _running = self
        stdlib.install_import_hook()
        stdlib.reset()
        module = ModuleType(PROGRAM_MODULE)
        namespace = vars(module)
        namespace.update(__file__=self.filename, __builtins__=builtins, __cached__=None)
        namespace[ACCESS_NAME] = ACCESS  # what the rewritten reads and writes call
        # Registered, so pickle finds the program's functions by name (a process pool
        # in a forked child) and dataclasses find its globals.
        sys.modules[PROGRAM_MODULE] = module
        # Tracebacks show the lines of the source that ran, pasted or not.
        linecache.cache[self.filename] = (
            len(self.source),
            None,
            self.source.splitlines(keepends=True),
            self.filename,
        )
        exec(self.code, namespace)
        return module


_running: Program | None = None  # the program whose module is PROGRAM_MODULE now


def let_children_load() -> None:
    """Before a traced process starts (``app/instrument/processes.py``): let it load the
    running program's functions, whenever the program first reached for processes."""
    if _running is not None:
        _let_children_load(_running)


def _let_children_load(program: Program) -> None:
    """Let the processes a program starts with "spawn" (a fresh interpreter, which
    cannot import ``PROGRAM_MODULE``) find its functions and classes: multiprocessing
    pickles them as (file name, source, qualified name), and ``program_attribute``
    finds them in the child."""
    from multiprocessing.reduction import ForkingPickler

    def reducer_override(_pickler: Any, obj: Any) -> Any:
        if isinstance(obj, (FunctionType, type)) and obj.__module__ == PROGRAM_MODULE:
            return program_attribute, (program.filename, program.source, obj.__qualname__)
        return NotImplemented

    ForkingPickler.reducer_override = reducer_override  # type: ignore[assignment]  # a method set on the class


def program_attribute(filename: str, source: str, qualname: str) -> Any:
    """In a process the program started: its function or class ``qualname``, from the
    program already there (fork) or else from its source, run once as
    ``PROGRAM_MODULE``: traced in a child of a run (``app/instrument/process_child.py``
    began its run before this is unpickled), else plain."""
    module = sys.modules.get(PROGRAM_MODULE)
    child = sys.modules.get("app.instrument.process_child")  # loaded by a child of a run
    if module is None and child is not None and child.in_child():
        program = load_source(source, filename)
        if program.code is not None:
            module = program.module()
            _let_children_load(program)  # its own children, in turn
    if module is None:
        module = ModuleType(PROGRAM_MODULE)
        module.__file__ = filename
        sys.modules[PROGRAM_MODULE] = module
        exec(compile(source, filename, "exec"), vars(module))
    found: Any = module
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def load_file(path: str | os.PathLike[str]) -> Program:
    """The program in the file at ``path``, compiled under that (absolute) name."""
    filename = os.path.abspath(path)
    with open(filename, encoding="utf-8") as file:
        return load_source(file.read(), filename)


@lru_cache(maxsize=32)
def load_source(source: str, filename: str) -> Program:
    """The program with this source text, compiled under ``filename`` (for pasted code,
    any name that is not a real file's).  Cached: a search loads it for every trial."""
    register_file(filename)
    try:
        tree = ast.parse(source, filename)
    except (SyntaxError, ValueError) as exc:
        return Program(filename, source, None, _compile_error(exc))
    signature = _main_signature(tree)
    calls_main = _body_calls_main(tree)
    try:
        tree, calls = rewrite.instrument(tree, filename)
    except Exception as exc:  # a bug of ours must not look like the program's
        message = f"Threadlab could not instrument this program: {type(exc).__name__}: {exc}"
        tb = "".join(traceback.format_exception(exc))
        return Program(filename, source, None, ProgramError(message, message, tb), signature)
    try:
        code = compile(tree, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:  # what only the compiler checks
        return Program(filename, source, None, _compile_error(exc), signature)
    return Program(filename, source, code, None, signature, calls_main, calls)


def _compile_error(exc: SyntaxError | ValueError) -> ProgramError:
    error = "".join(traceback.format_exception_only(exc)).strip()
    line = column = None
    if isinstance(exc, SyntaxError):
        where = f" at line {exc.lineno}" if exc.lineno else ""
        text = (exc.text or "").strip()
        text = text if len(text) <= 80 else text[:79] + "…"  # a 64 KiB line says nothing
        message = f"The program does not compile: {exc.msg}{where}" + (f": {text}" if text else "")
        error = f"{type(exc).__name__}: {exc.msg}"
        line, column = exc.lineno, exc.offset
    else:
        message = f"The program does not compile: {exc}"
    tb = "".join(traceback.format_exception_only(exc))
    return ProgramError(message, error, tb, line, column)


def _main_signature(tree: ast.Module) -> inspect.Signature | None:
    """``main``'s parameters and their defaults, read from the source without running
    it; None if the program defines no ``main``."""
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main"]
    if not defs:
        return None
    args = defs[-1].args
    kind = inspect.Parameter
    positional = [(a, kind.POSITIONAL_ONLY) for a in args.posonlyargs] + [
        (a, kind.POSITIONAL_OR_KEYWORD) for a in args.args
    ]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += args.defaults
    params = [
        kind(a.arg, k, default=_default(d)) for (a, k), d in zip(positional, defaults, strict=True)
    ]
    if args.vararg is not None:
        params.append(kind(args.vararg.arg, kind.VAR_POSITIONAL))
    for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(kind(a.arg, kind.KEYWORD_ONLY, default=_default(d)))
    if args.kwarg is not None:
        params.append(kind(args.kwarg.arg, kind.VAR_KEYWORD))
    return inspect.Signature(params)


def _body_calls_main(tree: ast.Module) -> bool:
    """Does the module body call ``main()`` when it runs as the worker runs it — that
    is, outside ``if __name__ == "__main__":``, whose test is false there?"""
    todo: list[ast.AST] = [s for s in tree.body if not _is_main_guard(s)]
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue  # defined, not run
        func = node.func if isinstance(node, ast.Call) else None
        if isinstance(func, ast.Name) and func.id == "main":
            return True
        todo.extend(ast.iter_child_nodes(node))
    return False


def _is_main_guard(node: ast.stmt) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


def _default(node: ast.expr | None) -> Any:
    if node is None:
        return inspect.Parameter.empty
    try:
        return ast.literal_eval(node)
    except ValueError:
        return _Expression(ast.unparse(node))
