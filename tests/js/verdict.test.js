import assert from "node:assert/strict";
import { test } from "node:test";

import "./helpers.js";
import { outcome } from "../../static/js/views/verdict.js";

const end = (status, facts) => ({ status, verdict: { summary: "", facts }, message: null });

test("a finished race that lost updates looks like a problem; one that lost none, fine", () => {
  assert.equal(outcome(end("finished", { expected: 4000, actual: 3000, lost: 1000 })), "bad");
  assert.equal(outcome(end("finished", { expected: 900, actual: 900, lost: 0 })), "good");
  assert.equal(outcome(end("finished", { threads: 4 })), "neutral");
  assert.equal(outcome(end("finished", { ok: false })), "bad");
});

test("a run that did not finish is an error, whatever its facts", () => {
  for (const status of ["deadlocked", "failed", "timed_out", "interrupted"]) {
    assert.equal(outcome(end(status, { lost: 0 })), "error");
  }
  assert.equal(outcome({ status: "failed", verdict: null, message: "boom" }), "error");
});
