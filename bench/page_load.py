"""The run page on a 100,000-event recording, in real Chromium (Playwright + the
Performance API and the DevTools protocol).

    python bench/page_load.py        (targets: first paint ≤ 1.5 s; median frame
                                      ≤ 16 ms while playing at 16×; memory reported)

The recording is synthetic — 64 threads taking turns under 8 locks and a shared
counter, with pre-emptions and sleeps, every event valid under the contract. The bench
serves it itself: it runs the real Threadlab app (``create_app``) in uvicorn with two
routes of its own put in front, ``/api/runs/bench`` and ``/api/runs/bench/events`` —
no change to the app. (Playwright's request routing could feed it too, but pushes a
13 MB body through the DevTools protocol so slowly that it would measure Playwright.)

Measured:
* first contentful paint (Performance API, navigation start = 0);
* the whole recording received and drawn (the stage says the stream ended);
* frames while playing at 16×: the interval between animation frames, and the work in
  each frame (the page's frame callbacks plus the style and layout they cause);
* the page's JavaScript heap after a garbage collection, and its DOM size.
"""

from __future__ import annotations

import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.instrument.events import TRANSITIONS, encode, make

EVENTS = 100_000
THREADS = 64
LOCKS = 8
PLAY_SECONDS = 1.5
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Recording:
    """Builds a valid log: one thread runs at a time, locks are free when taken."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.state: dict[str, str | None] = {}
        self.t = 0.0

    def add(self, kind: str, thread: str | None = None, state: str | None = None,
            obj: str | None = None, line: int | None = None, **detail: Any) -> None:  # fmt: skip
        if thread is not None and state is not None:
            assert state == self.state.get(thread) or (self.state.get(thread), state) in TRANSITIONS
            self.state[thread] = state
        self.t += 1e-6
        self.events.append(
            make(len(self.events) + 1, round(self.t, 6), kind, thread, state, obj, line, detail)
        )

    def build(self) -> list[dict[str, Any]]:
        names = [f"T{i + 1}" for i in range(THREADS)]
        self.add("create", "MainThread", "New")
        self.add("start", "MainThread", "Runnable")
        self.add("run", "MainThread", "Running")
        self.add("declare", "MainThread", "Running", "counter", 5, type="Shared", value=0)
        for k in range(LOCKS):
            self.add("declare", "MainThread", "Running", f"lock_{k}", 6, type="Lock")
        for name in names:
            self.add("create", name, "New", None, 12, daemon=False, target="work")
        for name in names:
            self.add("start", name, "Runnable", None, 14)
        self.add("block", "MainThread", "Blocked", "T1", 16, reason="join", timeout=None)
        value, turn = 0, 0
        sleeping: set[str] = set()
        while len(self.events) < EVENTS - 3 * THREADS - 4:
            name = names[turn % THREADS]
            turn += 1
            if name in sleeping:
                sleeping.discard(name)
                self.add("wake", name, "Runnable", None, 9)
            lock = f"lock_{turn % LOCKS}"
            self.add("run", name, "Running")
            self.add("acquire", name, "Running", lock, 8)
            self.add("read", name, "Running", "counter", 9, value=value)
            value += 1
            self.add("write", name, "Running", "counter", 10, value=value)
            self.add("release", name, "Running", lock, 8)
            if turn % 11 == 0:
                self.add("sleep", name, "Running", None, 11, seconds=0.001)
                self.add("block", name, "Blocked", None, 11, reason="sleep", seconds=0.001)
                sleeping.add(name)
            else:
                self.add("preempt", name, "Runnable", None, 11)
        for name in names:
            if name in sleeping:
                self.add("wake", name, "Runnable", None, 11)
            self.add("exit", name, "Dead")
        self.add("wake", "MainThread", "Runnable", "T1", 16)
        self.add("run", "MainThread", "Running")
        self.add("exit", "MainThread", "Dead")
        verdict = {"summary": f"{len(self.events) + 1:,} events, no update lost.",
                   "facts": {"expected": value, "actual": value, "lost": 0}}  # fmt: skip
        self.add("end", status="finished", verdict=verdict, message=None)
        return self.events


def sse_body(events: list[dict[str, Any]]) -> str:
    lines = []
    for event in events:
        name = "event: end\n" if event["kind"] == "end" else ""
        lines.append(f"{name}id: {event['seq']}\ndata: {encode(event)}\n\n")
    return "".join(lines)


# Times every animation-frame callback of the page, plus the style and layout it causes.
FRAME_PROBE = """
(() => {
  const work = [];
  const gaps = [];
  let last = 0;
  let recording = false;
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((now) => {
    const begin = performance.now();
    cb(now);
    if (recording) {
      document.body.offsetHeight; // flush the style and layout the callback caused
      work.push(performance.now() - begin);
    }
  });
  const tick = (now) => {
    if (recording && last) gaps.push(now - last);
    last = now;
    raf(tick);
  };
  raf(tick);
  window.__frames = {
    start() { work.length = 0; gaps.length = 0; last = 0; recording = true; },
    stop() { recording = false; return { work: [...work], gaps: [...gaps] }; },
  };
  new MutationObserver(() => {
    const stage = document.querySelector("[data-role=stage]");
    const stream = stage?.dataset.stream;
    if (stream === "live" && !window.__live) window.__live = performance.now();
    if (stream === "ended" && !window.__loaded) window.__loaded = performance.now();
  }).observe(document, { subtree: true, attributes: true,
                                         attributeFilter: ["data-stream"] });
})();
"""


def fake_run() -> dict[str, Any]:
    return {
        "id": "bench", "status": "finished", "scenario": "race", "params": {},
        "mode": "controlled", "seed": 1, "policy": "round_robin", "options": {},
        "python": sys.version.split()[0], "verdict": None, "message": None,
        "links": {"events": "/api/runs/bench/events", "page": "/runs/bench"},
    }  # fmt: skip


@contextmanager
def serving(body: str) -> Iterator[str]:
    """The Threadlab app plus the bench's recording, on a free port, in a thread."""
    import uvicorn
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from app.server import create_app
    from app.settings import Settings

    data = tempfile.mkdtemp(prefix="threadlab-bench-")
    app = create_app(Settings(data_dir=Path(data)))
    encoded = body.encode()

    async def run(request: Any) -> JSONResponse:
        return JSONResponse(fake_run())

    async def events(request: Any) -> Response:
        return Response(encoded, media_type="text/event-stream")

    app.router.routes[:0] = [Route("/api/runs/bench", run), Route("/api/runs/bench/events", events)]
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        shutil.rmtree(data, ignore_errors=True)


def measure(url: str, count: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720}, bypass_csp=True)
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.add_init_script(FRAME_PROBE)
        page.goto(f"{url}/runs/bench")
        page.wait_for_function("window.__loaded", timeout=60_000, polling=50)
        page.wait_for_function(f"document.querySelector('[data-role=scrub]').max === '{count}'")
        timing = page.evaluate(
            """() => ({
              fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
              live: window.__live ?? window.__loaded,
              loaded: window.__loaded,
            })"""
        )
        page.select_option("[data-role=speed]", "16")
        page.evaluate("window.__frames.start()")
        page.keyboard.press(" ")
        page.wait_for_timeout(PLAY_SECONDS * 1000)
        frames = page.evaluate("window.__frames.stop()")
        played = int(page.locator("[data-role=stage]").get_attribute("data-played") or 0)
        cdp = page.context.new_cdp_session(page)
        cdp.send("HeapProfiler.collectGarbage")
        cdp.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        browser.close()
    return {"timing": timing, "frames": frames, "played": played, "metrics": metrics,
            "errors": errors}  # fmt: skip


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> None:
    events = Recording().build()
    body = sse_body(events)
    print(f"recording: {len(events):,} events, {THREADS} threads, {len(body) / 1e6:.1f} MB of SSE")
    with serving(body) as url:
        result = measure(url, len(events))
    timing, frames, metrics = result["timing"], result["frames"], result["metrics"]
    work, gaps = frames["work"], frames["gaps"]
    median_work = statistics.median(work) if work else float("nan")
    ok = "✓" if timing["fcp"] is not None and timing["fcp"] <= 1500 else "✗"
    print(f"first contentful paint:         {timing['fcp']:8.0f} ms   (target ≤ 1,500) {ok}")
    print(f"first events on screen:         {timing['live']:8.0f} ms")
    print(f"whole recording received+drawn: {timing['loaded']:8.0f} ms")
    ok = "✓" if median_work <= 16 else "✗"
    print(f"frame work at 16× (median):     {median_work:8.2f} ms   (target ≤ 16) {ok}")
    print(f"frame work at 16× (p95, max):   {pct(work, 0.95):8.2f} ms, {max(work or [0]):.1f} ms")
    print(f"frame interval (median, p95):   {statistics.median(gaps or [0]):8.2f} ms, "
          f"{pct(gaps, 0.95):.1f} ms over {len(gaps)} frames")  # fmt: skip
    print(f"events played in {PLAY_SECONDS} s at 16×:  {result['played']:8,}")
    print(f"JS heap after GC:               {metrics['JSHeapUsedSize'] / 2**20:8.1f} MB "
          f"(of {metrics['JSHeapTotalSize'] / 2**20:.1f} MB)")  # fmt: skip
    print(f"DOM nodes:                      {int(metrics['Nodes']):8,}")
    if result["errors"]:
        print("console errors:", *result["errors"], sep="\n  ")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
