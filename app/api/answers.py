"""What the HTTP API answers: pydantic models of every JSON answer, and the OpenAPI
shape of an event stream — built from ``app.contract`` as the requests are
(``schemas.py``), so ``/openapi.json`` documents every answer the server gives.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from app.contract import OWN_CODE, Goal, Mode, Policy, SearchPolicy, SearchState, Status


def event_stream(description: str) -> dict[str, Any]:
    """An OpenAPI answer of Server-Sent Events; the schema is one message's fields."""
    message = {
        "type": "object",
        "required": ["data"],
        "properties": {
            "id": {"type": "string", "pattern": "^[0-9]+$", "description": "The event's seq."},
            "event": {"type": "string", "description": "Absent for events; end, or a note."},
            "data": {"type": "string", "contentMediaType": "application/json"},
        },
    }
    return {"description": description, "content": {"text/event-stream": {"schema": message}}}


class RunLinks(BaseModel):
    self: str
    events: str
    page: str
    trace: str


class RunCreated(BaseModel):
    id: str
    status: Status
    links: RunLinks
    control_token: str = Field(description="Returned once: needed to cancel, step or present.")


class Counts(BaseModel):
    events: int
    threads: int


class Waiting(BaseModel):
    """A manual run waits for its creator to pick one of ``runnable``."""

    runnable: list[str]
    step: int | None


class Verdict(BaseModel):
    summary: str
    facts: dict[str, Any]


class RunSetup(BaseModel):
    """How a run was asked for, as every answer about a run shows it."""

    scenario: str = Field(description=f"A scenario's id, or '{OWN_CODE}' for your own code.")
    source: str | None = Field(None, description="Your own program's text; null for a scenario.")
    params: dict[str, Any]
    mode: Mode
    seed: int
    policy: Policy


class RunInfo(RunSetup):
    id: str
    status: Status
    options: dict[str, Any]
    verdict: Verdict | None
    message: str | None
    python: str | None
    counts: Counts
    created: str | None
    started: str | None
    ended: str | None
    queue_position: int | None
    waiting: Waiting | None
    schedule: list[str] | None
    steps: int | None
    links: RunLinks


class Stepped(BaseModel):
    id: str
    stepped: str


class EntryLinks(BaseModel):
    self: str
    page: str


class RunEntry(RunSetup):
    id: str
    title: str
    status: Status
    summary: str | None
    created: str | None
    ended: str | None
    counts: Counts
    links: EntryLinks


class RunList(BaseModel):
    runs: list[RunEntry]
    next: str | None = Field(description="The next (older) page, if there is one.")
    keep_runs: int
    retention: str


class FoundRun(BaseModel):
    id: str
    links: EntryLinks


class SearchLinks(BaseModel):
    self: str


class PassedTry(BaseModel):
    """A try of the search that did not reach its goal: run it to compare."""

    seed: int
    policy: Policy
    options: dict[str, Any]


class SearchInfo(BaseModel):
    id: str
    scenario: str
    source: str | None = None
    params: dict[str, Any]
    goal: Goal
    policy: SearchPolicy
    budget: int
    status: SearchState
    tries: int
    found: bool
    seed: int | None
    found_policy: Policy | None
    passed: PassedTry | None = Field(
        None, description="Found: the last try that did not fail, to run beside it."
    )
    verdict: Verdict | None
    run: FoundRun | None
    message: str | None
    links: SearchLinks


class ParamInfo(BaseModel):
    name: str
    type: Literal["int", "float", "bool", "choice"]
    default: Any
    min: float | None
    max: float | None
    help: str
    choices: list[str] | None = None


class ScenarioSummary(BaseModel):
    id: str
    title: str
    group: str
    concept: str
    summary: str
    params: list[ParamInfo]
    modes: list[Mode]
    goals: list[Goal]
    fixed_by: str | None


class ScenarioDetail(ScenarioSummary):
    source: str
    explanation: str
    look_for: list[str]
    talking_point: str | None


class Presented(BaseModel):
    active: bool
    seq: int
    playing: bool
    speed: float
    live: bool
    version: int
    at: int = Field(description="Server clock, ms since the epoch.")
    viewers: int


class ShareInfo(BaseModel):
    path: str
    url: str
    local_url: str
    lan_urls: list[str]
    reachable: bool
    hint: str | None
    command: str | None
    qr: str


class Health(BaseModel):
    status: Literal["ok"]
    runs: dict[Status, int] = Field(description="Runs running and queued now.")


class ContractMember(BaseModel):
    value: str
    label: str
    short: str
    options: list[str] | None = None  # policies: the options they read
    ended: bool | None = None  # statuses: whether the run is over


class Range(BaseModel):
    min: int
    max: int
    default: int | None


class Contract(BaseModel):
    """Every name the API uses, with what a person reads for it, and every bound."""

    Mode: dict[str, ContractMember]
    Policy: dict[str, ContractMember]
    SearchPolicy: dict[str, ContractMember]
    Granularity: dict[str, ContractMember]
    Status: dict[str, ContractMember]
    Goal: dict[str, ContractMember]
    SearchState: dict[str, ContractMember]
    OwnCode: dict[str, ContractMember]
    limits: dict[str, Range]
    defaults: dict[str, str]
    own_code: str = Field(description="The scenario id of a run of your own code.")
