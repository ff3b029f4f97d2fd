import assert from "node:assert/strict";
import { test } from "node:test";

import "./helpers.js";
import { fallbackShare, hintText, isLoopbackHost } from "../../static/js/controls/share.js";

test("loopback hosts are this computer only", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "[::1]", "::1", "app.localhost"]) {
    assert.equal(isLoopbackHost(host), true, host);
  }
  for (const host of ["192.168.1.20", "10.0.0.5", "teacher.local", "1270.0.0.1"]) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});

test("without /api/share: a page opened at 127.0.0.1 says the class cannot reach it", () => {
  const info = fallbackShare("/runs/abc", { origin: "http://127.0.0.1:8000", hostname: "127.0.0.1", port: "8000" });
  assert.equal(info.reachable, false);
  assert.equal(info.url, "http://127.0.0.1:8000/runs/abc");
  assert.equal(info.command, "threadlab --host 0.0.0.0 --port 8000");
  assert.match(info.hint ?? "", /cannot open this link/);
  const lan = fallbackShare("/runs/abc", { origin: "http://192.168.1.20:8000", hostname: "192.168.1.20", port: "8000" });
  assert.deepEqual([lan.reachable, lan.lan_urls], [true, ["http://192.168.1.20:8000/runs/abc"]]);
});

test("the hint's trailing command is shown once, as code", () => {
  const hint = "The class cannot open this link: Threadlab listens on 127.0.0.1 (this computer only). Stop it and restart it with: threadlab --share --port 8000";
  assert.equal(hintText(hint, "threadlab --share --port 8000"),
    "Threadlab listens on 127.0.0.1 (this computer only). Stop it and restart it with:");
  assert.equal(hintText("Connect to the network.", null), "Connect to the network.");
  assert.equal(hintText("The class cannot open this link: this page is open at localhost.", null),
    "This page is open at localhost.", "the dialog's title says the first part");
  assert.equal(hintText("Run x --y, then reload.", "x --y"), "Run x --y, then reload.", "only a trailing command");
});
