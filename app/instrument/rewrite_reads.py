"""Reads of shared data, for ``rewrite.py`` (standard library only): the helpers every
part of the rewrite uses, and the expressions in which a program reads — a variable, an
attribute, an item, a method call on a container.

An expression is rewritten by what it is used for: a value (a read: an event), an owner
whose attribute or method is taken (``_owner``: no event of its own), or a container
whose item is taken or whose method is called (``_container``: the event is on the
item, or on the container for a method that changes it).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from app.instrument.datalog import METHOD_NAMES
from app.instrument.program import ACCESS_NAME
from app.instrument.rewrite_scopes import MODULE, Places, Scope

_IMPURE = (ast.Call, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom)


# Marks on the nodes the rewrite adds, read by ``rewrite.locate``: code the program did
# not write (its instructions take no bytecode step), and the instruction an added call
# stands for at bytecode granularity.
HIDDEN = "_threadlab_hidden"
STANDS_FOR = "_threadlab_stands_for"

# ``x op= y``'s operator, a method of the access object: ``x += 1`` is ``iadd(...)``.
AUGMENTED = {
    ast.Add: "iadd",
    ast.Sub: "isub",
    ast.Mult: "imul",
    ast.MatMult: "imatmul",
    ast.Div: "itruediv",
    ast.FloorDiv: "ifloordiv",
    ast.Mod: "imod",
    ast.Pow: "ipow",
    ast.LShift: "ilshift",
    ast.RShift: "irshift",
    ast.BitAnd: "iand",
    ast.BitOr: "ior",
    ast.BitXor: "ixor",
}
# The instructions the added calls of operators stand for.  The reads and writes are
# scheduling points themselves (``datalog``), so their calls stand for nothing.
_INSTRUCTIONS = {"slice": "BUILD_SLICE"} | {op: "BINARY_OP" for op in AUGMENTED.values()}


def access(method: str) -> ast.Attribute:
    return ast.Attribute(ast.Name(ACCESS_NAME, ast.Load()), method, ast.Load())


def hidden(node: ast.AST) -> ast.AST:
    """``node`` is the rewrite's, not the program's: no bytecode step in it."""
    setattr(node, HIDDEN, True)
    return node


def added_call(at: ast.AST, method: str, args: list[ast.expr]) -> ast.Call:
    """A call of the access object's ``method``, where the program had ``at``."""
    call = ast.copy_location(ast.Call(access(method), args, []), at)
    setattr(call, STANDS_FOR, _INSTRUCTIONS.get(method))
    return call


def const(value: str | int | bool | None) -> ast.Constant:
    return ast.Constant(value)


def name_node(name: str, store: bool = False) -> ast.Name:
    return ast.Name(name, ast.Store() if store else ast.Load())


def pure(node: ast.AST) -> bool:
    """Evaluating ``node`` cannot change what a name or an object holds."""
    return not any(isinstance(n, _IMPURE) for n in ast.walk(node))


def copy_node(node: ast.expr) -> ast.expr:
    """A fresh node for a second use of a constant or a variable."""
    if isinstance(node, ast.Name):
        return ast.copy_location(ast.Name(node.id, ast.Load()), node)
    if isinstance(node, ast.Constant):
        return ast.copy_location(ast.Constant(node.value), node)
    raise TypeError(f"cannot copy {type(node).__name__}")


class Reads(ast.NodeTransformer):
    """The rewriter's state and helpers, and the expressions that read."""

    def __init__(self, places: Places) -> None:
        self.places = places
        self.scope = places.module_scope()
        self.changed = False
        self._temps = 0

    # --- helpers ------------------------------------------------------------------------

    def _call(self, at: ast.AST, method: str, args: list[ast.expr]) -> ast.Call:
        self.changed = True
        return added_call(at, method, args)

    def _stmt(self, at: ast.AST, method: str, args: list[ast.expr]) -> ast.stmt:
        stmt = hidden(ast.copy_location(ast.Expr(self._call(at, method, args)), at))
        assert isinstance(stmt, ast.stmt)
        return stmt

    def _temp(self) -> str:
        self._temps += 1
        return f"__tl_{self._temps}__"

    def _body(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in stmts:
            new = self.visit(stmt)
            if isinstance(new, list):
                out.extend(new)
            elif new is not None:
                out.append(new)
        return out

    @contextmanager
    def _inside(self, scope: Scope) -> Iterator[None]:
        outer, self.scope = self.scope, scope
        try:
            yield
        finally:
            self.scope = outer

    def _skip_scopes(self, node: ast.AST | None) -> None:
        """Annotations are left as written (with ``from __future__ import annotations``
        their text is what the program sees); still take their scopes off the list."""
        if node is None or self.places.future_annotations:
            return
        for inner in _scopes_in(node):
            self.places.enter(self.scope, inner)

    def _read(self, node: ast.Name) -> ast.expr:
        where = self.scope.place(node.id)
        if where is None:
            return node
        if where == MODULE:
            return self._call(node, "gr", [const(node.id)])
        return self._call(node, "cr", [name_node(where), const(node.id), *self._own(node.id)])

    def _own(self, name: str) -> list[ast.expr]:
        """The extra argument saying a cell is read in the function owning it."""
        return [const(True)] if name in self.scope.cells else []

    def _write(self, at: ast.AST, name: str, value: ast.expr, method: str = "w") -> ast.expr:
        where = self.scope.place(name)
        assert where is not None
        if where == MODULE:
            return self._call(at, "g" + method, [const(name), value])
        return self._call(at, "c" + method, [name_node(where), const(name), value])

    def _simple(self, node: ast.expr) -> bool:
        """A constant or a local variable: the same whenever it is evaluated."""
        return isinstance(node, ast.Constant) or (
            isinstance(node, ast.Name) and self.scope.is_local(node.id)
        )

    def _once(self, node: ast.expr, pre: list[ast.stmt]) -> Callable[[], ast.expr]:
        """``node`` evaluated once: a fresh copy of it if simple, else a temporary."""
        if self._simple(node):
            return lambda: copy_node(node)
        temp = self._temp()
        pre.append(ast.copy_location(ast.Assign([name_node(temp, True)], node), node))
        return lambda: name_node(temp)

    # --- positions: what an expression is used for --------------------------------------

    def _owner(self, node: ast.expr) -> ast.expr:
        """An expression whose attribute or method is taken: not a read of its own."""
        if isinstance(node, ast.Name):
            return node
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            node.value = self._owner(node.value)
            return node
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            node.value = self._owner(node.value)
            node.slice = self.visit(node.slice)
            return node
        new: ast.expr = self.visit(node)
        return new

    def _container(self, node: ast.expr) -> tuple[ast.expr, ast.expr | None]:
        """An expression whose item is taken or whose method is called: (the rewritten
        expression, the container's name — None if it is not traced)."""
        if isinstance(node, ast.Name):
            if self.scope.place(node.id) is not None:
                return node, const(node.id)
            return node, None
        if isinstance(node, ast.Attribute) and not self.scope.static_attr(node):
            base = self._owner(node.value)
            return self._call(node, "aref", [base, const(node.attr)]), const(None)
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            base, label = self._container(node.value)
            key = self.visit(node.slice)
            if label is None:
                node.value, node.slice = base, key
                return node, None
            return self._call(node, "iref", [base, self._key(key), label]), const(None)
        return self._owner(node), None

    def _key(self, node: ast.expr) -> ast.expr:
        if isinstance(node, ast.Slice):
            parts = [
                p if p is not None else const(None) for p in (node.lower, node.upper, node.step)
            ]
            return added_call(node, "slice", parts)
        return node

    # --- reads --------------------------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return self._read(node) if isinstance(node.ctx, ast.Load) else node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if not isinstance(node.ctx, ast.Load) or self.scope.static_attr(node):
            node.value = self._owner(node.value)
            return node
        return self._call(node, "ar", [self._owner(node.value), const(node.attr)])

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        if not isinstance(node.ctx, ast.Load):
            node.value = self._owner(node.value)
            node.slice = self.visit(node.slice)
            return node
        base, label = self._container(node.value)
        key = self.visit(node.slice)
        if label is None:
            node.value, node.slice = base, key
            return node
        return self._call(node, "ir", [base, self._key(key), label])

    def visit_Call(self, node: ast.Call) -> ast.AST:
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr in METHOD_NAMES and not self.scope.static_attr(func):
                base, label = self._container(func.value)
                if label is not None:
                    args = [self.visit(a) for a in node.args]
                    keywords = [self.visit(k) for k in node.keywords]
                    call = self._call(node, "mc", [base, label, const(func.attr), *args])
                    call.keywords = keywords
                    return call
                func.value = base
            else:
                func.value = self._owner(func.value)
        elif not isinstance(func, ast.Name):  # calling a function is no read of it
            node.func = self.visit(func)
        node.args = [self.visit(a) for a in node.args]
        node.keywords = [self.visit(k) for k in node.keywords]
        return node

    def visit_NamedExpr(self, node: ast.NamedExpr) -> ast.AST:
        node.value = self.visit(node.value)
        if self.scope.place(node.target.id) is None:
            return node
        return self._write(node, node.target.id, node.value, "wv")


def _scopes_in(node: ast.AST) -> Iterator[ast.AST]:
    """The scopes an expression opens, outermost ones, in the compiler's order."""
    if isinstance(node, ast.Lambda):
        for default in (*node.args.defaults, *node.args.kw_defaults):
            if default is not None:
                yield from _scopes_in(default)
        yield node
    elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        yield from _scopes_in(node.generators[0].iter)
        yield node
    else:
        for child in ast.iter_child_nodes(node):
            yield from _scopes_in(child)
