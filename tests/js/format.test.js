import assert from "node:assert/strict";
import { test } from "node:test";

import "./helpers.js";
import { statusLabel } from "../../static/js/model/contract.js";
import { describeOp, formatValue } from "../../static/js/model/format.js";
import { highlight } from "../../static/js/views/highlight.js";

test("operations read as short sentences", () => {
  assert.equal(describeOp({ seq: 1, kind: "read", obj: "counter", value: 41 }), "read counter → 41");
  assert.equal(describeOp({ seq: 2, kind: "write", obj: "counter", value: 4200 }), "wrote counter ← 4,200");
  assert.equal(describeOp({ seq: 3, kind: "acquire", obj: "lock_a" }), "acquired lock_a");
  assert.equal(describeOp(null), "");
});


test("values look like Python's", () => {
  assert.equal(formatValue(true), "True");
  assert.equal(formatValue(null), "None");
  assert.equal(formatValue("a"), '"a"');
  assert.equal(statusLabel("timed_out"), "Timed out");
});

test("the highlighter keeps the text and marks keywords, strings and comments", () => {
  const source = 'def work():\n    x = "a # not a comment"  # a comment\n    """doc\n    string"""\n    return 42\n';
  const lines = highlight(source);
  assert.equal(lines.length, 5);
  assert.deepEqual(lines.map((tokens) => tokens.map((t) => t.text).join("")), source.trimEnd().split("\n"));
  const types = (i) => lines[i].filter((t) => t.type).map((t) => `${t.type}:${t.text}`);
  assert.deepEqual(types(0), ["kw:def", "def:work"]);
  assert.deepEqual(types(1), ['str:"a # not a comment"', "com:# a comment"]);
  assert.deepEqual(types(2), ['str:"""doc']);
  assert.deepEqual(types(3), ['str:    string"""']);
  assert.deepEqual(types(4), ["kw:return", "num:42"]);
});

test("times read as a person says them", async () => {
  const { timeAgo } = await import("../../static/js/model/format.js");
  const now = Date.parse("2026-03-12T12:00:00Z");
  assert.equal(timeAgo("2026-03-12T11:59:50Z", now), "just now");
  assert.equal(timeAgo("2026-03-12T11:55:00+00:00", now), "5 min ago");
  assert.equal(timeAgo("2026-03-12T09:00:00Z", now), "3 h ago");
  assert.equal(timeAgo("2026-03-11T10:00:00Z", now), "yesterday");
  assert.equal(timeAgo("2026-03-08T12:00:00Z", now), "4 days ago");
  assert.equal(timeAgo("2026-01-02T12:00:00Z", now), "2 Jan 2026");
  assert.equal(timeAgo(null, now), "");
  assert.equal(timeAgo("not a time", now), "");
});

test("a recent run's line says how it was made", async () => {
  const { runMeta } = await import("../../static/js/views/runlist.js");
  assert.equal(runMeta({ id: "a", scenario: "race", status: "finished", mode: "controlled", seed: 7, policy: "pct",
    params: { threads: 8, iterations: 500 }, counts: { events: 1203 } }),
  "Controlled · seed 7 · PCT · threads = 8, iterations = 500 · 1,203 events");
  assert.equal(runMeta({ id: "b", scenario: "deadlock", status: "deadlocked", mode: "free", params: {}, counts: { events: 1 } }),
    "Free · 1 event");
});
