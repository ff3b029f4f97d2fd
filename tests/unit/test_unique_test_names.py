"""The test folders have no ``__init__.py``: pytest imports each test file by its base
name, so two files of one name in different folders break the whole collection."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_no_two_test_files_share_a_name() -> None:
    names = Counter(path.name for path in TESTS.rglob("test_*.py"))
    assert names["test_unique_test_names.py"] == 1
    assert [name for name, count in names.items() if count > 1] == []
