"""Writes of shared data, for ``rewrite.py`` (standard library only): assignments
(plain, augmented, annotated, unpacking), ``del``, and the targets of ``for`` and
``with … as``.

Python evaluates an assignment's value before its target's parts (``seats[i] = f()``
evaluates ``f()``, then ``seats`` and ``i``); a rewritten store is a call whose
arguments go left to right, so where the order could show, the value goes to a
temporary first.  Unpacking goes to temporaries, then each target in turn.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from app.instrument.rewrite_reads import AUGMENTED, Reads, const, copy_node, hidden, name_node, pure
from app.instrument.rewrite_scopes import MODULE


@dataclass
class _Target:
    """An assignment target, its parts rewritten: ``store(src)`` assigns ``src`` to it,
    traced if ``traced``; ``early``: its parts may be evaluated before the value."""

    plain: ast.expr
    store: Callable[[ast.expr], list[ast.stmt]]
    traced: bool
    early: bool = True


class Stores(Reads):
    """The statements that write."""

    def _target(self, node: ast.expr) -> _Target:
        """Rewrite the parts of an assignment target (in the compiler's order)."""
        if isinstance(node, ast.Name):
            name = node.id
            if self.scope.place(name) is None:
                return _Target(node, lambda src: [_assign(node, src)], False)
            return _Target(node, lambda src: [_expr_stmt(self._write(node, name, src))], True)
        if isinstance(node, ast.Attribute):
            if self.scope.static_attr(node):
                node.value = self._owner(node.value)
                return _Target(node, lambda src: [_assign(node, src)], False)
            owner = self._owner(node.value)
            attr = node.attr

            def store_attr(src: ast.expr) -> list[ast.stmt]:
                return [self._stmt(node, "aw", [owner, const(attr), src])]

            return _Target(node, store_attr, True, self._simple(owner))
        if isinstance(node, ast.Subscript):
            base, label = self._container(node.value)
            key = self.visit(node.slice)
            if label is None:
                node.value, node.slice = base, key
                return _Target(node, lambda src: [_assign(node, src)], False)
            index = self._key(key)

            def store_item(src: ast.expr) -> list[ast.stmt]:
                return [self._stmt(node, "iw", [base, index, src, label])]

            return _Target(node, store_item, True, self._simple(base) and self._simple(index))
        if isinstance(node, (ast.Tuple, ast.List)):
            return self._unpack(node)
        return _Target(node, lambda src: [_assign(node, src)], False)

    def _unpack(self, node: ast.Tuple | ast.List) -> _Target:
        starred = [isinstance(e, ast.Starred) for e in node.elts]
        parts = [self._target(e.value if isinstance(e, ast.Starred) else e) for e in node.elts]
        for elt, part in zip(node.elts, parts, strict=True):
            if isinstance(elt, ast.Starred):
                elt.value = part.plain
        plain = [e if s else p.plain for e, s, p in zip(node.elts, starred, parts, strict=True)]
        node.elts = plain
        if not any(p.traced for p in parts):
            return _Target(node, lambda src: [_assign(node, src)], False)

        def store(src: ast.expr) -> list[ast.stmt]:
            # Unpack into temporaries, then store each in order, as Python does.
            temps = [self._temp() for _ in parts]
            names: list[ast.expr] = [
                ast.Starred(name_node(t, True), ast.Store()) if s else name_node(t, True)
                for t, s in zip(temps, starred, strict=True)
            ]
            out: list[ast.stmt] = [_assign(type(node)(names, ast.Store()), src)]
            for temp, part in zip(temps, parts, strict=True):
                out += part.store(name_node(temp))
            return [ast.copy_location(s, node) for s in out]

        return _Target(node, store, True)

    def _stores(
        self, at: ast.stmt, targets: list[_Target], value: ast.expr, pure: bool
    ) -> list[ast.stmt]:
        """``targets = value``: each target in turn, the value evaluated first."""
        if len(targets) == 1 and (pure or targets[0].early):
            return targets[0].store(value)
        temp = self._temp()
        out: list[ast.stmt] = [_assign(name_node(temp, True), value)]
        for target in targets:
            out += target.store(name_node(temp))
        return [ast.copy_location(s, at) for s in out]

    def visit_Assign(self, node: ast.Assign) -> ast.AST | list[ast.stmt]:
        early = pure(node.value)
        targets = [self._target(t) for t in node.targets]
        node.value = self.visit(node.value)
        if not any(t.traced for t in targets):
            node.targets = [t.plain for t in targets]
            return node
        return self._stores(node, targets, node.value, early)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST | list[ast.stmt]:
        early = node.value is None or pure(node.value)
        target = self._target(node.target)
        self._skip_scopes(node.annotation)
        if node.value is not None:
            node.value = self.visit(node.value)
        node.target = target.plain  # type: ignore[assignment]  # a Name, Attribute or Subscript
        if not target.traced or node.value is None:
            return node
        value, node.value = node.value, None
        return [node, *self._stores(node, [target], value, early)]

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST | list[ast.stmt]:
        target, op = node.target, AUGMENTED[type(node.op)]
        if isinstance(target, ast.Name):
            node.value = self.visit(node.value)
            if self.scope.place(target.id) is None:
                return node
            new = self._call(node, op, [self._read(copy_node(target)), node.value])  # type: ignore[arg-type]
            # The store is where the target is, as CPython places it; the operator,
            # like BINARY_OP, is the whole statement.
            return _expr_stmt(self._write(target, target.id, new))
        pre: list[ast.stmt] = []
        if isinstance(target, ast.Attribute) and not self.scope.static_attr(target):
            owner = self._once(self._owner(target.value), pre)
            node.value = self.visit(node.value)
            read = self._call(target, "ar", [owner(), const(target.attr)])
            new = self._call(node, op, [read, node.value])
            return [*pre, self._stmt(target, "aw", [owner(), const(target.attr), new])]
        if isinstance(target, ast.Subscript):
            base, label = self._container(target.value)
            key = self.visit(target.slice)
            if label is not None:
                container, index = self._once(base, pre), self._once(self._key(key), pre)
                node.value = self.visit(node.value)
                read = self._call(target, "ir", [container(), index(), label])
                new = self._call(node, op, [read, node.value])
                write = [container(), index(), new, copy_node(label)]
                return [*pre, self._stmt(target, "iw", write)]
            target.value, target.slice = base, key
        elif isinstance(target, ast.Attribute):
            target.value = self._owner(target.value)
        node.value = self.visit(node.value)
        return node

    def visit_Delete(self, node: ast.Delete) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        plain: list[ast.expr] = []

        def flush() -> None:
            if plain:
                out.append(ast.copy_location(ast.Delete(plain[:]), node))
                plain.clear()

        for target in _flat(node.targets):
            traced: ast.stmt | None = None
            if isinstance(target, ast.Name):
                where = self.scope.place(target.id)
                if where == MODULE:
                    traced = self._stmt(target, "gdel", [const(target.id)])
                elif where is not None:
                    own = self._own(target.id)
                    traced = self._stmt(target, "cdel", [name_node(where), const(target.id), *own])
            elif isinstance(target, ast.Attribute) and not self.scope.static_attr(target):
                owner = self._owner(target.value)
                traced = self._stmt(target, "adel", [owner, const(target.attr)])
            elif isinstance(target, ast.Subscript):
                base, label = self._container(target.value)
                key = self.visit(target.slice)
                if label is not None:
                    traced = self._stmt(target, "idel", [base, self._key(key), label])
                else:
                    target.value, target.slice = base, key
            elif isinstance(target, ast.Attribute):
                target.value = self._owner(target.value)
            if traced is None:
                plain.append(target)
            else:
                flush()
                out.append(traced)
        flush()
        return out

    def visit_For(self, node: ast.For | ast.AsyncFor) -> ast.AST:
        target = self._target(node.target)
        node.iter = self.visit(node.iter)
        node.body = self._body(node.body)
        node.orelse = self._body(node.orelse)
        if target.traced:
            temp = self._temp()
            node.target = name_node(temp, True)
            node.body = [
                ast.copy_location(s, node) for s in target.store(name_node(temp))
            ] + node.body
        else:
            node.target = target.plain
        return node

    visit_AsyncFor = visit_For

    def visit_With(self, node: ast.With | ast.AsyncWith) -> ast.AST:
        stores: list[list[ast.stmt]] = []
        for item in node.items:
            item.context_expr = self.visit(item.context_expr)
            found: list[ast.stmt] = []
            if item.optional_vars is not None:
                target = self._target(item.optional_vars)
                if target.traced:
                    temp = self._temp()
                    item.optional_vars = name_node(temp, True)
                    found = [ast.copy_location(s, node) for s in target.store(name_node(temp))]
                else:
                    item.optional_vars = target.plain
            stores.append(found)
        node.body = self._body(node.body)
        # ``with a as x, b:`` binds x before b is evaluated: split it where a store goes.
        items, body, end = node.items, node.body, len(node.items)
        for i in range(len(items) - 1, -1, -1):
            if stores[i]:
                if i + 1 < end:
                    body = [ast.copy_location(type(node)(items[i + 1 : end], body), node)]
                body = stores[i] + body
                end = i + 1
        node.items, node.body = items[:end], body
        return node

    visit_AsyncWith = visit_With


def _flat(targets: list[ast.expr]) -> Iterator[ast.expr]:
    for target in targets:
        if isinstance(target, (ast.Tuple, ast.List)):
            yield from _flat(target.elts)
        else:
            yield target


def _assign(target: ast.expr, value: ast.expr) -> ast.stmt:
    return ast.copy_location(ast.Assign([target], value), target)


def _expr_stmt(value: ast.expr) -> ast.stmt:
    """A write as a statement: its ``POP_TOP`` is the rewrite's."""
    stmt = hidden(ast.copy_location(ast.Expr(value), value))
    assert isinstance(stmt, ast.stmt)
    return stmt
