"""``app/api/code_page.py``: the code page, the embeddable views and their headers, the
starter examples, and the vendored editor (``tools/vendor_codemirror.py``)."""

from __future__ import annotations

import ast
import asyncio
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from app.api import code_page
from app.api.headers import script_hash
from app.contract import Goal, Mode, OwnCode
from app.server import create_app
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"
LAN = "192.168.1.20"
Get = Callable[..., httpx.Response]


@pytest.fixture(scope="module")
def get(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Get]:
    """GET a path as a client at an address, from a server with some settings.

    Each request runs in a thread of its own (see tests/unit/test_pages.py)."""

    async def fetch(path: str, host: str, settings: Settings) -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(settings), client=(host, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://pages") as client:
            return await client.get(path)

    data = tmp_path_factory.mktemp("code-pages")

    def call(path: str, host: str = LOOPBACK, **settings: object) -> httpx.Response:
        chosen = Settings(data_dir=data, **settings)  # type: ignore[arg-type]
        return pool.submit(asyncio.run, fetch(path, host, chosen)).result()

    with ThreadPoolExecutor(1) as pool:
        yield call


def directives(answer: httpx.Response) -> dict[str, str]:
    csp = answer.headers["content-security-policy"]
    return {d.split()[0]: d.strip() for d in csp.split(";") if d.strip()}


def test_the_code_page_allows_its_import_map_by_hash_and_its_styles_by_nonce(get: Get) -> None:
    answer = get("/code")
    assert answer.status_code == 200
    policy = directives(answer)
    assert policy["default-src"] == "default-src 'self'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert "x-frame-options" not in answer.headers
    # The hash is of the import map exactly as the page carries it.
    maps = re.findall(r'<script type="importmap">(.*?)</script>', answer.text, re.DOTALL)
    assert len(maps) == 1
    assert policy["script-src"] == f"script-src 'self' {script_hash(maps[0])}"
    # The style nonce is the page's own, handed to the editor, and new on every page.
    nonce = re.search(r'<meta name="style-nonce" content="([^"]+)">', answer.text)
    assert nonce and policy["style-src"] == f"style-src 'self' 'nonce-{nonce[1]}'"
    again = directives(get("/code"))["style-src"]
    assert again != policy["style-src"]
    assert "unsafe-inline" not in answer.headers["content-security-policy"]
    # The import map comes before any module script (a browser ignores a late one).
    assert answer.text.index('type="importmap"') < answer.text.index('type="module"')


def test_the_import_map_names_every_vendored_module_and_nothing_else(get: Get) -> None:
    text = get("/code").text
    body = re.search(r'<script type="importmap">(.*?)</script>', text, re.DOTALL)
    assert body
    imports = json.loads(body[1])["imports"]
    for name in ("@codemirror/state", "@codemirror/view", "@codemirror/lang-python"):
        assert name in imports
    for url in imports.values():
        assert url.startswith("/static/vendor/codemirror/")
        path = ROOT / url.removeprefix("/")
        assert path.is_file(), url
        assert (path.parent / "LICENSE").is_file(), url
        assert get(url).status_code == 200
    # One copy of each: no file of a package is mapped twice.
    assert len(set(imports.values())) == len(imports)


def test_other_pages_keep_the_plain_policy(get: Get) -> None:
    for path in ("/", "/runs", "/scenarios/race", "/runs/abc"):
        csp = get(path).headers["content-security-policy"]
        assert csp == "default-src 'self'; frame-ancestors 'none'; base-uri 'none'", path


def test_the_embeddable_views_may_be_framed_by_the_setting(get: Get) -> None:
    for path in ("/embed/runs/abc", "/embed/code"):
        answer = get(path)
        assert answer.status_code == 200
        assert directives(answer)["frame-ancestors"] == "frame-ancestors *", path
        assert "x-frame-options" not in answer.headers
        answer = get(path, embed_ancestors="'self' https://lms.example.edu")
        assert (
            directives(answer)["frame-ancestors"]
            == "frame-ancestors 'self' https://lms.example.edu"
        )
        assert 'class="site-header"' not in answer.text  # compact: no site header
    assert "script-src" in directives(get("/embed/code"))  # the editor's import map
    assert "script-src" not in directives(get("/embed/runs/abc"))
    assert directives(get("/embed/runs/abc", embed_ancestors=""))["frame-ancestors"] == (
        "frame-ancestors 'none'"
    )


def test_a_client_that_may_run_code_gets_a_run_button(get: Get) -> None:
    for host, own_code in ((LOOPBACK, OwnCode.LOCAL), (LAN, OwnCode.ANYONE)):
        text = get("/code", host, own_code=own_code).text
        assert 'data-role="run-button"' in text
        assert 'data-role="breakit"' in text
        assert 'data-allowed="true"' in text
        assert 'data-role="permission"' not in text


@pytest.mark.parametrize(
    ("host", "own_code", "says"),
    [
        (LAN, OwnCode.LOCAL, "only the computer running Threadlab may"),
        (LOOPBACK, OwnCode.OFF, "Running your own code is turned off on this server."),
        (LAN, OwnCode.OFF, "THREADLAB_OWN_CODE=auto"),
    ],
)
def test_a_client_that_may_not_is_told_why_instead_of_a_run_button(
    get: Get, host: str, own_code: OwnCode, says: str
) -> None:
    answer = get("/code?mode=controlled&seed=7&autorun=1", host, own_code=own_code)
    text = answer.text
    assert answer.status_code == 200
    assert 'data-role="run-button"' not in text
    assert 'data-role="breakit"' not in text
    assert 'data-allowed="false"' in text
    assert "data-autorun" not in text  # a link that would run does not, here
    note = re.search(r'<p class="permission-note" data-role="permission">(.*?)</p>', text, re.S)
    assert note and says in note[1].replace("&#39;", "'")
    assert 'data-role="program"' in text  # the editor is still there: read, edit, share


def test_a_link_s_setup_fills_the_form_and_its_mistakes_are_shown(get: Get) -> None:
    text = get("/code?mode=controlled&seed=7&policy=pct&pct_depth=2&autorun=1").text
    assert f'value="{Mode.CONTROLLED}" data-sched="mode" checked' in text
    assert 'data-sched="seed"' in text and 'value="7"' in text
    assert 'data-autorun="true"' in text
    bad = get("/code?mode=controlled&seed=-1&autorun=1").text
    assert "This link's setup has problems" in bad
    assert "&#39;seed&#39; must be between" in bad
    assert "data-autorun" not in bad
    unknown = get("/code?example=nope").text
    assert "There is no example called &#39;nope&#39;" in unknown


def test_a_link_may_open_an_example(get: Get) -> None:
    text = get("/code?example=racy_counter").text
    assert 'data-example="racy_counter"' in text
    assert '<option value="racy_counter" selected>' in text
    assert "assert counter == 2000" in text
    plain = get("/code").text
    assert 'data-example=""' in plain
    first = code_page.examples()[0]
    assert f'<option value="{first.id}" selected>' in plain


def test_the_examples_are_small_plain_programs_with_a_title_each() -> None:
    examples = code_page.examples()
    assert [e.id for e in examples] == list(code_page.ORDER)  # every file, in its place
    for example in examples:
        tree = ast.parse(example.source)  # compiles
        assert example.title and len(example.title) <= 70, example.id
        assert any(isinstance(node, ast.Import | ast.ImportFrom) for node in tree.body), example.id
        assert len(example.source.splitlines()) <= 40, example.id
    challenge = next(e for e in examples if e.id == "racy_counter")
    assert "assert counter == 2000" in challenge.source
    assert "lock" not in challenge.source.split('"""', 2)[2].lower().replace("a lock", "")
    assert code_page.YOUR_PROGRAM.goals == (Goal.ANY_FAILURE,)


def test_the_vendored_editor_is_what_package_lock_installs() -> None:
    """static/vendor/codemirror == node_modules (npm ci), copied by the script."""
    if not (ROOT / "node_modules" / "@codemirror" / "state").is_dir():
        pytest.skip("node_modules is not installed: npm ci")
    done = subprocess.run(
        [sys.executable, "tools/vendor_codemirror.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
