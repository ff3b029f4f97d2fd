"""All of Threadlab's knobs in one place.

Every setting has a documented default, can be set from the environment as
``THREADLAB_<NAME>`` (e.g. ``THREADLAB_DATA_DIR``) and from the command line where the
CLI offers a flag.  Values are validated when the server starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.contract import DEFAULT_LIMITS as LIMITS
from app.contract import OwnCode


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("threadlab", appauthor=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="THREADLAB_", extra="ignore")

    host: str = Field("127.0.0.1", description="Address to bind; 0.0.0.0 to share on a LAN.")
    port: int = Field(8000, ge=0, le=65535, description="TCP port to serve on (0: any free).")
    data_dir: Path = Field(default_factory=_default_data_dir, description="Recordings folder.")
    worker_python: str = Field(sys.executable, description="Interpreter that runs scenarios.")
    worker_module: str = Field(
        "app.worker.runner", description="Module the worker runs as (`-m`); tests swap in a fake."
    )
    max_runs: int = Field(2, ge=1, le=64, description="Worker processes running at once.")
    queue_size: int = Field(8, ge=0, le=1000, description="Runs waiting for a worker slot.")
    wall_time: float = Field(
        LIMITS.wall_time, gt=0, le=3600, description="Seconds before a run is killed."
    )
    max_events: int = Field(LIMITS.max_events, ge=100, le=5_000_000, description="Events per run.")
    max_threads: int = Field(
        LIMITS.max_threads, ge=1, le=1024, description="Threads a scenario may start."
    )
    idle_time: float = Field(
        LIMITS.idle_time, gt=0, description="Manual run idle seconds before cancel."
    )
    tree_memory_mib: int | None = Field(
        None,
        ge=16,
        description="MiB of resident memory a run's processes may hold together (a program "
        "with child processes); default: one worker's own limit, 1 GiB + 10 MiB a thread.",
    )
    keep_runs: int = Field(500, ge=1, description="Recordings kept; older ones are deleted.")
    keep_events: int = Field(
        500_000, ge=0, description="Events of ended runs kept in memory (~1 KB each)."
    )
    run_rate: int = Field(
        30, ge=0, description="Runs (and searches) one client IP may start per window; 0: no limit."
    )
    run_rate_window: float = Field(
        60.0, gt=0, le=86_400, description="Seconds of the run_rate window."
    )
    keepalive: float = Field(15.0, gt=0, description="Seconds between SSE keep-alive comments.")
    max_searches: int = Field(2, ge=1, le=16, description='"Break it" searches at once.')
    search_time: float = Field(60.0, gt=0, le=3600, description="Seconds a search may take.")
    own_code: OwnCode = Field(
        OwnCode.AUTO,
        description=(
            "Who may run their own code: auto (anyone when the sandbox works, else only "
            "this computer), local (only this computer), anyone, off."
        ),
    )
    embed_ancestors: str = Field(
        "*",
        pattern=r"^[^;,\r\n]*$",
        description=(
            "Pages that may show the embeddable views (/embed/…) in a frame: a CSP "
            "frame-ancestors source list, e.g. \"'self' https://lms.example.edu\"."
        ),
    )
    test_hooks: bool = Field(False, description="Tests only: lets options script a fake worker.")

    @property
    def recordings(self) -> Path:
        """The SQLite file of the recordings, in ``data_dir``."""
        return self.data_dir / "recordings.sqlite3"
