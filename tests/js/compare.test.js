import assert from "node:assert/strict";
import { test } from "node:test";

import {
  compareUrl, describeDifference, firstDifference, firstEventDifference, firstPickDifference, runningAfter,
} from "../../static/js/model/compare.js";
import { events, fixture } from "./helpers.js";

/** @param {ReturnType<typeof fixture>} log */
function side(log) {
  const end = log.at(-1);
  return { schedule: end?.kind === "end" ? end.detail.schedule ?? null : null, log };
}

test("two recorded runs of race (2 threads × 1): they part at the second pick", () => {
  // Seed 2 loses an update, seed 1 does not (controlled, random policy, Python 3.11).
  const found = side(fixture("race-found"));
  const passed = side(fixture("race-passed"));
  assert.deepEqual(found.schedule.slice(0, 2), ["MainThread", "MainThread"]);
  assert.deepEqual(passed.schedule.slice(0, 2), ["MainThread", "T2"]);
  const diff = firstDifference(found, passed);
  assert.ok(diff);
  assert.equal(diff.agreed, 1);
  assert.equal(diff.found, "MainThread");
  assert.equal(diff.passed, "T2");
  assert.equal(diff.running, "MainThread");
  assert.ok(diff.foundKept, "the failing run kept MainThread: it goes on to join T1");
  assert.ok(!diff.passedKept);
  // Event #10: MainThread blocks in join (failing) where it is preempted (passing).
  assert.equal(diff.index, 9);
  assert.equal(found.log[9].kind, "block");
  assert.equal(passed.log[9].kind, "preempt");
  assert.ok(!diff.early);
  assert.equal(
    describeDifference(diff),
    "The schedules agree for the first step; at step 2 the failing run keeps MainThread running where the passing run let T2 run.",
  );
});

test("a switch in both runs: the logs part at the run event, after the same preempt", () => {
  const prefix = [
    ["create", "T1", "New"], ["start", "T1", "Runnable"], ["run", "T1", "Running"],
    ["create", "T2", "New"], ["start", "T2", "Runnable"], ["create", "T3", "New"], ["start", "T3", "Runnable"],
    ["preempt", "T1", "Runnable"],
  ];
  const a = events([...prefix, ["run", "T2", "Running"], ["write", "T2", "Running", "x", 3, { value: 1 }]]);
  const b = events([...prefix, ["run", "T3", "Running"], ["write", "T3", "Running", "x", 3, { value: 1 }]]);
  const diff = firstDifference({ schedule: ["T1", "T2"], log: a }, { schedule: ["T1", "T3"], log: b });
  assert.ok(diff);
  assert.equal(diff.index, 8);
  assert.equal(diff.running, null, "T1 was preempted in both: nobody runs");
  assert.equal(
    describeDifference(diff),
    "The schedules agree for the first step; at step 2 the failing run lets T2 run where the passing run let T3 run.",
  );
});

test("the passing run keeps the running thread: 'kept … running'", () => {
  const start = [["create", "T1", "New"], ["start", "T1", "Runnable"], ["run", "T1", "Running"],
    ["create", "T2", "New"], ["start", "T2", "Runnable"]];
  const a = events([...start, ["preempt", "T1", "Runnable"], ["run", "T2", "Running"]]);
  const b = events([...start, ["read", "T1", "Running", "x", 4, { value: 0 }]]);
  const diff = firstDifference({ schedule: ["T2"], log: a }, { schedule: ["T1"], log: b });
  assert.ok(diff);
  assert.equal(diff.index, 5);
  assert.ok(!diff.foundKept && diff.passedKept);
  assert.equal(
    describeDifference(diff),
    "The schedules differ from the first step: at step 1 the failing run lets T2 run where the passing run kept T1 running.",
  );
});

test("schedules: equal, a prefix, and runs without one", () => {
  assert.equal(firstPickDifference(["a", "b"], ["a", "b"]), -1);
  assert.equal(firstPickDifference(["a", "b"], ["a", "c"]), 1);
  assert.equal(firstPickDifference(["a"], ["a", "b", "c"]), 1);
  const log = events([["create", "T1", "New"], ["start", "T1", "Runnable"], ["run", "T1", "Running"]]);
  assert.equal(firstDifference({ schedule: null, log }, { schedule: [], log }), null, "a free run has no schedule");
  const same = firstDifference({ schedule: ["T1", "T1"], log }, { schedule: ["T1", "T1"], log });
  assert.ok(same?.same);
  assert.equal(same.index, -1);
  assert.equal(describeDifference(same), "Both runs made the same 2 choices: their schedules do not differ.");
  const shorter = firstDifference({ schedule: ["T1"], log }, { schedule: ["T1", "T2"], log });
  assert.ok(shorter);
  assert.equal(shorter.found, null);
  assert.match(describeDifference(shorter), /at step 2 the failing run has no more choices to make where the passing run let T2 run/);
});

test("logs that part where no thread switched are flagged: not the scheduler's doing", () => {
  const a = events([["create", "T1", "New"], ["run", "T1", "Running"], ["output", null, null, null, null, { text: "1.5" }]]);
  const b = events([["create", "T1", "New"], ["run", "T1", "Running"], ["output", null, null, null, null, { text: "1.7" }]]);
  assert.equal(firstEventDifference(a, b), 2);
  const diff = firstDifference({ schedule: [], log: a }, { schedule: [], log: b });
  assert.ok(diff?.same && diff.early);
  assert.match(describeDifference(diff), /part at event #3: the program does something the scheduler does not decide/);
});

test("the running thread, from the log: the last to run, until it stops running", () => {
  const log = events([["run", "T1", "Running"], ["block", "T1", "Blocked", "lock"], ["run", "T2", "Running"]]);
  assert.equal(runningAfter(log, 1), "T1");
  assert.equal(runningAfter(log, 2), null);
  assert.equal(runningAfter(log, 3), "T2");
});

test("the compare page's link", () => {
  assert.equal(compareUrl("a-b_c", "x y"), "/compare?found=a-b_c&passed=x+y");
});
