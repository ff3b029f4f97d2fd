"""A run: one execution of a scenario, from the request that asked for it to its end.

``RunFacts`` declares once what a run is and how it went; a live ``Run`` adds its log,
its times and its token, and the recorded row (``store.RunRecord``) adds counts.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, overload

from app.contract import ENDED, Mode, Policy, Status
from app.errors import Forbidden
from app.runs.log import RunLog


def new_id() -> str:
    """An unguessable run id (96 random bits): a link is the only way to find a run.
    Never starting with '-', which a command line would take for an option
    (`threadlab export -J4…` failed once in 64 ids)."""
    while (run_id := secrets.token_urlsafe(12)).startswith("-"):
        pass
    return run_id


def digest(token: str) -> str:
    """What is kept of a control token: its SHA-256, so a leaked recordings file gives
    no one control of a run."""
    return hashlib.sha256(token.encode()).hexdigest()


def authorize(run: Run, token: str | None) -> None:
    """Forbidden unless ``token`` is the run's control token (compared in constant time)."""
    if not token:
        raise Forbidden(f"Controlling run '{run.id}' needs its control token (X-Control-Token).")
    if not secrets.compare_digest(digest(token), run.token_digest):
        raise Forbidden(f"That is not the control token of run '{run.id}'.")


def now() -> datetime:
    return datetime.now(UTC)


@overload
def iso(moment: datetime) -> str: ...
@overload
def iso(moment: datetime | None) -> str | None: ...
def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with milliseconds, as the API shows and the store keeps a moment."""
    return moment.isoformat(timespec="milliseconds") if moment else None


@dataclass(eq=False)
class RunFacts:
    """What was asked and how it went: the fields a ``Run`` and its recorded row share."""

    scenario: str
    params: dict[str, Any]
    mode: Mode
    seed: int
    policy: Policy
    options: dict[str, Any]
    id: str = field(default_factory=new_id)
    # All that is kept of the control token (``digest``), in memory and on disk.
    token_digest: str = field(default="", repr=False)
    status: Status = Status.QUEUED
    message: str | None = None
    verdict: dict[str, Any] | None = None
    python: str | None = None  # the worker interpreter's version, from its messages
    # Controlled runs: the scheduler's pick at every point with a choice, and the steps.
    schedule: list[str] | None = None
    steps: int | None = None
    # Someone's own program (``scenario`` is then ``OWN_CODE``); None for a scenario.
    source: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # Callers may pass the names as plain strings (a stored row, a test): keep the
        # declared types true.  ValueError for a name the contract does not know.
        self.mode, self.policy = Mode(self.mode), Policy(self.policy)
        self.status = Status(self.status)


@dataclass(eq=False)
class Run(RunFacts):
    # Given once to the run's creator; a run loaded from its recording has "" here.
    control_token: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    created: datetime = field(default_factory=now)
    started: datetime | None = None
    ended: datetime | None = None
    log: RunLog = field(default_factory=RunLog, repr=False)
    threads: set[str] = field(default_factory=set, repr=False)
    # Manual policy: {"runnable": [...], "step": n} while the worker waits for a step.
    # Set and cleared by the run's ``Supervisor`` only (``supervisor.py``).
    waiting: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.token_digest:
            self.token_digest = digest(self.control_token)

    @property
    def is_over(self) -> bool:
        return self.status in ENDED

    def public(self, queue_position: int | None = None) -> dict[str, Any]:
        """What ``GET /api/runs/{id}`` shows (without links, which are HTTP's business)."""
        return {
            "id": self.id,
            "status": self.status,
            "scenario": self.scenario,
            "source": self.source,
            "params": self.params,
            "mode": self.mode,
            "seed": self.seed,
            "policy": self.policy,
            "options": self.options,
            "verdict": self.verdict,
            "message": self.message,
            "python": self.python,
            "counts": {"events": len(self.log), "threads": len(self.threads)},
            "created": iso(self.created),
            "started": iso(self.started),
            "ended": iso(self.ended),
            "queue_position": queue_position,
            "waiting": self.waiting,
            "schedule": self.schedule,
            "steps": self.steps,
        }
