"""A program's reads and writes of shared data, rewritten to be traced (standard
library only).

``instrument(tree, filename)`` rewrites the program's AST before it is compiled, as
pytest rewrites ``assert``: every new node carries the line and columns of the code it
replaces, so events, tracebacks and bytecode steps point at the program's own text.
Which names are shared is ``sharing.py``'s answer; everything else is left as it was,
so code that shares nothing runs exactly as written, at its own speed.

What becomes a call of the access object (``data.Access``, the global ``ACCESS_NAME``):

- a shared global or captured variable, read, written, deleted, or bound by ``for``,
  ``with … as``, ``:=``: ``counter += 1`` is ``gw("counter", iadd(gr("counter"), 1))``,
  a read, then a write; a captured variable goes through its cell, which the function
  owning it takes first thing (``__tl_cell_<name>__``);
- ``obj.attr`` anywhere, read or written (the access object decides at run time whether
  ``obj`` is an instance of the program's own classes) — except method calls, the
  attributes of modules, functions and classes, dunders, and ``self.x`` in
  ``__init__``, where the object is not shared yet;
- an item of, or a changing method call on, a container reached from those:
  ``seats[0]``, ``stock["apples"] -= 1``, ``items.append(x)``, ``self.q.popleft()``.
  The container itself is no read of its own (``aref``/``iref``): the event is on the
  item, or on the container for the method call.

Evaluation order is Python's: where a rewritten store would evaluate its target before
its value, the value goes to a temporary (``__tl_<n>__``) first.

At bytecode granularity the scheduler steps the program's instructions, so the code
the rewrite adds must not look like the program's (``locate``): each added node is
placed on its line with no width (``col_offset == end_col_offset``, which no
instruction of real code has), and the stepper passes over such instructions; each
added call's span is listed (``Rewritten.calls``) with the instruction it stands for —
``BINARY_OP`` for ``iadd``, nothing for a read or a write, whose access is a step of
its own labelled ``LOAD_ATTR``, ``STORE_GLOBAL``… (``datalog``).  So ``counter.hits
+= 1`` steps as ``LOAD_ATTR``, ``LOAD_CONST``, ``BINARY_OP``, ``STORE_ATTR``, as the
program's own bytecode would.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from app.instrument.program import ACCESS_NAME
from app.instrument.rewrite_reads import HIDDEN, STANDS_FOR, access, const, hidden, name_node
from app.instrument.rewrite_scopes import Places, Scope, cell_variable
from app.instrument.rewrite_stores import Stores

__all__ = ["Rewritten", "Span", "instrument"]

# An instruction's place as ``dis`` gives it: (lineno, end_lineno, col, end_col).
Span = tuple[int, int, int, int]


class Rewritten(NamedTuple):
    tree: ast.Module
    # The added calls' spans → the instruction each stands for (None: it steps itself).
    calls: dict[Span, str | None]


def instrument(tree: ast.Module, filename: str) -> Rewritten:
    """Rewrite ``tree`` (in place) so that its shared data is traced, every node
    placed.  A program the compiler will reject (``nonlocal`` without a binding…) is
    returned as it is, for the compiler to say why."""
    try:
        places = Places(tree, filename)
    except SyntaxError:
        return Rewritten(tree, {})
    rewriter = Rewriter(places)
    tree = rewriter.visit(tree)
    if rewriter.changed:
        at = 0
        while at < len(tree.body) and _is_header(tree.body[at], at):
            at += 1
        bind = ast.Assign(
            targets=[ast.Name(ACCESS_NAME, ast.Store())],
            value=ast.Call(access("bind"), [], []),
        )
        tree.body.insert(at, ast.copy_location(bind, tree.body[min(at, len(tree.body) - 1)]))
    calls = locate(tree)
    return Rewritten(ast.fix_missing_locations(tree), calls)


def locate(tree: ast.Module) -> dict[Span, str | None]:
    """Place the nodes the rewrite added: with no width, at the start of the nearest
    node that has a place (see the module's doc).  Returns the added calls' spans."""
    calls: dict[Span, str | None] = {}
    todo: list[tuple[ast.AST, int, int]] = [(tree, 1, 0)]
    while todo:
        node, line, col = todo.pop()
        if "lineno" in node._attributes:
            if getattr(node, "lineno", None) is None:
                node.lineno = node.end_lineno = line  # type: ignore[attr-defined]
                node.col_offset = node.end_col_offset = col  # type: ignore[attr-defined]
            elif getattr(node, HIDDEN, False):
                node.end_lineno = node.lineno  # type: ignore[attr-defined]
                node.end_col_offset = node.col_offset  # type: ignore[attr-defined]
            line, col = node.lineno, node.col_offset  # type: ignore[attr-defined]
            if hasattr(node, STANDS_FOR):
                span = (line, node.end_lineno, col, node.end_col_offset)  # type: ignore[attr-defined]
                calls[span] = calls.get(span) or getattr(node, STANDS_FOR)
        todo.extend((child, line, col) for child in ast.iter_child_nodes(node))
    return calls


def _is_header(node: ast.stmt, at: int) -> bool:
    """The module docstring and ``from __future__`` imports, which must come first."""
    if isinstance(node, ast.ImportFrom) and node.module == "__future__":
        return True
    return at == 0 and _is_docstring(node)


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


class Rewriter(Stores):
    """The whole rewrite: scopes here, reads and writes in the classes it builds on."""

    # --- scopes: visited in the order the compiler's symbol table meets them -------------

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        args = node.args
        args.defaults = [self.visit(d) for d in args.defaults]
        args.kw_defaults = [self.visit(d) if d is not None else None for d in args.kw_defaults]
        for arg in (*args.posonlyargs, *args.args, args.vararg, args.kwarg, *args.kwonlyargs):
            if arg is not None:
                self._skip_scopes(arg.annotation)
        self._skip_scopes(node.returns)
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        scope = self.places.enter(self.scope, node)
        if scope is None:
            return node
        with self._inside(scope):
            body = self._body(node.body)
        node.body = self._prelude(scope, body)
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def _prelude(self, scope: Scope, body: list[ast.stmt]) -> list[ast.stmt]:
        """First thing in a function owning shared variables: take their cells."""
        if not scope.cells:
            return body
        at = 1 if body and _is_docstring(body[0]) else 0
        where = body[min(at, len(body) - 1)]
        prelude: list[ast.stmt] = []
        for name in sorted(scope.cells):
            # A binding the compiler sees (never run): the variable stays this
            # function's own even when every store to it is rewritten.
            keep = ast.If(const(0), [ast.Assign([name_node(name, True)], const(None))], [])
            cell = ast.Subscript(
                ast.Attribute(
                    ast.Lambda(_no_arguments(), name_node(name)), "__closure__", ast.Load()
                ),
                ast.Constant(0),
                ast.Load(),
            )
            take = ast.Assign([name_node(cell_variable(name), True)], cell)
            prelude += [hidden(ast.copy_location(s, where)) for s in (keep, take)]  # type: ignore[misc]
        self.changed = True
        return body[:at] + prelude + body[at:]

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        node.args.defaults = [self.visit(d) for d in node.args.defaults]
        node.args.kw_defaults = [
            self.visit(d) if d is not None else None for d in node.args.kw_defaults
        ]
        scope = self.places.enter(self.scope, node)
        if scope is not None:
            with self._inside(scope):
                node.body = self.visit(node.body)
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.bases = [self.visit(b) for b in node.bases]
        node.keywords = [self.visit(k) for k in node.keywords]
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        scope = self.places.enter(self.scope, node)
        if scope is not None:
            with self._inside(scope):
                node.body = self._body(node.body)
        return node

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> ast.AST:
        first = node.generators[0]
        first.iter = self.visit(first.iter)  # evaluated in the enclosing scope
        scope = self.places.enter(self.scope, node)
        if scope is None:
            return node
        with self._inside(scope):
            for i, gen in enumerate(node.generators):
                gen.target = self.visit(gen.target)
                if i:
                    gen.iter = self.visit(gen.iter)
                gen.ifs = [self.visit(c) for c in gen.ifs]
            if isinstance(node, ast.DictComp):
                node.value = self.visit(node.value)
                node.key = self.visit(node.key)
            else:
                node.elt = self.visit(node.elt)
        return node

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    def visit_match_case(self, node: ast.match_case) -> ast.AST:
        # Patterns stay as written: a pattern may only be a name or a dotted name.
        if node.guard is not None:
            node.guard = self.visit(node.guard)
        node.body = self._body(node.body)
        return node


def _no_arguments() -> ast.arguments:
    return ast.arguments([], [], None, [], [], None, [])
