"""What a timing program printed, read back: single measurements and per-round series."""

import pytest

from app.analysis.measurements import numbers, series
from app.analysis.timeline import Timeline

pytestmark = pytest.mark.timeout(10)


def printed(*lines: str) -> Timeline:
    tl = Timeline()
    tl.printed = [("MainThread", line) for line in lines]
    return tl


def test_a_series_line_gives_its_values_in_the_order_printed() -> None:
    tl = printed("alone, after each reply (µs): 12 4980 7.5 0", "alone: 371 µs")
    assert series(tl) == {"alone, after each reply": [12.0, 4980.0, 7.5, 0.0]}
    assert numbers(tl) == {"alone": 371.0}  # a series is no single measurement


def test_the_last_line_of_a_label_wins_and_other_lines_are_ignored() -> None:
    tl = printed("x (s): 1 2", "x (s): 3", "not a series (µs): 1, 2", "y (µs):", "z (kg): 1")
    assert series(tl) == {"x": [3.0]}
