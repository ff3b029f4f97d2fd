"""The code page (``/code``) in real Chromium: first contentful paint, the editor ready,
and the weight of the editor's files.

    python bench/code_page.py                    (starts a server; target: FCP ≤ 1 s)
    python bench/code_page.py --url http://127.0.0.1:8000   (a server already running)

Each load is cold: a new browser context (empty cache), 1280×720, the page's own CSP
(nothing bypassed: a CSP violation is a console error, and fails the bench). Measured,
as the median of ``--loads`` loads:
* first contentful paint (Performance API; navigation start = 0): the server-rendered
  page, its program in a plain text box, before any module has run;
* the editor ready: CodeMirror has replaced the text box (``.cm-editor`` in the page);
* what the page fetched: requests, and bytes of the editor's files (static/vendor);
and, from the files on disk, the editor's weight: the vendored CodeMirror files plus
``static/js/ui/editor.js``, raw and gzipped (``gzip -9``; Threadlab's server sends them
uncompressed, with ETags, so a reload revalidates rather than downloads them).
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._server import threadlab  # noqa: E402

VENDOR = ROOT / "static" / "vendor" / "codemirror"
EDITOR = ROOT / "static" / "js" / "ui" / "editor.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TARGET_FCP_MS = 1000


def weight() -> dict[str, tuple[int, int]]:
    """Bytes (raw, gzipped) of each editor file, by its path under static/."""
    files = [*sorted(VENDOR.rglob("*.js")), EDITOR]
    out = {}
    for path in files:
        data = path.read_bytes()
        out[path.relative_to(ROOT / "static").as_posix()] = (len(data), len(gzip.compress(data, 9)))
    return out


READY_PROBE = """
new MutationObserver((_, observer) => {
  if (document.querySelector('.cm-editor')) {
    window.__editorReady = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });
"""


def measure(url: str, loads: int) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            page = context.new_page()
            errors: list[str] = []
            fetched: list[tuple[str, int]] = []
            page.on("console", lambda m, errors=errors: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.on(
                "requestfinished",
                lambda r, fetched=fetched: fetched.append((r.url, r.sizes()["responseBodySize"])),
            )
            page.add_init_script(READY_PROBE)
            page.goto(f"{url}/code", wait_until="load")
            page.wait_for_function("window.__editorReady", timeout=30_000, polling=20)
            timing = page.evaluate(
                """() => ({
                  fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
                  html: performance.getEntriesByType('navigation')[0]?.responseEnd ?? null,
                  ready: window.__editorReady,
                })"""
            )
            context.close()
            vendor = [size for u, size in fetched if "/static/vendor/" in u]
            results.append(
                {
                    **timing,
                    "errors": errors,
                    "requests": len(fetched),
                    "vendor_files": len(vendor),
                    "vendor_bytes": sum(vendor),
                }
            )
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="The code page's first paint and weight.")
    parser.add_argument("--url", help="a running Threadlab server (else one is started)")
    parser.add_argument("--loads", type=int, default=5, help="cold loads to take the median of")
    args = parser.parse_args()

    files = weight()
    vendored = [v for k, v in files.items() if k.startswith("vendor/")]
    raw = sum(r for r, _ in files.values())
    zipped = sum(z for _, z in files.values())
    print(f"editor files: {len(files)} ({len(vendored)} vendored CodeMirror + ui/editor.js)")
    print(f"  raw:     {raw / 1024:8.1f} KiB")
    print(f"  gzipped: {zipped / 1024:8.1f} KiB   (each file gzip -9; the server sends raw)")
    biggest = sorted(files.items(), key=lambda kv: -kv[1][0])[:3]
    for name, (r, z) in biggest:
        print(f"    {name}: {r / 1024:.1f} KiB raw, {z / 1024:.1f} KiB gzipped")

    if args.url:
        results = measure(args.url.rstrip("/"), args.loads)
    else:
        with threadlab() as url:
            results = measure(url, args.loads)
    fcp = statistics.median(r["fcp"] for r in results)
    ready = statistics.median(r["ready"] for r in results)
    html = statistics.median(r["html"] for r in results)
    last = results[-1]
    ok = "✓" if fcp <= TARGET_FCP_MS else "✗"
    print(f"cold loads: {len(results)} (median)")
    print(f"  HTML received:            {html:7.0f} ms")
    print(f"  first contentful paint:   {fcp:7.0f} ms   (target ≤ {TARGET_FCP_MS:,}) {ok}")
    print(f"  editor ready:             {ready:7.0f} ms")
    print(f"  requests: {last['requests']}, of which the editor's files: {last['vendor_files']} "
          f"({last['vendor_bytes'] / 1024:.1f} KiB over the wire)")  # fmt: skip
    errors = [e for r in results for e in r["errors"]]
    if errors:
        print("console errors:", *sorted(set(errors)), sep="\n  ")
        raise SystemExit(1)
    if fcp > TARGET_FCP_MS:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
