"""Which names of a program hold shared data: the static half of ``rewrite.py``
(standard library only).

The scopes come from ``symtable`` (the compiler's own answer: locals, cells, frees,
globals).  Shared are:

- module globals that a function declares ``global`` or reads — a function is any
  ``def`` or ``lambda`` and what is nested in one; a comprehension at module level runs
  there and then, like the module body;
- variables of a ``def`` captured by a nested ``def`` or ``lambda`` (declared
  ``nonlocal`` there, or only read) — not those only a comprehension uses.

Never shared: names bound by ``import``, ``def`` or ``class``; a module global bound once,
to a constant (``ITERATIONS = 1000``); a variable bound once, to a call into a threading
module (``lock = threading.Lock()``: a primitive, traced as one).  The run-time half
(``data.py``) skips the values that are modules, functions, classes, threads or
primitives whatever name holds them.
"""

from __future__ import annotations

import ast
import symtable
from collections.abc import Iterator
from dataclasses import dataclass, field

COMPREHENSIONS = frozenset({"listcomp", "setcomp", "dictcomp", "genexpr"})
# A call into one of these makes a primitive, a thread or a pool, never plain data.
FACTORY_MODULES = frozenset(
    {"threading", "_thread", "queue", "concurrent", "multiprocessing", "asyncio"}
)
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_COMPS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def is_def(table: symtable.SymbolTable) -> bool:
    """A ``def`` (not a lambda, not a comprehension): the only owner of shared cells."""
    return table.get_type() == "function" and table.get_name() not in COMPREHENSIONS | {"lambda"}


@dataclass
class Scopes:
    """The program's symbol tables and what they say is shared."""

    top: symtable.SymbolTable
    parents: dict[int, symtable.SymbolTable] = field(default_factory=dict)
    # Module globals read or declared ``global`` by a function (before the AST's say),
    # and those declared ``global`` anywhere (rebound, or meant to be: always shared).
    globals: set[str] = field(default_factory=set)
    declared: set[str] = field(default_factory=set)
    # Per owning ``def`` (by table id): its variables a nested function captures, and
    # those a nested function assigns (``nonlocal``).
    cells: dict[int, set[str]] = field(default_factory=dict)
    rebound: dict[int, set[str]] = field(default_factory=dict)

    _owners: dict[tuple[int, str], symtable.SymbolTable | None] = field(default_factory=dict)

    def owner(self, table: symtable.SymbolTable, name: str) -> symtable.SymbolTable | None:
        """The function whose variable the free ``name`` of ``table`` is."""
        key = (table.get_id(), name)
        if key not in self._owners:
            self._owners[key] = self._find_owner(table, name)
        return self._owners[key]

    def _find_owner(self, table: symtable.SymbolTable, name: str) -> symtable.SymbolTable | None:
        parent = self.parents.get(table.get_id())
        while parent is not None:
            if parent.get_type() == "function":
                try:
                    sym = parent.lookup(name)
                except KeyError:
                    sym = None
                if sym is not None and sym.is_local() and not sym.is_free():
                    return parent
            parent = self.parents.get(parent.get_id())
        return None


def _runs_later(table: symtable.SymbolTable, parent_runs_later: bool) -> bool:
    """Code that runs when called (a function, or anything nested in one), not at once
    as the module body and its comprehensions and class bodies do."""
    if parent_runs_later:
        return True
    return table.get_type() == "function" and table.get_name() not in COMPREHENSIONS


def scopes(source: str, filename: str) -> Scopes:
    """Read the symbol tables of ``source`` and collect the shared candidates."""
    top = symtable.symtable(source, filename, "exec")
    found = Scopes(top)
    _collect(found, top, False)
    return found


def _collect(found: Scopes, table: symtable.SymbolTable, parent_runs_later: bool) -> None:
    runs_later = False
    if table is not found.top:
        runs_later = _runs_later(table, parent_runs_later)
        capturer = table.get_type() == "function" and table.get_name() not in COMPREHENSIONS
        for sym in table.get_symbols():
            name = sym.get_name()
            if sym.is_declared_global():
                found.globals.add(name)
                found.declared.add(name)
            elif runs_later and sym.is_global() and sym.is_referenced():
                found.globals.add(name)
            elif sym.is_free():
                owner = found.owner(table, name)
                if owner is None or not is_def(owner):
                    continue
                if capturer:
                    found.cells.setdefault(owner.get_id(), set()).add(name)
                if sym.is_assigned():
                    found.rebound.setdefault(owner.get_id(), set()).add(name)
    for child in table.get_children():
        found.parents[child.get_id()] = table
        _collect(found, child, runs_later)


# --- what the AST says: how a scope binds its names -------------------------------------


def _targets(node: ast.expr) -> Iterator[str]:
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, (ast.Tuple, ast.List)):
        for elt in node.elts:
            yield from _targets(elt)
    elif isinstance(node, ast.Starred):
        yield from _targets(node.value)


def _walk_scope(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node of a scope's body, not entering nested scopes (their names and
    defaults are still the scope's)."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, _NESTED + _COMPS):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def bindings(body: list[ast.stmt]) -> dict[str, list[ast.expr | None]]:
    """Each name a scope binds, with the value of every binding: the assigned expression
    for ``name = value``, None for any other kind of binding."""
    found: dict[str, list[ast.expr | None]] = {}

    def bind(name: str, value: ast.expr | None = None) -> None:
        found.setdefault(name, []).append(value)

    for node in _walk_scope(body):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                direct = isinstance(target, ast.Name) and len(node.targets) == 1
                for name in _targets(target):
                    bind(name, node.value if direct else None)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            for name in _targets(node.target):
                bind(name, node.value)
        elif isinstance(node, (ast.AugAssign, ast.For, ast.AsyncFor)):
            for name in _targets(node.target):
                bind(name)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            for name in _targets(node.optional_vars):
                bind(name)
        elif isinstance(node, ast.NamedExpr):
            bind(node.target.id)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                for name in _targets(target):
                    bind(name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bind((alias.asname or alias.name).partition(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bind(node.name)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
            if node.name:
                bind(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bind(node.rest)
    return found


def imports(body: list[ast.stmt]) -> dict[str, str]:
    """The names a scope's imports bind, each with the top-level module it comes from."""
    found: dict[str, str] = {}
    for node in _walk_scope(body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found[(alias.asname or alias.name).partition(".")[0]] = alias.name.partition(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                found[alias.asname or alias.name] = node.module.partition(".")[0]
    return found


def _constant(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant):
        return True
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, (ast.USub, ast.UAdd)):
        return _constant(value.operand)
    if isinstance(value, ast.Tuple):
        return all(_constant(e) for e in value.elts)
    return False


def _factory(value: ast.expr, modules: dict[str, str]) -> bool:
    """``threading.Lock()``, ``Condition()`` (from threading), ``queue.Queue(3)``…"""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    while isinstance(func, ast.Attribute):
        func = func.value
    return isinstance(func, ast.Name) and modules.get(func.id) in FACTORY_MODULES


def unshared(
    body: list[ast.stmt], modules: dict[str, str], constants: bool, rebound: set[str]
) -> set[str]:
    """The names ``body``'s scope binds that never hold shared data: bound by import,
    def or class anywhere in it; or, unless ``rebound`` elsewhere, bound exactly once to
    a threading factory's call (or, if ``constants``, to a constant)."""
    out = set()
    for name, values in bindings(body).items():
        if len(values) == 1 and values[0] is not None and name not in rebound:
            value = values[0]
            if _factory(value, modules) or (constants and _constant(value)):
                out.add(name)
    for node in _walk_scope(body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                out.add((alias.asname or alias.name).partition(".")[0])
    return out
