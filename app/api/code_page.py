"""Your own code: the code page (``/code``), its embeddable views (``/embed/code``,
``/embed/runs/{id}``) and the starter examples (``app/code_examples/*.py``).

The code page is an editor beside the stage of the scenario page. Its link carries the
run's setup in the query as a scenario's demo link does (``?mode=controlled&seed=7&
autorun=1``, read by ``app/api/demo.py``), plus ``example=<name>`` for a starter
example; a program travels in the fragment (``#src=…``), which only the browser reads
(``static/js/model/srclink.js``). Whether this client may run code at all is decided
here, with ``permission_of``, so a page that may not shows why instead of a Run button.

The editor's modules are mapped by an import map (``templates/_importmap.html``), an
inline script: the pages that carry it allow exactly that script, by the SHA-256 of its
text as rendered, computed once; and CodeMirror's style elements by a nonce drawn for
each page, which the page hands to the editor (``EditorView.cspNonce``). The embeddable
views may be framed by the pages the ``embed_ancestors`` setting names; every other
page by none.
"""

from __future__ import annotations

import ast
import re
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.api.demo import DemoLink, demo_link
from app.api.deps import SettingsDep
from app.api.headers import content_security_policy, script_hash
from app.api.own_code import Permission, permission_of
from app.api.pages import templates
from app.contract import DEFAULT_POLICY, OWN_CODE, Goal, Mode
from app.scenarios import registry
from app.settings import Settings

router = APIRouter(include_in_schema=False)

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "code_examples"
# The menu's order; a file not named here comes after these, by name.
ORDER = (
    "target_function",
    "thread_subclass",
    "locked_counter",
    "recursive_rlock",
    "semaphore_pool",
    "producer_consumer",
    "daemon_logger",
    "racy_counter",
)
EXAMPLE_KEY = "example"  # the query key that opens a starter example
# The run form's defaults: a program runs free unless the link says otherwise.
DEFAULTS: dict[str, Any] = {
    "default_mode": Mode.FREE,
    "default_policy": DEFAULT_POLICY,
    "default_options": {},
}
# Your program, as the demo-link reader sees it: no parameters, both modes, and the goal
# "Break it" looks for in a program (an uncaught exception, a failed assert, a deadlock…).
YOUR_PROGRAM = registry.Scenario(
    id=OWN_CODE,
    module="",
    title="your program",
    group="",
    concept="",
    summary="",
    explanation="",
    look_for=(),
    goals=(Goal.ANY_FAILURE,),
    program="",
)
IMPORT_MAP = re.compile(r'<script type="importmap">(.*?)</script>', re.DOTALL)


@dataclass(frozen=True)
class Example:
    id: str
    title: str  # the first line of its docstring
    source: str

    def public(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "source": self.source}


@cache
def examples() -> tuple[Example, ...]:
    """The starter examples, in the menu's order."""
    paths = {p.stem: p for p in EXAMPLES_DIR.glob("*.py")}
    names = [n for n in ORDER if n in paths] + sorted(set(paths) - set(ORDER))
    found = []
    for name in names:
        source = paths[name].read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(source)) or name.replace("_", " ")
        found.append(Example(name, doc.splitlines()[0].rstrip("."), source))
    return tuple(found)


@cache
def import_map_hash() -> str:
    """The CSP source allowing the import map: the SHA-256 of its text as rendered."""
    rendered = templates.get_template("_importmap.html").render()
    maps = IMPORT_MAP.findall(rendered)
    if len(maps) != 1:
        raise RuntimeError("templates/_importmap.html must hold exactly one import map")
    return script_hash(maps[0])


def editor_csp(nonce: str, frame_ancestors: str = "'none'") -> str:
    """The CSP of a page with the editor: its import map, allowed by hash, and the style
    elements CodeMirror adds (style-mod: ``<style nonce>`` in a document), by the
    page's nonce (``EditorView.cspNonce``)."""
    styles = (f"'nonce-{nonce}'",)
    return content_security_policy(frame_ancestors, scripts=(import_map_hash(),), styles=styles)


def embed_csp(ancestors: str) -> str:
    """The CSP of an embeddable view without the editor: framed by ``ancestors``."""
    return content_security_policy(frame_ancestors=ancestors or "'none'")


def _form(request: Request) -> tuple[DemoLink, Example, bool]:
    """The link's setup (as a demo link), the example it opens, and whether it named one."""
    query = {k: v for k, v in request.query_params.items() if k != EXAMPLE_KEY}
    demo = demo_link(YOUR_PROGRAM, query, DEFAULTS)
    menu = examples()
    wanted = request.query_params.get(EXAMPLE_KEY)
    chosen = next((e for e in menu if e.id == wanted), None)
    if wanted is not None and chosen is None:
        names = ", ".join(e.id for e in menu)
        message = f"There is no example called {wanted!r} (the examples: {names})."
        demo.errors[""] = f"{demo.errors['']} {message}" if "" in demo.errors else message
        demo.autorun = False
    return demo, chosen or menu[0], chosen is not None


def _context(request: Request, settings: Settings) -> dict[str, Any]:
    demo, example, named = _form(request)
    permission: Permission = permission_of(request, settings)
    if not permission.allowed:
        demo.autorun = False
    return {
        "nav": "code",
        "demo": demo,
        "modes": YOUR_PROGRAM.modes,
        "goals": YOUR_PROGRAM.goals,
        "examples": [e.public() for e in examples()],
        "example": example,
        "example_named": named,
        "permission": permission,
    }


# Sync routes: the first permission check may try the sandbox (a subprocess, cached);
# FastAPI runs them in its thread pool, off the event loop.
@router.get("/code", response_class=HTMLResponse)
def code_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    nonce = secrets.token_urlsafe(18)
    context = {**_context(request, settings), "style_nonce": nonce}
    headers = {"Content-Security-Policy": editor_csp(nonce)}
    return templates.TemplateResponse(request, "code.html", context, headers=headers)


@router.get("/embed/code", response_class=HTMLResponse)
def embed_code(request: Request, settings: SettingsDep) -> HTMLResponse:
    nonce = secrets.token_urlsafe(18)
    context = {**_context(request, settings), "style_nonce": nonce, "embed": True}
    headers = {"Content-Security-Policy": editor_csp(nonce, settings.embed_ancestors or "'none'")}
    return templates.TemplateResponse(request, "embed_code.html", context, headers=headers)


@router.get("/embed/runs/{run_id}", response_class=HTMLResponse)
def embed_run(request: Request, run_id: str, settings: SettingsDep) -> HTMLResponse:
    # As /runs/{id}: the page loads the run through the API (404 there if unknown).
    context = {"run_id": run_id, "embed": True}
    headers = {"Content-Security-Policy": embed_csp(settings.embed_ancestors)}
    return templates.TemplateResponse(request, "embed_run.html", context, headers=headers)
