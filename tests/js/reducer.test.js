import assert from "node:assert/strict";
import { test } from "node:test";

import { OUTPUT_KEPT, fold, initialState, reduce } from "../../static/js/model/reducer.js";
import { stateCounts, waitsFor } from "../../static/js/model/queries.js";
import { events, fixture } from "./helpers.js";

test("a recorded race folds into dead threads, the counter's value and the verdict", () => {
  const log = fixture("race");
  const state = fold(initialState(), log);
  assert.deepEqual(state.problems, []);
  assert.equal(state.seq, log.length);
  assert.deepEqual(state.order, ["MainThread", "T1", "T2", "T3"]);
  assert.deepEqual(stateCounts(state), { New: 0, Runnable: 0, Running: 0, Blocked: 0, Dead: 4 });
  const counter = state.resources.counter;
  assert.equal(counter.type, "Shared");
  assert.equal(counter.initial, 0);
  const lastWrite = log.filter((e) => e.kind === "write").at(-1);
  assert.equal(counter.value, log.filter((e) => e.obj === "counter").at(-1).detail.value);
  assert.ok(lastWrite);
  assert.equal(counter.writes, log.filter((e) => e.kind === "write").length);
  assert.equal(state.end?.verdict?.summary, log.at(-1).detail.verdict.summary);
  assert.equal(state.end?.status, log.at(-1).detail.status);
  assert.match(state.output[0], /^expected \d+, got \d+$/);
});

test("mid-run, a thread shows its state, line and last operation", () => {
  const log = fixture("race");
  const firstRead = log.findIndex((e) => e.kind === "read" && e.thread === "T1");
  const state = fold(initialState(), log.slice(0, firstRead + 1));
  const t1 = state.threads.T1;
  assert.equal(t1.state, "Running");
  assert.equal(t1.line, log[firstRead].line);
  assert.deepEqual(t1.last, { seq: log[firstRead].seq, kind: "read", obj: "counter", value: 0 });
});

test("a run-event without a line keeps the thread on its last line", () => {
  const state = fold(initialState(), events([
    ["create", "T1", "New", null, 5],
    ["start", "T1", "Runnable", null, 6],
    ["run", "T1", "Running", null, null],
  ]));
  assert.equal(state.threads.T1.line, 6);
});

test("a lock held, a thread blocked on it, then handed over", () => {
  const log = events([
    ["create", "T1", "New"],
    ["create", "T2", "New"],
    ["start", "T1", "Runnable"],
    ["start", "T2", "Runnable"],
    ["run", "T1", "Running"],
    ["declare", "T1", "Running", "lock_a", 3, { type: "Lock" }],
    ["acquire", "T1", "Running", "lock_a", 4],
    ["run", "T2", "Running"],
    ["block", "T2", "Blocked", "lock_a", 4, { reason: "acquire", timeout: null }],
  ]);
  let state = fold(initialState(), log);
  assert.deepEqual(state.threads.T1.holding, ["lock_a"]);
  assert.deepEqual(state.resources.lock_a.owners, { T1: 1 });
  assert.deepEqual(state.resources.lock_a.waiters, ["T2"]);
  assert.deepEqual(waitsFor(state, "T2"), { obj: "lock_a", isThread: false, heldBy: ["T1"] });
  assert.equal(waitsFor(state, "T1"), null);

  const more = events([
    ...Array(9).fill(["run", "T1", "Running"]),
    ["release", "T1", "Running", "lock_a", 5],
    ["wake", "T2", "Runnable", "lock_a", 4, { timed_out: false }],
    ["run", "T2", "Running"],
    ["acquire", "T2", "Running", "lock_a", 4],
  ]).slice(9);
  state = fold(state, more);
  assert.deepEqual(state.problems, []);
  assert.deepEqual(state.threads.T1.holding, []);
  assert.deepEqual(state.threads.T2.holding, ["lock_a"]);
  assert.deepEqual(state.resources.lock_a.owners, { T2: 1 });
  assert.deepEqual(state.resources.lock_a.waiters, []);
  assert.equal(state.threads.T2.waitingFor, null);
});

test("an RLock counts its depth; the thread holds it until the last release", () => {
  const state = fold(initialState(), events([
    ["create", "T1", "New"],
    ["start", "T1", "Runnable"],
    ["run", "T1", "Running"],
    ["declare", "T1", "Running", "r", 2, { type: "RLock" }],
    ["acquire", "T1", "Running", "r", 3],
    ["acquire", "T1", "Running", "r", 4],
    ["release", "T1", "Running", "r", 5],
  ]));
  assert.deepEqual(state.resources.r.owners, { T1: 1 });
  assert.deepEqual(state.threads.T1.holding, ["r"]);
  const after = reduce(state, { ...state, seq: 8, t: 1, kind: "release", thread: "T1", state: "Running", obj: "r", line: 6, detail: {} });
  assert.deepEqual(after.resources.r.owners, {});
  assert.deepEqual(after.threads.T1.holding, []);
});

test("a join waits for a thread, and no resource is invented for it", () => {
  const state = fold(initialState(), events([
    ["create", "MainThread", "New"],
    ["start", "MainThread", "Runnable"],
    ["run", "MainThread", "Running"],
    ["create", "T1", "New"],
    ["block", "MainThread", "Blocked", "T1", 9, { reason: "join" }],
  ]));
  assert.deepEqual(state.resourceOrder, []);
  assert.deepEqual(waitsFor(state, "MainThread"), { obj: "T1", isThread: true, heldBy: [] });
});

test("semaphores report permits left; events set and clear", () => {
  const state = fold(initialState(), events([
    ["create", "T1", "New"],
    ["start", "T1", "Runnable"],
    ["run", "T1", "Running"],
    ["declare", "T1", "Running", "slots", 1, { type: "Semaphore", value: 2 }],
    ["acquire", "T1", "Running", "slots", 2, { value: 1 }],
    ["declare", "T1", "Running", "ready", 3, { type: "Event" }],
    ["set", "T1", "Running", "ready", 4],
  ]));
  assert.equal(state.resources.slots.value, 1);
  assert.equal(state.resources.slots.initial, 2);
  assert.equal(state.resources.ready.value, true);
});

test("reduce is pure: the old state is untouched and unchanged parts are shared", () => {
  const log = fixture("race");
  const before = fold(initialState(), log.slice(0, 20));
  const frozen = JSON.stringify(before);
  const after = reduce(before, log[20]);
  assert.equal(JSON.stringify(before), frozen);
  assert.notEqual(after, before);
  const untouched = before.order.filter((name) => name !== log[20].thread);
  for (const name of untouched) assert.equal(after.threads[name], before.threads[name]);
});

test("a repeated event is ignored; a gap is noted as a problem", () => {
  const log = fixture("race");
  const state = fold(initialState(), log.slice(0, 10));
  assert.equal(reduce(state, log[5]), state);
  const gapped = reduce(state, log[12]);
  assert.equal(gapped.problems.length, 1);
  assert.match(gapped.problems[0], /events are missing/);
});

test("an impossible transition is noted, never hidden", () => {
  const state = fold(initialState(), events([
    ["create", "T1", "New"],
    ["exit", "T1", "Dead"],
    ["run", "T1", "Running"],
  ]));
  assert.deepEqual(state.problems, ["event 3: T1 went from Dead to Running"]);
});

test("unknown kinds are tolerated (new kinds may be added)", () => {
  const state = fold(initialState(), events([
    ["create", "T1", "New"],
    ["teleport", "T1", "New", "x"],
  ]));
  assert.equal(state.seq, 2);
  assert.deepEqual(state.problems, []);
});

test("the end event: status, verdict and message; no verdict before it", () => {
  const log = fixture("race");
  assert.equal(fold(initialState(), log.slice(0, -1)).end, null);
  const crashed = reduce(initialState(), {
    seq: 1, t: 0, kind: "end", thread: null, state: null, obj: null, line: null,
    detail: { status: "timed_out", verdict: null, message: "Stopped after 20 s." },
  });
  assert.deepEqual(crashed.end, {
    status: "timed_out", verdict: null, message: "Stopped after 20 s.", schedule: null, steps: null,
  });
});

test("a thread's exception is kept; output is capped but counted", () => {
  const specs = [
    ["create", "T1", "New"],
    ["start", "T1", "Runnable"],
    ["run", "T1", "Running"],
    ["exit", "T1", "Dead", null, null, { error: "Traceback…\nZeroDivisionError: division by zero" }],
  ];
  for (let i = 0; i < OUTPUT_KEPT + 5; i += 1) specs.push(["output", null, null, null, null, { text: `line ${i}` }]);
  const state = fold(initialState(), events(specs));
  assert.match(state.threads.T1.error ?? "", /ZeroDivisionError/);
  assert.equal(state.output.length, OUTPUT_KEPT);
  assert.equal(state.outputCount, OUTPUT_KEPT + 5);
  assert.equal(state.output.at(-1), `line ${OUTPUT_KEPT + 4}`);
});

test("folding 100,000 events stays fast", () => {
  const specs = [];
  for (let i = 0; i < 16; i += 1) {
    specs.push(["create", `T${i}`, "New"], ["start", `T${i}`, "Runnable"], ["run", `T${i}`, "Running"]);
  }
  for (let i = 0; i < 100_000; i += 1) {
    specs.push([i % 2 ? "write" : "read", `T${i % 16}`, "Running", "counter", 14, { value: i }]);
  }
  const log = events(specs);
  const started = performance.now();
  const state = fold(initialState(), log);
  const ms = performance.now() - started;
  assert.equal(state.resources.counter.reads + state.resources.counter.writes, 100_000);
  assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
});

test("measures are kept in order with their unit", () => {
  const state = fold(initialState(), events([
    ["create", "MainThread", "New"],
    ["measure", "MainThread", "New", null, 7, { name: "threaded", value: 1.25, unit: "s" }],
  ]));
  assert.deepEqual(state.measures, [{ name: "threaded", value: 1.25, unit: "s", thread: "MainThread" }]);
});

test("no state is changed after it was returned (the in-place drafts stay in one call)", () => {
  const log = fixture("queue");
  const states = [];
  let state = initialState();
  for (const event of log) {
    state = reduce(state, event);
    states.push([state, JSON.stringify(state)]);
  }
  for (const [kept, text] of states) assert.equal(JSON.stringify(kept), text);
  assert.equal(states[50][1], JSON.stringify(fold(initialState(), log.slice(0, 51))));
});
