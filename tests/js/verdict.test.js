import assert from "node:assert/strict";
import { test } from "node:test";

import "./helpers.js";
import { Mode } from "../../static/js/model/contract.js";
import { fold, initialState } from "../../static/js/model/reducer.js";
import { asyncioMatters, outcome, tracingMatters } from "../../static/js/views/verdict.js";

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

test("the note on tracing: free runs that read or wrote shared data, and only those", () => {
  const shared = (reads, writes) => ({ resources: { counter: { reads, writes } } });
  assert.equal(tracingMatters(shared(3, 3), Mode.FREE.value), true);
  assert.equal(tracingMatters(shared(0, 1), Mode.FREE.value), true);
  assert.equal(tracingMatters(shared(3, 3), Mode.CONTROLLED.value), false);
  assert.equal(tracingMatters(shared(0, 0), Mode.FREE.value), false);
  assert.equal(tracingMatters({ resources: {} }, Mode.FREE.value), false);
  assert.equal(tracingMatters(shared(3, 3), null), false); // mode not known yet
});

test("the note on asyncio: controlled runs with task lanes, and only those", () => {
  const create = (thread, detail) => ({
    seq: 1, t: 0, kind: "create", thread, state: "New", obj: null, line: null, detail,
  });
  const tasks = fold(initialState(), [create("Task-1", { task: true, loop: "MainThread" })]);
  const threads = fold(initialState(), [create("T1", { daemon: false })]);
  assert.equal(tasks.threads["Task-1"].loop, "MainThread");
  assert.equal(threads.threads.T1.loop, null);
  assert.equal(asyncioMatters(tasks, Mode.CONTROLLED.value), true);
  assert.equal(asyncioMatters(tasks, Mode.FREE.value), false);
  assert.equal(asyncioMatters(threads, Mode.CONTROLLED.value), false);
});
