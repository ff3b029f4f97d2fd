"""One source per fact: a mode, policy, granularity, status, goal or search state is
spelled only in ``app/contract.py``; everything else refers to it.

The test reads the string constants of every product file — Python by its syntax tree
(docstrings aside), JavaScript and templates by their quoted strings — and fails on a
whole string that is one of those names.  A few other contracts' words happen to be
equal to one (the event kind ``deadlock``, the worker's ``done`` message…): each is
spelled once, in its own contract's module, and listed in ``OTHER_CONTRACTS``.
"""

from __future__ import annotations

import ast
import re
from enum import StrEnum
from pathlib import Path

import pytest

from app import contract

ROOT = Path(__file__).resolve().parents[2]
ENUMS: tuple[type[StrEnum], ...] = (
    contract.Mode,
    contract.Policy,
    contract.SearchPolicy,
    contract.Granularity,
    contract.Status,
    contract.Goal,
    contract.SearchState,
)
NAMES = {member.value for enum in ENUMS for member in enum}
# (file, string): other contracts' own words that happen to equal one of the names,
# each spelled once in its own place.
OTHER_CONTRACTS = {
    ("app/instrument/events.py", "deadlock"),  # the event kind
    ("static/js/model/events.js", "deadlock"),  # the browser's mirror of the event kinds
    ("app/instrument/events.py", "timed_out"),  # the wake event's detail field
    ("app/worker/protocol.py", "done"),  # the worker's last message
    ("app/scenarios/registry.py", "deadlock"),  # the scenario's module and id
    ("app/scenarios/deadlock.py", "deadlock"),
    ("app/analysis/verdicts/classic.py", "deadlock"),  # the scenario its verdict is for
}
# A JS or HTML quoted string, or a comment (matched first, so quotes in it are skipped).
QUOTED = re.compile(
    r"(?P<comment>//[^\n]*|/\*[\s\S]*?\*/|<!--[\s\S]*?-->|\{#[\s\S]*?#\})"
    r"|\"(?P<dq>(?:[^\"\\\n]|\\.)*)\"|'(?P<sq>(?:[^'\\\n]|\\.)*)'|`(?P<bq>(?:[^`\\$]|\\.)*)`"
)


def python_strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def quoted_strings(path: Path) -> list[tuple[int, str]]:
    text = path.read_text()
    found = []
    for match in QUOTED.finditer(text):
        if match["comment"] is not None:
            continue
        value = next(v for v in (match["dq"], match["sq"], match["bq"]) if v is not None)
        found.append((text.count("\n", 0, match.start()) + 1, value))
    return found


def product_files() -> list[Path]:
    files = [p for p in (ROOT / "app").rglob("*.py") if p != ROOT / "app" / "contract.py"]
    files += [p for p in (ROOT / "static" / "js").rglob("*.js") if "vendor" not in p.parts]
    files += list((ROOT / "templates").rglob("*.html"))
    return sorted(files)


def spelled_names(path: Path) -> list[str]:
    strings = python_strings(path) if path.suffix == ".py" else quoted_strings(path)
    where = path.relative_to(ROOT).as_posix()
    return [
        f"{where}:{line}: {value!r}"
        for line, value in strings
        if value in NAMES and (where, value) not in OTHER_CONTRACTS
    ]


def test_the_names_are_spelled_only_in_the_contract() -> None:
    found = [hit for path in product_files() for hit in spelled_names(path)]
    assert not found, "Refer to app.contract instead of spelling:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('x = "pct"\n', ["'pct'"]),
        ('"""random: a docstring is prose."""\nx = 1\n', []),
        ("f(mode='free')\n", ["'free'"]),
    ],
)
def test_the_python_scan_finds_what_it_should(
    tmp_path: Path, source: str, expected: list[str]
) -> None:
    path = tmp_path / "probe.py"
    path.write_text(source)
    assert [repr(value) for _, value in python_strings(path) if value in NAMES] == expected


def test_the_quoted_scan_skips_comments_and_finds_strings(tmp_path: Path) -> None:
    path = tmp_path / "probe.js"
    path.write_text('// "pct" in a comment\nconst a = "running"; /* \'done\' */ f(`manual`);\n')
    assert [v for _, v in quoted_strings(path) if v in NAMES] == ["running", "manual"]
