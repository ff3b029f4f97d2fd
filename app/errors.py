"""Domain errors: what can go wrong with a request, in words a person can act on.

Raised by the run manager and friends; only ``app/api/`` turns them into HTTP answers
(see ``app/api/handlers.py``).  Every message is a sentence naming the bad value.

    ThreadlabError
    ├── NotFound                      404
    │   ├── RunNotFound
    │   └── ScenarioNotFound
    ├── InvalidRequest                422
    │   ├── InvalidParams             (names the parameter and its bounds)
    │   └── ProgramRejected           (a program that does not compile: line, column)
    ├── Forbidden                     403  a control action without the run's token
    ├── Conflict                      409  the run is not in a state that allows it
    └── QueueFull                     429  (carries retry_after, in seconds)
"""

from __future__ import annotations


class ThreadlabError(Exception):
    """Base of every error a request can cause."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ThreadlabError):
    pass


class RunNotFound(NotFound):
    def __init__(self, run_id: str) -> None:
        super().__init__(f"Run '{run_id}' not found.")
        self.run_id = run_id


class ScenarioNotFound(NotFound):
    def __init__(self, scenario_id: str) -> None:
        super().__init__(f"Scenario '{scenario_id}' not found.")
        self.scenario_id = scenario_id


class InvalidRequest(ThreadlabError):
    pass


class InvalidParams(InvalidRequest):
    """A scenario parameter is unknown, of the wrong type or out of bounds."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


class ProgramRejected(InvalidRequest):
    """Someone's own program does not compile: where, as the compiler said."""

    def __init__(
        self, message: str, error: str, line: int | None = None, column: int | None = None
    ) -> None:
        super().__init__(message)
        self.error = error
        self.line = line
        self.column = column


class Forbidden(ThreadlabError):
    pass


class Conflict(ThreadlabError):
    pass


class QueueFull(ThreadlabError):
    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
