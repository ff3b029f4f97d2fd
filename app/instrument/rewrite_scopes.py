"""Where a name of the program lives, scope by scope, for ``rewrite.py`` (standard
library only).

The symbol tables come from ``sharing.scopes`` on the program's text (``ast.unparse``
of the tree: the same scopes in the same order).  A table's children are its nested
scopes in the order the compiler's symbol-table pass meets them, which
``rewrite._Rewriter`` follows node by node (defaults and decorators before the function,
a comprehension's first iterable before the comprehension…); ``Scope.child`` matches
them by kind and name.  A scope that cannot be matched is left as it is, and so is
everything inside it: its data is not traced, but it runs unchanged.
"""

from __future__ import annotations

import ast
import symtable

from app.instrument import sharing

MODULE, CLASS, FUNCTION = "module", "class", "function"
_COMPREHENSION_NAMES = {
    ast.ListComp: "listcomp",
    ast.SetComp: "setcomp",
    ast.DictComp: "dictcomp",
    ast.GeneratorExp: "genexpr",
}


def cell_variable(name: str) -> str:
    """The local of the owning function (and free variable of the nested ones) that
    holds the cell of the shared variable ``name``."""
    return f"__tl_cell_{name}__"


class Places:
    """The program's shared names: globals for the whole module, cells per owner."""

    def __init__(self, tree: ast.Module, filename: str) -> None:
        self.future_annotations = any(
            isinstance(n, ast.ImportFrom)
            and n.module == "__future__"
            and any(a.name == "annotations" for a in n.names)
            for n in tree.body
        )
        self.found = found = sharing.scopes(ast.unparse(tree), filename)
        self.imports = sharing.imports(tree.body)
        symbols = found.top.get_symbols()
        self.defined = {s.get_name() for s in symbols if s.is_imported() or s.is_namespace()}
        self.bound = {
            s.get_name() for s in symbols if s.is_assigned() or s.get_name() in self.defined
        } | found.declared
        skip = sharing.unshared(tree.body, self.imports, True, found.declared)
        self.globals = (found.globals & self.bound) - skip
        self.cells: dict[int, frozenset[str]] = {}  # owner table id → its shared cells

    def module_scope(self) -> Scope:
        return Scope(self, self.found.top, MODULE)

    def enter(self, parent: Scope, node: ast.AST) -> Scope | None:
        """The scope ``node`` opens inside ``parent``; None if it cannot be matched."""
        if isinstance(node, ast.ClassDef):
            table = parent.child("class", node.name)
            return Scope(self, table, CLASS) if table is not None else None
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            table = parent.child("function", node.name)
            if table is None:
                return None
            cells = frozenset(self._cells(table, node.body))
            self.cells[table.get_id()] = cells
            init_self = None
            positional = node.args.posonlyargs + node.args.args
            if node.name == "__init__" and parent.kind == CLASS and positional:
                init_self = positional[0].arg
            return Scope(self, table, FUNCTION, cells, init_self)
        name = "lambda" if isinstance(node, ast.Lambda) else _COMPREHENSION_NAMES[type(node)]
        table = parent.child("function", name)
        return Scope(self, table, FUNCTION) if table is not None else None

    def _cells(self, table: symtable.SymbolTable, body: list[ast.stmt]) -> set[str]:
        candidates = self.found.cells.get(table.get_id(), set())
        if not candidates:
            return set()
        imports = self.imports | sharing.imports(body)
        rebound = self.found.rebound.get(table.get_id(), set())
        return candidates - sharing.unshared(body, imports, False, rebound) - {"__class__"}


class Scope:
    """One scope of the program while it is rewritten."""

    def __init__(
        self,
        places: Places,
        table: symtable.SymbolTable,
        kind: str,
        cells: frozenset[str] = frozenset(),
        init_self: str | None = None,
    ) -> None:
        self.places = places
        self.table = table
        self.kind = kind
        self.cells = cells  # the shared variables this function owns
        self.init_self = init_self  # ``self`` of an ``__init__``: not shared yet
        self._children = table.get_children()
        self._next = 0
        self._symbols = {s.get_name(): s for s in table.get_symbols()}

    def child(self, kind: str, name: str) -> symtable.SymbolTable | None:
        """The next nested scope of this kind and name, in the compiler's order."""
        for i in range(self._next, len(self._children)):
            table = self._children[i]
            if table.get_type() == kind and table.get_name() == name:
                self._next = i + 1
                return table
        return None

    def place(self, name: str) -> str | None:
        """Where the shared variable ``name`` lives: ``MODULE`` for a global, the cell
        variable for a captured one; None if ``name`` is not shared here."""
        places = self.places
        if self.kind == MODULE:
            return MODULE if name in places.globals else None
        sym = self._symbols.get(name)
        if sym is None:
            return None
        if sym.is_free():
            owner = places.found.owner(self.table, name)
            if owner is not None and name in places.cells.get(owner.get_id(), ()):
                return cell_variable(name)
            return None
        if self._global(sym):
            return MODULE if name in places.globals else None
        return cell_variable(name) if name in self.cells else None

    def _global(self, sym: symtable.Symbol) -> bool:
        if self.kind == CLASS:  # a class body looks up what it does not bind globally
            return sym.is_declared_global() or not (
                sym.is_assigned() or sym.is_imported() or sym.is_namespace()
            )
        return sym.is_global()

    def is_local(self, name: str) -> bool:
        """A plain local variable of this function (not shared, not global)."""
        if self.kind != FUNCTION or name in self.cells:
            return False
        sym = self._symbols.get(name)
        return sym is not None and sym.is_local() and not sym.is_free() and not sym.is_global()

    def static_attr(self, node: ast.Attribute) -> bool:
        """``node`` is never shared data: a dunder, an attribute of a module, function or
        class the program binds by name, or ``self.x`` in ``__init__``."""
        if node.attr.startswith("__") and node.attr.endswith("__"):
            return True
        base = node.value
        if not isinstance(base, ast.Name):
            return False
        if base.id == self.init_self:
            return True
        return self._static_name(base.id)

    def _static_name(self, name: str) -> bool:
        places = self.places
        if self.kind == MODULE:
            return name in places.defined or name not in places.bound
        sym = self._symbols.get(name)
        if sym is None:
            return False
        if sym.is_imported() or sym.is_namespace():
            return True
        if sym.is_free():
            owner = places.found.owner(self.table, name)
            if owner is None:
                return False
            bound = owner.lookup(name)
            return bound.is_imported() or bound.is_namespace()
        if self._global(sym):
            return name in places.defined or name not in places.bound
        return False
