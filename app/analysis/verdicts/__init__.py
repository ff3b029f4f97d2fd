"""Verdicts: one sentence a student reads, and the numbers behind it, computed from the
event log alone (never written by the scenario).  Standard library only.

``base`` holds the registry; each group of the scenario library has its own module,
imported here so that its ``@verdict_for`` functions register.
"""

from app.analysis.verdicts import (  # noqa: F401
    basics,
    challenges,
    classic,
    convoy,
    gil,
    own_code,
    showcase,
    synchronisation,
)
from app.analysis.verdicts.base import (
    STATUS_TEXT,
    Verdict,
    generic,
    has_own,
    verdict,
    verdict_for,
)

__all__ = ["STATUS_TEXT", "Verdict", "generic", "has_own", "verdict", "verdict_for"]
