"""What a timing program printed: its measurements, read back from the run's output.

A GIL or timing program prints one line per measurement, as any program would —
``threads: 1.234 s``, ``alone: 371 µs``, ``cores: 2``, ``GIL enabled: True`` — and its
verdict reads those lines from the log, never numbers handed to Threadlab.  Standard
library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.analysis.timeline import Timeline

# "label: number unit" (unit s or µs, or none for a count) or "label: True|False"
LINE = re.compile(
    r"(?P<label>.+?): (?:(?P<number>\d+(?:\.\d+)?)(?: (?P<unit>s|µs))?|(?P<flag>True|False))"
)


def _lines(tl: Timeline) -> Iterator[re.Match[str]]:
    """The measurement lines printed, in order, by any thread."""
    for _by, text in tl.printed:
        for line in text.splitlines():
            found = LINE.fullmatch(line.strip())
            if found is not None:
                yield found


def numbers(tl: Timeline) -> dict[str, float]:
    """The lowest value printed under each label (the best of the rounds), in the
    order of their first line; in the unit printed."""
    best: dict[str, float] = {}
    for found in _lines(tl):
        if found["number"] is not None:
            value = float(found["number"])
            best[found["label"]] = min(best.get(found["label"], value), value)
    return best


def flags(tl: Timeline) -> dict[str, bool]:
    """Each ``label: True`` or ``label: False`` printed, the last line of each label."""
    out: dict[str, bool] = {}
    for found in _lines(tl):
        if found["flag"] is not None:
            out[found["label"]] = found["flag"] == "True"
    return out


# "label (unit): number number …": one value per round, in order (µs or s).
NUMBER = r"\d+(?:\.\d+)?"
SERIES = re.compile(rf"(?P<label>.+?) \((?P<unit>s|µs)\): (?P<values>{NUMBER}(?: {NUMBER})*)")


def series(tl: Timeline) -> dict[str, list[float]]:
    """Each ``label (µs): 12 4980 …`` line printed: the values in the order printed
    (the last line of each label)."""
    out: dict[str, list[float]] = {}
    for _by, text in tl.printed:
        for line in text.splitlines():
            found = SERIES.fullmatch(line.strip())
            if found is not None:
                out[found["label"]] = [float(v) for v in found["values"].split()]
    return out
