"""A run: one execution of a scenario, from the request that asked for it to its end."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.errors import Forbidden
from app.runs.log import RunLog

QUEUED, RUNNING = "queued", "running"
# How a run can end.  ``interrupted``: the server stopped while it was queued or running.
ENDED = ("finished", "deadlocked", "failed", "timed_out", "cancelled", "interrupted")
STATUSES = (QUEUED, RUNNING, *ENDED)


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


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="milliseconds") if moment else None


@dataclass(eq=False)
class Run:
    scenario: str
    params: dict[str, Any]
    mode: str
    seed: int
    policy: str
    options: dict[str, Any]
    id: str = field(default_factory=new_id)
    control_token: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    # A run loaded from its recording knows only the digest (control_token is "").
    token_digest: str = field(default="", repr=False)
    status: str = QUEUED
    created: datetime = field(default_factory=now)
    started: datetime | None = None
    ended: datetime | None = None
    message: str | None = None
    verdict: dict[str, Any] | None = None
    python: str | None = None  # the worker interpreter's version, from its messages
    log: RunLog = field(default_factory=RunLog, repr=False)
    threads: set[str] = field(default_factory=set, repr=False)
    # Manual policy: {"runnable": [...], "step": n} while the worker waits for a step.
    waiting: dict[str, Any] | None = None
    # Controlled runs: the scheduler's pick at every point with a choice, and the steps.
    schedule: list[str] | None = None
    steps: int | None = None

    def __post_init__(self) -> None:
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
