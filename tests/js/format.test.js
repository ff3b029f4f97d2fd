import assert from "node:assert/strict";
import { test } from "node:test";

import { describeOp, formatValue, statusLabel } from "../../static/js/format.js";
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
