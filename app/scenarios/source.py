"""A program's text with a run's parameter values written into ``main``'s signature.

"Copy" and the code panel show the program as the run ran it: ``def main(threads=4)``
run with ``threads=8`` reads ``def main(threads=8)``, so the copied file behaves as the
run did under a plain ``python3``.  ``ast`` finds ``main``'s defaults and their exact
spans; each one given a different value is replaced by ``repr(value)``, and every other
character — comments, blank lines, a signature over several lines — is kept.  So are the
line numbers (a default over several lines keeps its line breaks), so the run's line
highlights stay on the right lines.

Standard library only.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from typing import Any

_NEWLINE = re.compile(r"\r\n|\r|\n")  # the line ends Python's tokenizer knows


class SourceError(ValueError):
    """The program has no ``main`` whose defaults the parameters could be written into."""


def with_params(source: str, params: Mapping[str, Any]) -> str:
    """``source`` with ``main``'s default for each of ``params`` replaced by its value.

    A value equal to the default (same type) keeps the text it is written with
    (``100_000`` stays so).  SourceError if the program does not parse, has no
    top-level ``main``, or ``main`` has no default for a parameter given."""
    if not params:
        return source
    defaults = main_defaults(source)
    spans: list[tuple[int, int, str]] = []
    offsets = _line_offsets(source)
    for name, value in params.items():
        node = defaults.get(name)
        if node is None:
            raise SourceError(f"main() has no parameter '{name}' with a default to set.")
        if _same(node, value):
            continue
        start = _offset(source, offsets, node.lineno, node.col_offset)
        end = _offset(source, offsets, _end_line(node), _end_col(node))
        old = source[start:end]
        spans.append((start, end, repr(value) + "\n" * old.count("\n")))
    for start, end, text in sorted(spans, reverse=True):
        source = source[:start] + text + source[end:]
    return source


def main_defaults(source: str) -> dict[str, ast.expr]:
    """``main``'s parameters that have a default, each with its default's node."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise SourceError(
            f"The program does not parse (line {error.lineno}): {error.msg}."
        ) from None
    main = next(
        (
            node
            for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "main"
        ),
        None,
    )
    if main is None:
        raise SourceError("The program has no main() function to write the parameters into.")
    args = main.args
    positional = args.posonlyargs + args.args
    with_default = positional[len(positional) - len(args.defaults) :]
    found = {arg.arg: node for arg, node in zip(with_default, args.defaults, strict=True)}
    found.update(
        (arg.arg, default)
        for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True)
        if default is not None
    )
    return found


def _same(node: ast.expr, value: Any) -> bool:
    try:
        written = ast.literal_eval(node)
    except ValueError:
        return False
    return type(written) is type(value) and bool(written == value)


def _line_offsets(source: str) -> list[int]:
    """The character offset at which each line starts (index 0 is line 1)."""
    return [0, *(match.end() for match in _NEWLINE.finditer(source))]


def _offset(source: str, offsets: list[int], line: int, col: int) -> int:
    """A node's (line, UTF-8 byte column) as a character offset into ``source``."""
    start = offsets[line - 1]
    text = source[start : offsets[line] if line < len(offsets) else len(source)]
    return start + len(text.encode("utf-8")[:col].decode("utf-8"))


def _end_line(node: ast.expr) -> int:
    return node.end_lineno if node.end_lineno is not None else node.lineno


def _end_col(node: ast.expr) -> int:
    return node.end_col_offset if node.end_col_offset is not None else node.col_offset
