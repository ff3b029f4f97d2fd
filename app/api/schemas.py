"""What the HTTP API accepts: pydantic models built from ``app.contract`` (what it
answers is ``answers.py``).

FastAPI validates every body with these models; the CLI (``app/__main__.py``) and the demo links
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
    PCT_DEPTH,
    PCT_STEPS,
    SEARCH_BUDGET,
    SEED,
    Goal,
    Granularity,
    Mode,
    Policy,
    SearchPolicy,
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
