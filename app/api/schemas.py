"""What the HTTP API accepts and answers: pydantic models built from ``app.contract``.

FastAPI validates every body with these models and documents every answer in
``/openapi.json`` with them; the CLI (``app/__main__.py``) and the demo links
(``app/api/demo.py``) parse through the same models, so a rule is written once.  Every
name and bound comes from ``app.contract``; this module only gives them a shape.

A run request is one model per mode: ``options`` exist only in a controlled request, so
a schema-valid request is one the server accepts.  ``mode`` may be left out (free).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app.contract import (
    DEFAULT_GRANULARITY,
    DEFAULT_POLICY,
    DEFAULT_SEARCH_POLICY,
    MAX_CHOICE_LENGTH,
    MAX_CHOICES,
    MAX_SCENARIO_ID,
    MAX_SOURCE_BYTES,
    OWN_CODE,
    PCT_DEPTH,
    PCT_STEPS,
    SEARCH_BUDGET,
    SEED,
    Goal,
    Granularity,
    Mode,
    Policy,
    SearchPolicy,
    SearchState,
    Status,
)
from app.scenarios import registry


class Strict(BaseModel):
    """A request body: anything not declared is refused (422)."""

    model_config = ConfigDict(extra="forbid")


# The schema lists the scenarios (a client can offer them); an unknown one is a 404.
ScenarioId = Annotated[
    str,
    Field(
        max_length=MAX_SCENARIO_ID,
        description="A scenario's id (GET /api/scenarios).",
        json_schema_extra={"enum": [s.id for s in registry.scenarios()]},
    ),
]
Params = Annotated[
    dict[str, Any], Field(default_factory=dict, description="The scenario's parameters.")
]


def _source_size(text: Any) -> Any:
    """Before the schema's ``maxLength`` (characters): the limit is in UTF-8 bytes."""
    if isinstance(text, str) and len(text.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        raise PydanticCustomError(
            "source_too_long",
            f"the program is longer than {MAX_SOURCE_BYTES // 1024} KiB (UTF-8)",
        )
    return text


Source = Annotated[
    str,
    Field(
        max_length=MAX_SOURCE_BYTES,
        description="Your own program's text (UTF-8, at most 64 KiB), in place of a scenario.",
    ),
    BeforeValidator(_source_size),
]


class OneProgram(BaseModel):
    """A request for a scenario or for someone's own program: exactly one of the two."""

    scenario: ScenarioId | None = None
    source: Source | None = None
    params: Params

    @model_validator(mode="after")
    def _exactly_one(self) -> OneProgram:
        if (self.scenario is None) == (self.source is None):
            raise PydanticCustomError(
                "one_program",
                "give exactly one of scenario (a scenario's id) and source (a program's text)",
            )
        if self.source is not None and self.params:
            raise PydanticCustomError(
                "params_for_source",
                "params are a scenario's; a program's own values are in its code",
            )
        return self


def _json_integer(value: Any) -> Any:
    """A JSON integer (7 or 7.0), not true or "7", which lax pydantic took for 1 and 7."""
    if isinstance(value, bool | str):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


Integer = Annotated[int, BeforeValidator(_json_integer)]


def _json_boolean(value: Any) -> Any:
    """A JSON boolean, not 0 or "no" (which lax pydantic takes for false)."""
    if not isinstance(value, bool):
        raise PydanticCustomError("bool_type", "Input should be a valid boolean")
    return value


NotTrue = Annotated[Literal[False], BeforeValidator(_json_boolean)]
Seed = Annotated[Integer, Field(ge=SEED.low, le=SEED.high)]
Choice = Annotated[str, StringConstraints(min_length=1, max_length=MAX_CHOICE_LENGTH)]


# ---- requests ---------------------------------------------------------------------------


class RunOptions(Strict):
    """How the controlled scheduler works."""

    granularity: Granularity = Field(
        DEFAULT_GRANULARITY, description="bytecode: threads may also switch between bytecodes."
    )
    depth: Integer = Field(PCT_DEPTH.default, ge=PCT_DEPTH.low, le=PCT_DEPTH.high)
    pct_steps: Integer = Field(
        PCT_STEPS.default, ge=PCT_STEPS.low, le=PCT_STEPS.high, description="PCT's step estimate."
    )
    choices: list[Choice] = Field(
        default_factory=list,
        max_length=MAX_CHOICES,
        description="Replay these picks first (a run's schedule): undo, exact reruns.",
    )


class FreeRunRequest(Strict, OneProgram):
    """A free run: the OS and the GIL schedule (``seed`` and ``policy`` are recorded)."""

    mode: Literal[Mode.FREE] = Mode.FREE
    seed: Seed | None = Field(None, description="None: a random seed.")
    policy: Policy = DEFAULT_POLICY
    gil_lane: bool = Field(
        False,
        strict=True,
        description="Free runs: measure which thread holds the GIL (the `gil` events of "
        "the GIL lane). It traces every line of the program, which slows pure-Python code "
        "about 10× (docs/performance.md). Refused in controlled mode, where the scheduler "
        "runs one thread at a time: the lane is its baton.",
    )

    @model_validator(mode="before")
    @classmethod
    def _options_need_control(cls, body: Any) -> Any:
        """Say why ``options`` are refused here, rather than "extra inputs"."""
        if cls is FreeRunRequest and isinstance(body, dict) and "options" in body:
            names = ", ".join(RunOptions.model_fields)
            raise PydanticCustomError(
                "options_free",
                f"options ({names}) apply only to mode '{Mode.CONTROLLED}'",
            )
        if cls is ControlledRunRequest and isinstance(body, dict) and body.get("gil_lane"):
            raise PydanticCustomError(
                "gil_lane_controlled",
                f"gil_lane applies only to mode '{Mode.FREE}': in controlled mode one thread "
                "runs at a time, and the scheduler's baton is the lane",
            )
        return body


class ControlledRunRequest(FreeRunRequest):
    """A controlled run: one thread at a time, picked by ``policy``."""

    mode: Literal[Mode.CONTROLLED]  # type: ignore[assignment]  # narrows the free request's mode
    options: RunOptions = Field(default_factory=lambda: RunOptions())
    gil_lane: NotTrue = Field(  # type: ignore[assignment]  # only free runs measure it
        False, description="Free runs only: here the scheduler's baton is the lane."
    )


def _mode_of(body: Any) -> str:
    """The tag of a run request: controlled, or else free (whose model then says what
    is wrong with a body that is not a free request either)."""
    mode = body.get("mode") if isinstance(body, dict) else getattr(body, "mode", None)
    return Mode.CONTROLLED if mode == Mode.CONTROLLED else Mode.FREE


RunRequest = Annotated[
    Annotated[FreeRunRequest, Tag(Mode.FREE)]
    | Annotated[ControlledRunRequest, Tag(Mode.CONTROLLED)],
    Discriminator(_mode_of),
]


def options_of(request: FreeRunRequest) -> dict[str, Any]:
    """The options a run gets: a controlled request's, as far as they are not defaults;
    a free run's GIL lane (``gil_lane: true``, as the worker's spec reads it), unless its
    scenario has a lane of its own (``extra["gil_lane"]``, with its own budget)."""
    if isinstance(request, ControlledRunRequest):
        return request.options.model_dump(exclude_defaults=True)
    return {"gil_lane": True} if request.gil_lane and not _own_lane(request.scenario) else {}


def _own_lane(scenario: str | None) -> bool:
    """Does this scenario turn the GIL lane on itself?  (An unknown one is a 404 later.)"""
    known = {s.id: s for s in registry.scenarios()}
    return scenario in known and bool(known[scenario].extra.get("gil_lane"))


class StepRequest(Strict):
    thread: str = Field(min_length=1, max_length=MAX_CHOICE_LENGTH)


class SearchRequest(Strict, OneProgram):
    goal: Goal
    policy: SearchPolicy = DEFAULT_SEARCH_POLICY
    budget: Integer = Field(
        SEARCH_BUDGET.default,
        ge=SEARCH_BUDGET.low,
        le=SEARCH_BUDGET.high,
        description="Seeds to try at most.",
    )


class PresenterRequest(Strict):
    seq: Integer = Field(ge=0, le=100_000_000, description="The last event shown (0: none yet).")
    playing: bool = Field(strict=True)
    speed: float = Field(1.0, gt=0, le=64, strict=True, description="Playback speed.")
    live: bool = Field(False, strict=True, description="Following a live run's newest event.")


# ---- answers ----------------------------------------------------------------------------


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
