"""``create_app(settings)``: the FastAPI application, wired and nothing more.

Routers come from ``app/api``; static files are served at ``/static``; Jinja2 templates
are on ``app.state.templates``; the run manager (``app.state.manager``, recording into
the SQLite store in ``settings.data_dir``), the presence hub (``app.state.presence``)
and the search manager (``app.state.searches``) live with the app's lifespan, so
stopping the server kills every worker and writes the last of every recording.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

import app as package
from app.api import (
    code_page,
    compare_page,
    contract,
    exports,
    handlers,
    health,
    pages,
    presenter,
    recent,
    runs,
    scenarios,
    search,
    share,
    stream,
)
from app.api.body_size import BodySizeLimit
from app.api.headers import SecurityHeaders
from app.api.limits import limiter_for
from app.runs.manager import RunManager
from app.runs.presence import PresenceHub
from app.runs.search_jobs import SearchManager
from app.runs.store import SqliteStore
from app.scenarios import registry
from app.settings import Settings

PACKAGE = Path(package.__file__).resolve().parent


def asset_dir(name: str) -> Path:
    """``app/_<name>`` in an installed wheel, else ``<name>/`` beside ``app/`` (a checkout).

    The wheel's copy is looked for first: beside an installed ``app`` is site-packages,
    where some other distribution might have put a ``static`` folder."""
    packaged = PACKAGE / f"_{name}"
    return packaged if packaged.is_dir() else PACKAGE.parent / name


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    if settings.test_hooks:  # the tests' misbehaving scenarios (tests/scenarios)
        registry.enable_test_scenarios()
    manager = RunManager(settings, store=SqliteStore(settings.recordings))
    searches = SearchManager(settings, manager)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await manager.start()
        try:
            yield
        finally:
            await searches.stop()  # first: a search that finishes submits a run
            await manager.stop()

    app = FastAPI(title="Threadlab", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.manager = manager
    app.state.searches = searches
    app.state.presence = PresenceHub()
    app.state.limiter = limiter_for(settings)  # per-client pace of run starts
    app.state.templates = Jinja2Templates(directory=asset_dir("templates"))
    handlers.install(app)
    app.add_middleware(BodySizeLimit)
    app.add_middleware(SecurityHeaders)  # outermost: on every answer, 413s too
    routers = (
        health,
        contract,
        scenarios,
        recent,
        runs,
        stream,
        presenter,
        exports,
        share,
        search,
        pages,
        code_page,
        compare_page,
    )
    for module in routers:
        app.include_router(module.router)
    static = asset_dir("static")
    if static.is_dir():
        app.mount("/static", StaticFiles(directory=static), name="static")
    return app
