"""Real Chromium against a real Threadlab server.

* ``live_url``: uvicorn serving ``app.server:create_app`` on a free port of 127.0.0.1, in
  a child process with its own data folder (one per test session).
* ``browser``: headless Debian Chromium through Playwright.  Without a browser the tests
  are skipped on a developer's machine and fail in CI (``CI`` set): CI must run them.
* ``page`` / ``phone`` / ``viewer``: a fresh page at 1280×720 (a projector) or phone
  size; ``viewer`` is a second person (its own context) beside ``page``.  Every page
  is served with ``Content-Security-Policy: default-src 'self'`` (added here to HTML
  answers, so the pages are held to the policy whatever the server sends), and any
  console error or uncaught exception fails the test unless the test allowed it.
* ``shot(page, name)``: a screenshot in ``test-artifacts/`` to look at.

The browser tests run after every other test of the session (see below).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CSP = "default-src 'self'"
DESKTOP = {"width": 1280, "height": 720}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the browser tests, and run them last: Playwright's sync API keeps an event
    loop running in the main thread for as long as the session's browser lives, and any
    test after it that runs its own loop (asyncio.run, the anyio plugin) would fail with
    "Cannot run the event loop while another loop is running"."""
    here = Path(__file__).parent
    browser = [item for item in items if Path(str(item.fspath)).is_relative_to(here)]
    for item in browser:
        item.add_marker(pytest.mark.browser)
    others = [item for item in items if item not in browser]
    items[:] = others + browser


def _chromium() -> str:
    path = os.environ.get("THREADLAB_CHROMIUM") or shutil.which("chromium") or ""
    if not path or not Path(path).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed, and CI must run the browser tests.")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    tmp = tmp_path_factory.mktemp("browser-server")
    # A whole class of test pages starts runs from one address: no rate limit here.
    env = {**os.environ, "THREADLAB_DATA_DIR": str(tmp / "data"), "THREADLAB_RUN_RATE": "100000"}
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.server:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        _wait_healthy(url, proc, tmp / "server.log")
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer /healthz in 20 s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Console:
    """Console errors and uncaught exceptions of one page."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.allowed: list[re.Pattern[str]] = []

    def allow(self, pattern: str) -> None:
        """Expect errors matching ``pattern`` (e.g. the browser's log of a 404 answer)."""
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


def _open(browser: Any, live_url: str, **options: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_url, **options)
    page = context.new_page()
    console = Console()
    page.console = console
    page.on("console", lambda m: m.type == "error" and console.errors.append(m.text))
    page.on("pageerror", lambda e: console.errors.append(f"uncaught: {e}"))
    page.route("**/*", _with_csp)
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()
    assert console.unexpected() == [], "console errors on the page"


def _with_csp(route: Any) -> None:
    if route.request.resource_type != "document":
        route.continue_()
        return
    response = route.fetch()
    headers = {**response.headers, "content-security-policy": CSP}
    route.fulfill(response=response, headers=headers)


@pytest.fixture
def page(browser: Any, live_url: str) -> Iterator[Any]:
    yield from _open(browser, live_url, viewport=DESKTOP)


@pytest.fixture
def phone(browser: Any, live_url: str) -> Iterator[Any]:
    yield from _open(browser, live_url, **PHONE)


@pytest.fixture
def viewer(browser: Any, live_url: str) -> Iterator[Any]:
    """A second person at 1280×720: a browser context of its own (no shared storage)."""
    yield from _open(browser, live_url, viewport=DESKTOP)


@pytest.fixture
def shot() -> Callable[[Any, str], Path]:
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page: Any, name: str, full_page: bool = False) -> Path:
        # Let tokens finish sliding to their column, so the picture shows where they are.
        deadline = time.monotonic() + 2
        while page.evaluate("document.getAnimations().length") and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
